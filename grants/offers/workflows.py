"""The grant offer workflow as data, read by the one engine in ``core.workflow``.

issued -> accepted      the lead organisation accepts it online (named person, role, version)
issued / accepted -> withdrawn     a programme manager withdraws it, with a reason
issued / accepted / withdrawn -> superseded   a programme manager reissues it: a new version
                                              takes its place and must be accepted afresh
"""

from accounts import permissions as perms
from accounts.models import Role
from core.workflow import Move, State, Workflow

MANAGERS = frozenset({Role.PROGRAMME_MANAGER.value, Role.ADMIN.value})


def _lead_of_area(user, context) -> bool:
    """Only a member of the area's lead organisation accepts its offer."""
    area = context.get("area")
    return (
        area is not None
        and perms.is_lead_organisation_user(user)
        and perms.user_belongs_to(user, area.lead_organisation_id)
    )


# What accepting answers, and withdrawing an offer not yet accepted ends: the lead organisation's
# notifications that the offer was issued (or reissued) for them to accept (core.transition
# resolves them).
ACCEPTANCE_ASKED = ("offer.issued", "offer.reissued")

OFFER = Workflow(
    name="offer",
    noun="A grant offer",
    states=[
        State("issued", "Issued", "Waiting for you to accept", tone="warning"),
        State("accepted", "Accepted", "Accepted", tone="success"),
        State("withdrawn", "Withdrawn", "Withdrawn", tone="danger"),
        State("superseded", "Superseded", "Replaced by a newer version", tone="light"),
    ],
    moves=[
        Move(
            "issued",
            "accepted",
            who=_lead_of_area,
            who_text="the area's lead organisation",
            label="Accept",
            name="accept",
            closes=ACCEPTANCE_ASKED,
        ),
        Move(
            "issued",
            "withdrawn",
            who=MANAGERS,
            label="Withdraw",
            name="withdraw",
            closes=ACCEPTANCE_ASKED,
        ),
        Move("accepted", "withdrawn", who=MANAGERS, label="Withdraw", name="withdraw"),
        Move(
            "issued",
            "superseded",
            who=MANAGERS,
            label="Reissue",
            name="reissue",
            closes=ACCEPTANCE_ASKED,
        ),
        Move("accepted", "superseded", who=MANAGERS, label="Reissue", name="reissue"),
        Move("withdrawn", "superseded", who=MANAGERS, label="Reissue", name="reissue"),
    ],
    role_labels={r.value: r.label for r in Role},
    refuse_state="A grant offer that is {here} cannot become {there}.",
    refuse_role="Only {who} can {verb} this grant offer.",
)

OfferStatus = OFFER.text_choices("OfferStatus")
