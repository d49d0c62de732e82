"""What the Django admin site may write, model by model, and the audit of what it writes.

Every model the admin site shows (registered, or as an inline on another model's page, our own
apps' and third-party ones alike) has one rule in `POLICIES` below, the one place the decision is
made. A rule is one of:

- ``read_only``: shown, never added, changed or deleted here (case records, audit records, what
  services and workers write). A wrong record is put right through the service that owns it.
- ``audited``: added, changed and deleted here, each write an activity entry.
- ``audited_no_delete``: added and changed here (audited); never deleted (money rules, reference
  data others point at, people: a deletion would cascade or hide history).
- ``audited_change_only``: changed here (audited); made only by a service, never deleted.
- ``audited_delete_only``: only deleted here (audited): resetting a lost second factor or
  unlocking a locked-out sign-in.

An audited write is recorded by `activity.services.admin_write_record` inside the admin's own
transaction, on the object's area's hash chain (else the programme chain), naming the model, the
object, each changed field with its old and new value, and the admin; `audit_verify` checks it
like every other entry. Values of ``hidden`` fields (secrets) are recorded as changed, never
written out.

Workflow status fields (a model with a ``workflow``) are never editable here: states move only
through their services. ``locked`` names other fields only services change; ``editable``, when
given, is the whole list of fields the admin may change.

The admin classes read their rule from here: `GuardedModelAdmin`, `GuardedTabularInline` and
`GuardedStackedInline` for our apps, `GuardedAdminMixin` put in front of a third-party admin
class. core/tests/test_admin_policy.py fails for a registered model (or inline) with no rule,
or whose admin class does not apply it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

READ_ONLY = "read_only"
AUDITED = "audited"
AUDITED_NO_DELETE = "audited_no_delete"
AUDITED_CHANGE_ONLY = "audited_change_only"
AUDITED_DELETE_ONLY = "audited_delete_only"

# policy -> (may add, may change, may delete) in the admin site, superusers included
PERMITS = {
    READ_ONLY: (False, False, False),
    AUDITED: (True, True, True),
    AUDITED_NO_DELETE: (True, True, False),
    AUDITED_CHANGE_ONLY: (False, True, False),
    AUDITED_DELETE_ONLY: (False, False, True),
}

HIDDEN = "(hidden)"


@dataclass(frozen=True)
class Rule:
    policy: str
    reason: str
    locked: tuple[str, ...] = ()  # never editable here: only services change them
    editable: tuple[str, ...] | None = None  # when given, the only fields editable here
    hidden: tuple[str, ...] = ()  # secrets: audited as changed, their values never written

    def __post_init__(self):
        if self.policy not in PERMITS:
            raise ValueError(f"Unknown admin policy {self.policy!r}: one of {sorted(PERMITS)}.")

    @property
    def may_add(self) -> bool:
        return PERMITS[self.policy][0]

    @property
    def may_change(self) -> bool:
        return PERMITS[self.policy][1]

    @property
    def may_delete(self) -> bool:
        return PERMITS[self.policy][2]

    @property
    def writes(self) -> bool:
        return any(PERMITS[self.policy])


def _ro(reason: str) -> Rule:
    return Rule(READ_ONLY, reason)


CASE_RECORD = "a case record: written by the lead organisation or staff through the services"
AUDIT_RECORD = "an audit record: corrected by a new record, never edited"
SYSTEM_RECORD = "written by services and workers; nothing to set by hand"

POLICIES: dict[str, Rule] = {
    # accounts: people and access. Role and membership changes are security events.
    "accounts.user": Rule(
        AUDITED_NO_DELETE,
        "Role, staff and superuser changes are security events; people are deactivated, not "
        "deleted (their records point at them).",
        hidden=("password",),
    ),
    "accounts.organisationmembership": Rule(
        AUDITED,
        "Membership gives access to an organisation's areas: adding or removing it is "
        "a security event.",
    ),
    "accounts.areaassignment": Rule(
        AUDITED, "Who looks after an area (and so sees its staff-only records)."
    ),
    "auth.group": Rule(AUDITED, "Permission groups: any change is a security event."),
    # Second factors and sign-in lockouts (third-party). Adding or changing a device would let
    # an admin pass as its owner; deleting is the reset for a lost phone or spent codes.
    "otp_totp.totpdevice": Rule(
        AUDITED_DELETE_ONLY,
        "An admin may only remove a lost authenticator (audited); its secret is never shown.",
        hidden=("key",),
    ),
    "otp_static.staticdevice": Rule(
        AUDITED_DELETE_ONLY,
        "An admin may only remove spent recovery codes (audited); the codes are never shown.",
    ),
    "axes.accessattempt": Rule(
        AUDITED_DELETE_ONLY,
        "Deleting a failed-attempts row unlocks a sign-in: audited. Never added or edited.",
        hidden=("get_data", "post_data"),
    ),
    "axes.accesslog": _ro("Sign-in log: security evidence."),
    "axes.accessfailurelog": _ro("Failed sign-in log: security evidence."),
    # activity: the audit trail itself.
    "activity.activityentry": _ro(AUDIT_RECORD + "; hash-chained (audit_verify)."),
    "activity.activitychain": _ro("The chains' heads: moved only by activity_record."),
    "activity.notification": _ro("Who was told what: written with its entry; read on the pages."),
    # core and background work.
    "core.outboxmessage": _ro("The outbox: written by services, emptied by the dispatcher."),
    "django_celery_results.taskresult": _ro("Worker results: " + SYSTEM_RECORD + "."),
    "django_celery_results.groupresult": _ro("Worker results: " + SYSTEM_RECORD + "."),
    "reports.reportjob": _ro("Report jobs are made on the reports page and run by a worker."),
    "reports.importjob": _ro("Imports are uploaded on the imports page and run by a worker."),
    # programmes: money rules and reference data.
    "programmes.programme": Rule(
        AUDITED_NO_DELETE,
        "Money rules (the payments' second-approval threshold): every change audited.",
    ),
    "programmes.round": Rule(
        AUDITED_NO_DELETE,
        "Round status, dates and budget: audited (the admin is where a round opens and closes; "
        "it has no workflow). Never deleted: areas and applications belong to it.",
    ),
    "programmes.stagedefinition": Rule(
        AUDITED_NO_DELETE, "Money rules: each stage's grant range and advance share, audited."
    ),
    "programmes.milestone": Rule(
        AUDITED_NO_DELETE,
        "The round's timetable: audited; never deleted (extensions and reminders point at it).",
    ),
    "programmes.theme": Rule(
        AUDITED_NO_DELETE, "Reference data areas and applications point at: audited."
    ),
    "programmes.organisation": Rule(
        AUDITED_NO_DELETE,
        "An organisation's details and type (which drives eligibility): audited; never deleted.",
    ),
    "programmes.area": Rule(
        AUDITED_CHANGE_ONLY,
        "Areas are made by admission; their details are corrected here (audited). Stage and "
        "status move only by decisions.",
        locked=("stage",),
    ),
    "programmes.areatheme": Rule(AUDITED, "An area's themes: audited."),
    "programmes.partner": Rule(AUDITED, "An area's partners: audited."),
    # applications: decisions are case records; scoring rules are audited.
    "applications.application": _ro(CASE_RECORD + "; decided through the assessment services."),
    "applications.applicationtheme": _ro(CASE_RECORD + "."),
    "applications.applicationpartner": _ro(CASE_RECORD + "."),
    "applications.assessmentscore": _ro(AUDIT_RECORD + "."),
    "applications.gateapplication": _ro(CASE_RECORD + "; decided through the gate services."),
    "applications.deadlineextension": _ro(AUDIT_RECORD + "."),
    "applications.assessmentcriterion": Rule(
        AUDITED_NO_DELETE, "Scoring rules (criteria and weights): audited; scores point at them."
    ),
    "applications.roundassessmentsettings": Rule(
        AUDITED_NO_DELETE, "The round's scoring scale: audited."
    ),
    # plans: everything an area wrote, and its sign-off.
    "plans.operationalplan": _ro(CASE_RECORD + "."),
    "plans.budgetarrangement": _ro(CASE_RECORD + "."),
    "plans.resourcingline": _ro(CASE_RECORD + "."),
    "plans.sectioncomment": _ro(CASE_RECORD + "."),
    "plans.planversion": _ro(AUDIT_RECORD + " (a frozen submitted version)."),
    "plans.signoff": _ro(AUDIT_RECORD + "."),
    "plans.developmentstrategy": _ro(CASE_RECORD + "."),
    "plans.logicmodel": _ro(CASE_RECORD + "."),
    "plans.logicmodelrow": _ro(CASE_RECORD + "."),
    "plans.costbenefitanalysis": _ro(CASE_RECORD + "."),
    "plans.costline": _ro(CASE_RECORD + "."),
    "plans.benefitline": _ro(CASE_RECORD + "."),
    "plans.peerreviewassignment": _ro(CASE_RECORD + "."),
    "plans.peerreview": _ro(CASE_RECORD + "."),
    "plans.planattachment": _ro(CASE_RECORD + "."),
    "plans.remindersent": _ro("Which reminders went out: deleting one would send it again."),
    # grants: the money itself.
    "grants.award": _ro(
        "Awards come from decisions; cancelled by the admin action, which calls the service."
    ),
    "grants.payment": Rule(
        AUDITED_CHANGE_ONLY,
        "Only the due date is set here (audited); amount, status and approvers move only by "
        "the payment services (the admin actions call them).",
        editable=("due_on",),
    ),
    # diligence: checks made before money is committed, confirmed by a second person.
    "diligence.duediligence": _ro(CASE_RECORD + "; confirmed by a second programme manager."),
    "diligence.registercheck": _ro(CASE_RECORD + "."),
    "diligence.governancedocument": _ro(CASE_RECORD + "."),
    "diligence.duplicateflag": _ro(SYSTEM_RECORD + ": found when an organisation is saved."),
    # messaging, delivery, support, surveys: case records.
    "messaging.message": _ro(CASE_RECORD + "; the conversation as it was sent."),
    "delivery.progressreturn": _ro(CASE_RECORD + "."),
    "delivery.returnfactor": _ro(CASE_RECORD + "."),
    "delivery.fundingrecord": _ro(CASE_RECORD + " (funding secured, in pounds)."),
    "delivery.cbaoutturnline": _ro(CASE_RECORD + "."),
    "delivery.makingithappenapplication": _ro(CASE_RECORD + "."),
    "delivery.matchfundingcommitment": _ro(CASE_RECORD + " (match funding, in pounds)."),
    "support.adviserentitlement": _ro(AUDIT_RECORD + " (adviser days granted)."),
    "support.adviserday": _ro(CASE_RECORD + " (adviser days booked)."),
    "support.supportcontact": _ro(CASE_RECORD + " (relationship managers' log)."),
    "support.followup": _ro(CASE_RECORD + "."),
    "support.event": _ro(CASE_RECORD + " (made on the events pages)."),
    "support.eventinvitation": _ro(CASE_RECORD + "."),
    "support.adviser": Rule(
        AUDITED_NO_DELETE,
        "The advisers list: audited; an adviser with bookings is taken off the list, not deleted.",
    ),
    "surveys.survey": Rule(
        AUDITED_NO_DELETE,
        "Survey definitions: audited; never deleted (its invitations and answers would go).",
    ),
    "surveys.question": Rule(
        AUDITED_NO_DELETE, "Survey questions: audited; never deleted (answers point at them)."
    ),
    "surveys.choiceset": Rule(AUDITED_NO_DELETE, "Answer choices: audited; answers use them."),
    "surveys.choice": Rule(AUDITED_NO_DELETE, "Answer choices: audited; answers use them."),
    "surveys.itemlist": Rule(AUDITED_NO_DELETE, "Survey item lists: audited; answers use them."),
    "surveys.item": Rule(AUDITED_NO_DELETE, "Survey items: audited; answers use them."),
    "surveys.invitation": _ro("Personal survey links: made and revoked by the services."),
    "surveys.response": _ro(CASE_RECORD + " (a survey's answers)."),
}


UNCLASSIFIED = Rule(READ_ONLY, "Not classified yet: shown read-only until it has a rule here.")


def rule_for(model: type[models.Model]) -> Rule:
    """The model's rule. A model with none is shown read-only (the admin fails closed) and the
    `core.W001` check and the policy test name it until it is given one."""
    return POLICIES.get(model._meta.label_lower, UNCLASSIFIED)


def unclassified_models(site=None) -> list[str]:
    """Models the admin site shows (registered or inline) with no rule, or whose admin does not
    apply the rules."""
    site = site or admin.site
    problems = []
    for model, model_admin in site._registry.items():
        shown = [(model, isinstance(model_admin, GuardedAdminMixin))]
        shown += [(i.model, issubclass(i, GuardedInlineMixin)) for i in model_admin.inlines]
        for each, guarded in shown:
            label = each._meta.label_lower
            if label not in POLICIES:
                problems.append(f"{label} has no rule in core/admin_audit.py POLICIES")
            elif not guarded:
                problems.append(
                    f"{label}'s admin does not apply its rule (use the Guarded classes)"
                )
    return sorted(set(problems))


def check_admin_policies(app_configs=None, **kwargs):
    """System check: every model shown in the admin has a rule and an admin that applies it."""
    from django.core import checks

    return [
        checks.Warning(problem, id="core.W001", obj="core.admin_audit")
        for problem in unclassified_models()
    ]


# --- what an object holds, and what changed ----------------------------------------------------


@dataclass(frozen=True)
class AuditTrail:
    """How the audit trail writes an admin's write (`record`) and makes stored values canonical
    for it (`canonical`). The activity app, which owns the trail and imports core, registers it
    when it is ready (activity.apps), so core never imports activity."""

    record: Callable[..., object]
    canonical: Callable[[dict], dict]


_TRAIL: list[AuditTrail] = []


def audit_trail_register(trail: AuditTrail) -> None:
    _TRAIL[:] = [trail]


def _trail() -> AuditTrail:
    if not _TRAIL:
        raise ImproperlyConfigured(
            "No audit trail is registered for admin writes: the activity app must be installed."
        )
    return _TRAIL[0]


def _recorded_fields(model: type[models.Model]):
    """The fields an audit entry compares: every stored field but the key, the time of the last
    save (it changes with every save) and generated columns (they follow their sources)."""
    for f in model._meta.concrete_fields:
        if f.primary_key or getattr(f, "auto_now", False) or isinstance(f, models.GeneratedField):
            continue
        yield f
    yield from model._meta.many_to_many


def snapshot(model: type[models.Model], pk) -> dict:
    """The object's stored values as the database holds them now (JSON types: what the entry
    records), or {} when there is no such row."""
    obj = model._base_manager.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        return {}
    values = {}
    for f in _recorded_fields(model):
        if f.many_to_many:
            values[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
        else:
            values[f.name] = f.value_from_object(obj)
    return _trail().canonical(values)


def _empty(value) -> bool:
    return value in (None, "", [], {})


def changes_between(before: dict, after: dict, *, hidden=()) -> dict[str, dict]:
    """{field: {"old": ..., "new": ...}} for each field whose value differs. For an object added
    (no before) or deleted (no after) only the fields that hold something are named."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new or (not before and _empty(new)) or (not after and _empty(old)):
            continue
        if name in hidden:
            old = None if _empty(old) else HIDDEN
            new = None if _empty(new) else HIDDEN
        changes[name] = {"old": old, "new": new}
    return changes


