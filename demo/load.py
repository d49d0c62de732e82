"""The one entry point: load every demo step in order, in one transaction."""

from django.db import transaction

from . import (
    areas,
    assessors,
    banking,
    closure,
    delivery,
    grants,
    identifiers,
    inbox,
    indicators,
    messages,
    offers,
    plans,
    support,
    surveys,
    variations,
)
from . import diligence as diligence_demo
from . import earlywarning as earlywarning_demo
from . import what_worked as what_worked_demo
from .context import DemoContext

# Each step builds on the context of the ones before it. Grants comes after the steps whose
# decisions award or release money (gates, final plans, Making it Happen), so it can show the
# payments in every state; offers comes just before it, since no payment is approved before its
# offer is accepted.
# Identifiers come late: they name organisations that the areas' admissions created. Surveys come
# after them: they ask about areas already in implementation. The inbox comes last: it marks old
# notifications read, whichever step made them.
STEPS = [
    areas.load,
    plans.load,
    assessors.load,  # GovS 015: assessors assigned, conflicts declared (issue 23)
    support.load,
    delivery.load,
    indicators.load,  # after delivery: its returns report the indicators' values
    offers.load,
    grants.load,
    banking.load,
    variations.load,
    closure.load,
    messages.load,
    identifiers.load,
    surveys.load,
    diligence_demo.load,
    what_worked_demo.load,
    earlywarning_demo.load,  # scores after all their inputs
    inbox.load,
]


@transaction.atomic
def load_demo() -> DemoContext:
    """Load (or, when it is already there, leave alone) all the demo data; `created` on the
    returned context says whether anything was added."""
    ctx = None
    for step in STEPS:
        ctx = step(ctx)
    return ctx
