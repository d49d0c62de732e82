"""Demo data for the What worked page (reports.what_worked): what the earlier steps leave out.

- Deprivation deciles on every area (1 to 10 in turn, so each round has areas in every band of
  the deprivation comparison), recorded through ``programmes.services.area_deprivation_record``.
- Outturn for the later-year benefit lines of the finished round's CBAs (the delivery step
  records years 0 and 1 only, all of them fiscal), so the CBA comparison by benefit type has
  social benefits to show beside fiscal ones; through ``delivery.services.outturn_line_save``.
"""

from decimal import Decimal

from delivery import services as delivery_services
from delivery.models import CbaOutturnLine
from plans.models import BenefitLine
from programmes.models import Area
from programmes.services import area_deprivation_record

# Outturn as a share of the forecast before optimism bias, in turn: below what the analyses
# hoped, so the shortfall observed can be set beside the optimism bias they assumed.
SOCIAL_OUTTURN = [Decimal("0.55"), Decimal("0.8"), Decimal("0.65")]


def load(ctx):
    if ctx is None or Area.objects.filter(deprivation_decile__isnull=False).exists():
        return ctx
    pm = ctx.users["pm"]
    for i, area in enumerate(Area.objects.order_by("round__starts_on", "reference")):
        area_deprivation_record(area=area, decile=i % 10 + 1, actor=pm)

    answered = CbaOutturnLine.objects.filter(benefit_line__isnull=False).values("benefit_line_id")
    with_outturn = CbaOutturnLine.objects.filter(area__round=ctx.finished_round).values("area_id")
    lines = (
        BenefitLine.objects.filter(cba__area_id__in=with_outturn)
        .exclude(pk__in=answered)
        .select_related("cba__area")
        .order_by("cba__area__reference", "year", "pk")
    )
    for n, line in enumerate(lines):
        delivery_services.outturn_line_save(
            area=line.cba.area,
            actor=pm,
            kind="benefit",
            benefit_line=line,
            actual_amount=(line.amount * SOCIAL_OUTTURN[n % 3]).quantize(Decimal("0.01")),
        )
    return ctx