def record_admin_write(*, request, model, obj, pk, action: str, before: dict) -> None:
    """Compare the object's row with `before` and record what the admin changed (nothing is
    recorded for a save that changed nothing)."""
    after = snapshot(model, pk) if action != "deleted" else {}
    changes = changes_between(before, after, hidden=rule_for(model).hidden)
    if not changes and action == "changed":
        return
    _trail().record(
        actor=request.user,
        model=model,
        obj=obj,
        object_id=pk,
        object_label=str(obj),
        action=action,
        changes=changes,
    )


# --- the admin classes -------------------------------------------------------------------------


class _RuleMixin:
    """Permissions and read-only fields from the model's rule; for model admins and inlines."""

    @property
    def rule(self) -> Rule:
        return rule_for(self.model)

    def has_add_permission(self, request, *args):
        return self.rule.may_add and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self.rule.may_change and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.rule.may_delete and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        rule = self.rule
        if not (rule.may_add or rule.may_change):
            return fields
        locked = list(rule.locked)
        if getattr(self.model, "workflow", None) is not None:
            locked.append("status")  # states move only through their services
        if rule.editable is not None:
            locked += [
                f.name
                for f in (*self.model._meta.concrete_fields, *self.model._meta.many_to_many)
                if not f.primary_key and f.name not in rule.editable
            ]
        return fields + [name for name in dict.fromkeys(locked) if name not in fields]


