"""The programme's own words, defined once: the glossary page (/glossary/) lists them and the
``{% term %}`` tag (core_tags) links a term where a newcomer meets it, with its short meaning as
the link's title. Definitions follow the programme's own guidance (docs: shared DOMAIN primer).

Each entry: the anchor (slug), the term as written, other ways pages say it (matched without
regard to case), a one-line meaning for the tooltip and a fuller definition for the page."""

from dataclasses import dataclass, field

from django.utils.text import slugify


@dataclass(frozen=True)
class Term:
    name: str
    short: str
    definition: str
    also: tuple[str, ...] = field(default_factory=tuple)

    @property
    def slug(self) -> str:
        return slugify(self.name)


# In the order a newcomer meets them: the stages first, then the work and money around them.
TERMS: list[Term] = [
    Term(
        "Application",
        "A lead organisation's request to join a round.",
        "The first stage: a lead organisation applies for its neighbourhood to join a round. "
        "Far more apply than are admitted; applications are assessed and admitted one by one.",
    ),
    Term(
        "Getting Ready",
        "The first funded stage: a small fixed grant to write a development strategy and "
        "logic model.",
        "Admitted areas get a fixed grant (for example £3,000) and a small allowance of external "
        "adviser time, and must produce a development strategy and a logic model by the round's "
        "first milestone.",
    ),
    Term(
        "Getting Going",
        "The second grant, applied for at a stage gate, to write the operational plan.",
        "By the round's first milestone areas apply for the next grant (for example £10,000). "
        "The stage is selective: some areas do not apply and some are refused. The grant is "
        "paid 90% in advance, with 10% held back until the final operational plan is submitted.",
    ),
    Term(
        "Going Further",
        "A top-up grant applied for at the Getting Going gate, to do more of what the plan "
        "sets out.",
        "A top-up grant (for example £5,000 to £20,000) an area may apply for at the Getting "
        "Going stage gate, beside the Getting Going grant. It is not a stage an area sits at: it "
        "adds money to the work of Getting Going.",
    ),
    Term(
        "Breaking New Ground",
        "A top-up grant applied for at the Getting Going gate, for an untried approach.",
        "A top-up grant (for example £5,000 to £20,000) an area may apply for at the Getting "
        "Going stage gate for work that tries something new in how local services are run. Like "
        "Going Further, it is money at a gate, not a stage an area sits at.",
    ),
    Term(
        "Implementation",
        "After sign-off: the area carries out its operational plan and reports progress.",
        "Once its operational plan is signed off, an area implements it. Progress is tracked "
        "(ahead, on schedule, behind, not started) with obstacles, enablers and the resources "
        "in place, through progress returns.",
    ),
    Term(
        "Making it Happen",
        "A longer implementation stage for scaling up, with match funding from local public "
        "bodies.",
        "A further, longer implementation stage geared to scaling up and securing sustainable "
        "income, with match funding committed by local public bodies at the outset but paid in "
        "after the first year.",
    ),
    Term(
        "Stage gate",
        "The decision point where an area applies for the next stage and the programme decides.",
        "A decision point between stages: the area applies (for example for Getting Going and "
        "any top-up grants), and a programme manager approves or refuses, and decides whether "
        "a cost benefit analysis is required.",
        also=("stage gates", "stage-gate", "gate"),
    ),
    Term(
        "Development strategy",
        "The area's first document: what it wants to change and how it will go about it.",
        "Written during Getting Ready and due by the round's first milestone, alongside the "
        "logic model.",
    ),
    Term(
        "Logic model",
        "Inputs, activities, outputs and outcomes: how the work is meant to lead to change.",
        "A table that links the resources put in (inputs) to what is done (activities), what "
        "that produces (outputs) and the change it brings (outcomes). Its outcomes become "
        "measurable through indicators.",
    ),
    Term(
        "Outcome indicators",
        "What an area promised to change: a measure with a baseline, a target, dates and the "
        "direction that counts as better.",
        "Each row of the logic model can carry structured indicators beside its prose: a name, a "
        "unit (count, percentage, money or a scale score), the baseline and the date it was "
        "measured, the target and the date it should be reached by, which direction is better, "
        "and how it is measured. They are part of the plan that is signed off; each progress "
        "return then reports the latest value of every indicator still running.",
        also=("outcome indicator",),
    ),
    Term(
        "Indicator status",
        "On track, behind, achieved or no data: the latest value against a straight line from "
        "baseline to target.",
        "No data until a return reports a value. Achieved once the latest value reaches the "
        "target (at or above it when higher is better, at or below it when lower is better). "
        "Otherwise the indicator is expected to move in a straight line from the baseline, on "
        "its date, to the target, on its date: on track when the latest value is at least as "
        "good as that line expects at the end of the period it was reported for, behind when it "
        "is worse (and always behind after the target date if the target was not reached).",
        also=("on track",),
    ),
    Term(
        "Cost benefit analysis",
        "An estimate of costs and fiscal, economic and social benefits, giving a benefit-cost "
        "ratio.",
        "A Green Book style model of what the plan costs and what it saves or gains. Required "
        "with the operational plan of the areas the programme chooses at the Getting Going "
        "gate; those areas are offered specialist CBA support. Forecasts are later compared "
        "with actual outturn.",
        also=("CBA", "cost-benefit analysis"),
    ),
    Term(
        "Operational plan",
        "The area's plan: which services change, why, and how public money will be used "
        "differently.",
        "Backed by the logic model and, where required, the cost benefit analysis. A draft is "
        "submitted first (and may be peer reviewed), then the final plan by the round deadline; "
        "it is then reviewed and signed off.",
        also=("plan", "final plan", "draft plan"),
    ),
    Term(
        "Peer review",
        "Other lead organisations read and comment on a draft plan.",
        "Each lead organisation is expected to review at least two other areas' draft "
        "operational plans.",
    ),
    Term(
        "Co-sign",
        "Both the programme manager and the funding department sign a plan off.",
        "Sign-off needs two signatures: the programme manager's and a funder officer's. A plan "
        "is signed off only when both have signed.",
        also=("co-signature", "sign-off", "sign off"),
    ),
    Term(
        "Four eyes",
        "Two different people: one schedules or approves, another approves again or pays.",
        "Money moves only with two people involved: a payment is approved by someone other than "
        "the person who scheduled it (larger ones approved twice) and marked paid by a finance "
        "officer who approved neither time.",
        also=("four-eyes",),
    ),
    Term(
        "Match funding",
        "Money local public bodies commit to put in beside the grant.",
        "In Making it Happen, local public bodies commit match funding at the outset and pay it "
        "in after the first year; what is committed and what arrives is tracked.",
    ),
    Term(
        "Progress return",
        "The area's regular report on implementation: progress, funding secured, indicators.",
        "Sent for each period after sign-off: how implementation stands against the plan, "
        "obstacles and enablers, funding secured by source and the latest value of each "
        "indicator.",
        also=("progress returns", "return"),
    ),
    Term(
        "Relationship manager",
        "The programme's named contact for an area: visits, calls, advice and risks.",
        "Each relationship manager looks after a set of areas, logs contacts and adviser days, "
        "and flags risks.",
        also=("RM",),
    ),
    Term(
        "Lead organisation",
        "The organisation that applies for an area and is accountable for it.",
        "One of four types: a voluntary and community sector body, a local authority, another "
        "public service, or a parish or town council. Its users see their own area and nothing "
        "else.",
    ),
    Term(
        "Adviser days",
        "An allowance of external adviser time for an area.",
        "Getting Ready comes with a small allowance (for example 1 to 1.5 days); areas asked "
        "for a CBA may get up to five extra days of consultancy.",
    ),
    Term(
        "Retention",
        "The share of a grant held back until a condition is met.",
        "For Getting Going, 10% of the grant is held back until the final operational plan is "
        "submitted.",
        also=("held back",),
    ),
    Term(
        "Pooled budget",
        "Providers put budgets in one pot and decide together how to spend it.",
        "Beside aligned budgets (providers keep control but spend towards agreed outcomes) and "
        "devolved budgets (spending decisions handed to the community): the ways public money "
        "in a neighbourhood can be spent differently.",
        also=("aligned budget", "devolved budget"),
    ),
]

_BY_NAME: dict[str, Term] = {}
for _term in TERMS:
    for _name in (_term.name, *_term.also):
        _BY_NAME[_name.casefold()] = _term


def find(name: str) -> Term | None:
    """The term a page's words name ("Getting Going", "CBA", "cost benefit analysis"), if any."""
    return _BY_NAME.get((name or "").strip().casefold())
