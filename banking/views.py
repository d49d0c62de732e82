"""Bank details pages: an organisation's details and their history, giving or changing them,
confirming a change after a call-back (or rejecting it), a finance officer's look at a full
account number, and the list of changes awaiting confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions as account_perms
from core.confirm import Effect, confirmation_page, confirmed, people_told
from core.errors import errors_to_form, message_for, require
from programmes.models import Organisation

from . import permissions as bank_perms
from . import selectors, services
from .forms import BankDetailsForm, CallbackForm, RejectForm
from .models import BankAccount
from .workflows import BANK_ACCOUNT


def _organisation(user, pk) -> Organisation:
    """The organisation, if the user may see it at all (404 otherwise) and its bank details
    (403 with the reason otherwise)."""
    org = get_object_or_404(Organisation, pk=pk)
    if not account_perms.can_view_organisation(user, org)[0]:
        raise Http404("No such organisation.")
    require(bank_perms.can_view_bank_details(user, org))
    return org


def _account(user, pk) -> BankAccount:
    account = get_object_or_404(BankAccount.objects.select_related("organisation"), pk=pk)
    _organisation(user, account.organisation_id)
    return account


def _page(request, org, *, revealed=None, reject_form=None, status=200):
    accounts = selectors.organisation_accounts(org)
    current = next((a for a in accounts if a.status == BankAccount.Status.CONFIRMED), None)
    pending = next((a for a in accounts if a.status == BankAccount.Status.PENDING), None)
    user = request.user
    moves = {m.name for m in BANK_ACCOUNT.moves_for(pending, user, account=pending, actor=user)}
    if pending is not None:
        _, confirm_reason = BANK_ACCOUNT.allows(
            pending, BankAccount.Status.CONFIRMED, user, account=pending, actor=user
        )
    else:
        confirm_reason = ""
    return render(
        request,
        "banking/organisation_bank.html",
        {
            "organisation": org,
            "current": current,
            "pending": pending,
            "history": [a for a in accounts if a not in (current, pending)],
            "can_enter": bank_perms.can_enter_bank_details(user, org)[0] and pending is None,
            "can_confirm": "confirm" in moves,
            "can_reject": "reject" in moves,
            "confirm_reason": confirm_reason
            if bank_perms.can_confirm_bank_details(user)[0]
            else "",
            "can_reveal": bank_perms.can_see_full_number(user)[0],
            "revealed": revealed,
            "reject_form": reject_form or RejectForm(),
        },
        status=status,
    )


@login_required
@require_GET
def organisation_bank(request, pk):
    org = _organisation(request.user, pk)
    return _page(request, org)


@login_required
def account_enter(request, pk):
    """Give or change an organisation's bank details: they wait for a second person's
    confirmation, and its payments are held until then."""
    org = _organisation(request.user, pk)
    require(bank_perms.can_enter_bank_details(request.user, org))
    pending = selectors.pending_account(org)
    current = selectors.confirmed_account(org)
    form = BankDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_account_enter(organisation=org, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                "Bank details saved. They will be confirmed by a call from the programme team; "
                "payments are held until then.",
            )
            return redirect("banking:organisation_bank", pk=org.pk)
    return render(
        request,
        "banking/account_form.html",
        {"organisation": org, "form": form, "pending": pending, "current": current},
    )


@login_required
def account_confirm(request, pk):
    """Confirm bank details after calling the organisation back: the call-back form, then the
    confirmation page, then the service."""
    account = _account(request.user, pk)
    require(bank_perms.can_confirm_bank_details(request.user))
    allowed, reason = BANK_ACCOUNT.allows(
        account, BankAccount.Status.CONFIRMED, request.user, account=account, actor=request.user
    )
    if not allowed:
        raise PermissionDenied(reason)
    org = account.organisation
    form = CallbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not confirmed(request):
            return confirmation_page(
                request,
                title=f"Confirm {org.name}'s bank details",
                intro=f"{account.account_name}, sort code {account.sort_code_display}, account "
                f"{account.masked_number}.",
                effects=[
                    Effect.money(
                        f"{org.name}'s payments will be paid into this account"
                        + (
                            f" instead of {account.replaces.masked_number}"
                            if account.replaces
                            else ""
                        )
                        + "; its held payments can be approved and paid."
                    ),
                    Effect.record(
                        f"Your call-back to {form.cleaned_data['callback_contact']} on "
                        f"{form.cleaned_data['callback_number']} is recorded."
                    ),
                    people_told(
                        selectors.people_to_tell(org),
                        what="the bank details are confirmed",
                        actor=request.user,
                    ),
                ],
                button="Confirm bank details",
                back_url=account.get_absolute_url(),
            )
        try:
            services.bank_account_confirm(account=account, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"{org.name}'s bank details confirmed.")
            return redirect("banking:organisation_bank", pk=org.pk)
    return render(request, "banking/account_confirm.html", {"account": account, "form": form})


@login_required
@require_POST
def account_reject(request, pk):
    account = _account(request.user, pk)
    require(bank_perms.can_confirm_bank_details(request.user))
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.bank_account_reject(
                account=account, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"{account.organisation.name}'s new bank details rejected.")
            return redirect("banking:organisation_bank", pk=account.organisation_id)
    return _page(request, account.organisation, reject_form=form, status=400)


@login_required
@require_POST
def account_reveal(request, pk):
    """A finance officer sees a full account number (the look is recorded)."""
    account = _account(request.user, pk)
    try:
        number = services.bank_account_reveal(account=account, actor=request.user)
    except PermissionDenied as exc:
        messages.error(request, message_for(exc))
        return redirect("banking:organisation_bank", pk=account.organisation_id)
    return _page(request, account.organisation, revealed=(account.pk, number))


@login_required
@require_GET
def pending_changes(request):
    """Bank details awaiting confirmation, for the people who confirm them."""
    require(bank_perms.can_confirm_bank_details(request.user))
    changes = list(selectors.pending_changes())
    return render(request, "banking/pending.html", {"changes": changes})