class GuardedAdminMixin(_RuleMixin):
    """Put in front of a ModelAdmin (ours or a third-party one): it may write only what the rule
    allows, and every save and delete it makes, and every inline row it saves, is recorded."""

    def save_model(self, request, obj, form, change):
        # Read before saving: after the save the row holds the new values.
        obj._admin_audit_before = snapshot(type(obj), obj.pk) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Django's own order (many-to-many, then each inline), with the entry for the object
        # written once its many-to-many fields are saved and before its inline rows'.
        form.save_m2m()
        obj = form.instance
        record_admin_write(
            request=request,
            model=type(obj),
            obj=obj,
            pk=obj.pk,
            action="changed" if change else "added",
            before=getattr(obj, "_admin_audit_before", {}),
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        model = formset.model
        deleted = formset.deleted_forms
        # Each existing row that will change or go, as stored now, by the object (a deleted
        # object loses its key, so the key is kept here too).
        before = {
            id(f.instance): (f.instance.pk, snapshot(model, f.instance.pk))
            for f in formset.initial_forms
            if f.instance.pk is not None and (f in deleted or f.has_changed())
        }
        super().save_formset(request, form, formset, change)
        writes = [(obj, obj.pk, "added", {}) for obj in formset.new_objects]
        for obj, _names in formset.changed_objects:
            pk, was = before[id(obj)]
            writes.append((obj, pk, "changed", was))
        for obj in formset.deleted_objects:
            pk, was = before[id(obj)]
            writes.append((obj, pk, "deleted", was))
        for obj, pk, action, was in writes:
            record_admin_write(
                request=request, model=model, obj=obj, pk=pk, action=action, before=was
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            record_admin_write(
                request=request,
                model=type(obj),
                obj=obj,
                pk=obj.pk,
                action="deleted",
                before=snapshot(type(obj), obj.pk),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                record_admin_write(
                    request=request,
                    model=type(obj),
                    obj=obj,
                    pk=obj.pk,
                    action="deleted",
                    before=snapshot(type(obj), obj.pk),
                )
            super().delete_queryset(request, queryset)


class GuardedModelAdmin(GuardedAdminMixin, admin.ModelAdmin):
    """The admin of one of our models: what it may do is the model's rule in POLICIES."""


class GuardedInlineMixin(_RuleMixin):
    """An inline whose rows may be written only as the rule allows (its parent's admin records
    the writes)."""


class GuardedTabularInline(GuardedInlineMixin, admin.TabularInline):
    extra = 0


class GuardedStackedInline(GuardedInlineMixin, admin.StackedInline):
    extra = 0
