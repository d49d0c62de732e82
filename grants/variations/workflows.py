"""The variation workflow as data, read by the one engine in ``core.workflow``.

requested -> approved          a programme manager approves it (money it changes at or under the
                               programme's ``variation_cosign_over``)
requested -> awaiting_cosign   a programme manager approves it, over that threshold: a funder
                               officer must co-sign
awaiting_cosign -> approved    a funder officer co-signs it
requested / awaiting_cosign -> refused     the person deciding at that point refuses it
requested / awaiting_cosign -> withdrawn   the area's lead organisation (or whoever asked)
                                           takes it back

Nobody decides a variation they asked for themselves (a programme manager may record one on a
lead organisation's behalf): the guards read ``variation`` and ``by`` (the person acting) from
the context; without them (walking the table by role) they allow the move.
Approval (final) changes the award and reissues its offer: ``grants.variations.services``.
"""

from accounts import permissions as perms
from accounts.models import Role
from core.money import pounds
from core.workflow import Move, State, Workflow

MANAGERS = frozenset({Role.PROGRAMME_MANAGER.value, Role.ADMIN.value})
FUNDERS = frozenset({Role.FUNDER_OFFICER.value})

OWN_REQUEST = "You asked for this variation; another programme manager must decide it."
NEEDS_COSIGN = (
    "This variation changes {money}, over the programme's {limit} for a programme manager alone: "
    "approve it for a funder officer's co-signature."
)


def _context(context):
    return context.get("variation"), context.get("by")


def _not_own(context) -> str | None:
    variation, actor = _context(context)
    if variation is not None and actor is not None and variation.requested_by_id == actor.pk:
        return OWN_REQUEST
    return None


def _within_threshold(context) -> str | None:
    """A programme manager approves alone only at or under the programme's threshold."""
    refused = _not_own(context)
    if refused:
        return refused
    variation, _ = _context(context)
    if variation is not None and variation.needs_cosign:
        return NEEDS_COSIGN.format(
            money=pounds(variation.money), limit=pounds(variation.cosign_over)
        )
    return None


def _over_threshold(context) -> str | None:
    refused = _not_own(context)
    if refused:
        return refused
    variation, _ = _context(context)
    if variation is not None and not variation.needs_cosign:
        return "This variation is within a programme manager's approval: approve it directly."
    return None


def _asker(user, context) -> bool:
    """The area's lead organisation, or the person who recorded the request."""
    variation, area = context.get("variation"), context.get("area")
    if variation is not None and getattr(user, "pk", None) == variation.requested_by_id:
        return True
    return (
        area is not None
        and perms.is_lead_organisation_user(user)
        and perms.user_belongs_to(user, area.lead_organisation_id)
    )


# What deciding answers: the notifications that asked for a decision or a co-signature.
DECISION_ASKED = ("variation.requested",)
COSIGN_ASKED = ("variation.approved_for_cosign",)

VARIATION = Workflow(
    name="variation",
    noun="A variation",
    states=[
        State("requested", "Requested", "Waiting for the programme's decision", tone="warning"),
        State(
            "awaiting_cosign",
            "Awaiting co-signature",
            "Approved by the programme, waiting for the funder's co-signature",
            tone="info",
        ),
        State("approved", "Approved", "Approved", tone="success"),
        State("refused", "Refused", "Refused", tone="danger"),
        State("withdrawn", "Withdrawn", "Withdrawn", tone="light"),
    ],
    moves=[
        Move(
            "requested",
            "approved",
            who=MANAGERS,
            label="Approve",
            name="approve",
            guard=_within_threshold,
            closes=DECISION_ASKED,
        ),
        Move(
            "requested",
            "awaiting_cosign",
            who=MANAGERS,
            label="Approve for co-signature",
            name="approve",
            guard=_over_threshold,
            closes=DECISION_ASKED,
        ),
        Move(
            "requested",
            "refused",
            who=MANAGERS,
            label="Refuse",
            name="refuse",
            guard=_not_own,
            closes=DECISION_ASKED,
        ),
        Move(
            "awaiting_cosign",
            "approved",
            who=FUNDERS,
            label="Co-sign",
            name="cosign",
            guard=_not_own,
            closes=COSIGN_ASKED,
        ),
        Move(
            "awaiting_cosign",
            "refused",
            who=FUNDERS,
            label="Refuse",
            name="refuse",
            guard=_not_own,
            closes=COSIGN_ASKED,
        ),
        Move(
            "requested",
            "withdrawn",
            who=_asker,
            who_text="the area's lead organisation",
            label="Withdraw",
            name="withdraw",
            closes=DECISION_ASKED,
        ),
        Move(
            "awaiting_cosign",
            "withdrawn",
            who=_asker,
            who_text="the area's lead organisation",
            label="Withdraw",
            name="withdraw",
            closes=COSIGN_ASKED,
        ),
    ],
    role_labels={r.value: r.label for r in Role},
    refuse_state="A variation that is {here} cannot become {there}.",
    refuse_role="Only {who} can {verb} this variation.",
)

VariationStatus = VARIATION.text_choices("VariationStatus")
OPEN_STATUSES = ("requested", "awaiting_cosign")
