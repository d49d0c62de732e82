"""The delivery panel of the area page (latest return, funding planned against secured, CBA
forecast against outturn, Making it Happen match funding), which the page loads after its first
response (`core.area_panels`, registered in apps.py)."""

from django.utils import timezone

from . import selectors
from .models import DELIVERY_STAGES


def area_panel(*, area, user) -> dict:
    """For areas in implementation or beyond, or with delivery records (else `show` is False
    and the panel renders nothing)."""
    today = timezone.localdate()
    funding = selectors.funding_planned_vs_secured(area)
    cba = selectors.area_cba(area)
    mih = selectors.making_it_happen(area=area)
    commitments = list(mih.commitments.all()) if mih else []
    in_delivery = area.stage in DELIVERY_STAGES
    latest, next_due = selectors.latest_and_next_return(area=area, today=today)
    return {
        "area": area,
        "show": in_delivery or latest is not None or not funding.is_empty or mih is not None,
        "in_delivery": in_delivery,
        "latest": latest,
        "next_due": next_due,
        "next_state": next_due.state_on(today) if next_due else None,
        "funding": funding,
        "cba": cba,
        "cba_comparison": selectors.cba_forecast_vs_outturn(area, cba) if cba else None,
        "mih": mih,
        "show_mih": mih is not None or area.stage == "making_it_happen",
        "mih_totals": selectors.match_funding_totals(commitments),
    }
