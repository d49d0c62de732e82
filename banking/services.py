"""Writing bank details: enter (or change), confirm with a call-back, reject, and look at a full
account number. Each is one service with ``actor=``, under the organisation's row lock, with its
activity entry; notifications (and their emails, after commit) go to the organisation's other
users and the programme team."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity.models import Visibility
from activity.services import activity_record
from core.errors import require
from core.locking import copy_back, lock
from core.text import require_within
from core.transition import transition
from core.validators import require_single_line
from programmes.models import Organisation

from . import permissions as bank_perms
from . import selectors
from .models import BankAccount
from .workflows import BANK_ACCOUNT

SEPARATORS = re.compile(r"[\s-]+")

BAD_SORT_CODE = "Enter a sort code of 6 digits, like 12-34-56."
BAD_ACCOUNT_NUMBER = "Enter an account number of 8 digits, like 12345678."
CHANGE_ALREADY_PENDING = (
    "A change of bank details is already awaiting confirmation: it must be confirmed or rejected "
    "before another can be given."
)
SAME_AS_CONFIRMED = "These are the bank details already confirmed: nothing has changed."
NOTE_MAX = 1000


def normalise_sort_code(value: str) -> str:
    """A UK sort code as six digits, accepting the spaces and hyphens people type (12-34-56)."""
    digits = SEPARATORS.sub("", value or "")
    if not re.fullmatch(r"[0-9]{6}", digits):
        raise ValidationError({"sort_code": ValidationError(BAD_SORT_CODE, code="bad_sort_code")})
    return digits


def normalise_account_number(value: str) -> str:
    """A UK account number as eight digits, accepting spaces and hyphens."""
    digits = SEPARATORS.sub("", value or "")
    if not re.fullmatch(r"[0-9]{8}", digits):
        raise ValidationError(
            {"account_number": ValidationError(BAD_ACCOUNT_NUMBER, code="bad_account_number")}
        )
    return digits


def _entry_area(organisation):
    """The area whose trail an entry joins: the organisation's first led area (so its lead sees
    it there), or None (the programme's trail) for an organisation that leads none."""
    return organisation.led_areas.order_by("pk").first()


def _details(account: BankAccount) -> str:
    return f"{account.account_name}, {account.sort_code_display}, account {account.masked_number}"


@transaction.atomic
def bank_account_enter(
    *,
    organisation: Organisation,
    actor,
    account_name: str,
    sort_code: str,
    account_number: str,
    occurred_at=None,
) -> BankAccount:
    """Give an organisation's bank details, or change them. The new details wait for a second
    person's confirmation (``bank_account_confirm``); until then the organisation's unpaid
    payments are held (banking/holds.py). The organisation's other users and the programme team
    are told, so a change nobody at the organisation asked for is noticed."""
    require(bank_perms.can_enter_bank_details(actor, organisation))
    account_name = (account_name or "").strip()
    errors = {}
    if not account_name:
        errors["account_name"] = ValidationError(
            "Enter the name on the account.", code="account_name_required"
        )
    try:
        sort_code = normalise_sort_code(sort_code)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        account_number = normalise_account_number(account_number)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    require_single_line(account_name=account_name)
    require_within(140, account_name=account_name)
    locked_org = lock(organisation)
    if BankAccount.objects.filter(
        organisation=locked_org, status=BankAccount.Status.PENDING
    ).exists():
        raise ValidationError(CHANGE_ALREADY_PENDING, code="change_pending")
    current = selectors.confirmed_account(locked_org)
    if current is not None and (
        (current.account_name, current.sort_code, current.account_number)
        == (account_name, sort_code, account_number)
    ):
        raise ValidationError(SAME_AS_CONFIRMED, code="unchanged")
    when = occurred_at or timezone.now()
    account = BankAccount.objects.create(
        organisation=locked_org,
        account_name=account_name,
        sort_code=sort_code,
        account_number=account_number,
        replaces=current,
        entered_by=actor,
        entered_at=when,
    )
    change = "changed" if current is not None else "given"
    activity_record(
        verb="bank_account.entered",
        summary=f"Bank details for {locked_org.name} {change}: {_details(account)} "
        "(awaiting confirmation; payments held)",
        actor=actor,
        area=_entry_area(locked_org),
        visibility=Visibility.AREA,
        target=account,
        occurred_at=when,
        data={"replaces": current.pk if current else None},
        notify=selectors.people_to_tell(locked_org),
    )
    return account


def _callback_checked(contact, number, called_at, note) -> tuple[str, str, str]:
    contact, number, note = (contact or "").strip(), (number or "").strip(), (note or "").strip()
    errors = {}
    if not contact:
        errors["callback_contact"] = ValidationError(
            "Say who you called back at the organisation.", code="callback_contact_required"
        )
    if not number:
        errors["callback_number"] = ValidationError(
            "Say which number you called (one the programme already held).",
            code="callback_number_required",
        )
    if called_at is None:
        errors["callback_at"] = ValidationError("Say when you called.", code="callback_at_required")
    elif isinstance(called_at, datetime.datetime) and called_at > timezone.now():
        errors["callback_at"] = ValidationError(
            "The call cannot be in the future.", code="callback_in_future"
        )
    if errors:
        raise ValidationError(errors)
    require_single_line(callback_contact=contact, callback_number=number)
    require_within(120, callback_contact=contact)
    require_within(30, callback_number=number)
    require_within(NOTE_MAX, callback_note=note)
    return contact, number, note


@transaction.atomic
def bank_account_confirm(
    *,
    account: BankAccount,
    actor,
    callback_contact: str,
    callback_number: str,
    callback_at: datetime.datetime | None,
    callback_note: str = "",
    occurred_at=None,
) -> BankAccount:
    """Confirm bank details after calling the organisation back: by a finance officer or
    programme manager who did not enter them (banking/workflows.py), with who was called, on
    which number and when. The organisation's previous account is replaced, and its held
    payments may be approved and paid again."""
    require(bank_perms.can_confirm_bank_details(actor))
    contact, number, note = _callback_checked(
        callback_contact, callback_number, callback_at, callback_note
    )
    organisation = lock(account.organisation)
    locked = lock(account)
    # Asked before replacing the old account, so a refusal changes nothing.
    BANK_ACCOUNT.check(locked, BankAccount.Status.CONFIRMED, actor, account=locked, actor=actor)
    when = occurred_at or timezone.now()
    for old in BankAccount.objects.select_for_update().filter(
        organisation=organisation, status=BankAccount.Status.CONFIRMED
    ):
        transition(
            old,
            BankAccount.Status.SUPERSEDED,
            workflow=BANK_ACCOUNT,
            locked=old,
            actor=actor,
            recorded_with="bank_account.confirmed",
            changes={"superseded_at": when},
        )
    transition(
        account,
        BankAccount.Status.CONFIRMED,
        workflow=BANK_ACCOUNT,
        locked=locked,
        actor=actor,
        verb="bank_account.confirmed",
        summary=f"Bank details for {organisation.name} confirmed after a call-back to "
        f"{contact}: {_details(locked)}",
        area=_entry_area(organisation),
        visibility=Visibility.AREA,
        occurred_at=when,
        data={"callback_number": number, "callback_at": callback_at.isoformat()},
        changes={
            "confirmed_by": actor,
            "confirmed_at": when,
            "callback_contact": contact,
            "callback_number": number,
            "callback_at": callback_at,
            "callback_note": note,
        },
        notify=selectors.people_to_tell(organisation),
        check_context=lambda locked: {"account": locked, "actor": actor},
    )
    return copy_back(account, locked)


@transaction.atomic
def bank_account_reject(*, account: BankAccount, actor, reason: str) -> BankAccount:
    """Reject bank details the call-back did not confirm, with a reason. The organisation's
    previous confirmed account (if any) stays the one paid into."""
    require(bank_perms.can_confirm_bank_details(actor))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError("Say why the details are rejected.", code="reason_required")}
        )
    require_within(NOTE_MAX, reason=reason)
    organisation = lock(account.organisation)
    when = timezone.now()
    transition(
        account,
        BankAccount.Status.REJECTED,
        workflow=BANK_ACCOUNT,
        actor=actor,
        verb="bank_account.rejected",
        summary=f"Bank details for {organisation.name} rejected: {_details(account)}",
        area=_entry_area(organisation),
        visibility=Visibility.AREA,
        reason=reason,
        changes={"rejected_by": actor, "rejected_at": when, "rejected_reason": reason},
        notify=selectors.people_to_tell(organisation),
        check_context=lambda locked: {"account": locked, "actor": actor},
    )
    return account


def bank_account_reveal(*, account: BankAccount, actor) -> str:
    """A finance officer looks at a full account number: the look is recorded (who, which
    account), then the number is given."""
    require(bank_perms.can_see_full_number(actor))
    activity_record(
        verb="bank_account.viewed",
        summary=f"Full account number of {account.organisation.name}'s bank details viewed "
        f"({_details(account)})",
        actor=actor,
        area=_entry_area(account.organisation),
        visibility=Visibility.STAFF,
        target=account,
    )
    return account.account_number
