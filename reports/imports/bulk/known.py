"""Records already imported exactly as the file has them (the same file imported again): found in
a few queries per thousand records and counted unchanged, without a query per record. The test
is the one `steps.import_record` applies before it writes anything: the area (or the refused or
withdrawn application) is recorded with the same details, themes and outcomes, and nobody has
worked on it in the app. Anything else goes through the steps, which update it or say why not.
"""

from activity.models import ActivityEntry
from applications import selectors as application_selectors
from applications.models import Application, GateStatus
from plans.models import OperationalPlan
from programmes.models import Area, AreaTheme

from ..live import APPLICATION
from ..steps import PLAN_OUTCOMES, UNDECIDED

CHUNK = 1000


def _latest_gates(area_ids) -> dict:
    """Per area, its latest sent Getting Going gate (as `latest_getting_going_gate`)."""
    latest = {}
    gates = (
        application_selectors.getting_going_gates()
        .filter(area_id__in=area_ids)
        .exclude(status=GateStatus.DRAFT)
        .order_by("area_id", "-submitted_at", "-pk")
        .values_list("area_id", "status", "cba_required")
    )
    for area_id, status, cba in gates:
        latest.setdefault(area_id, (status, cba))
    return latest


def _areas_as_recorded(ctx, records) -> set:
    """References of the admitted records whose area is recorded exactly as the record says."""
    areas = {
        a.reference: a
        for a in Area.objects.filter(
            reference__in=[r.reference for r in records], round=ctx.round
        ).select_related("lead_organisation")
    }
    ids = [a.pk for a in areas.values()]
    themes: dict = {}
    for area_id, theme_id in (
        AreaTheme.objects.filter(area_id__in=ids)
        .order_by("area_id", "position")
        .values_list("area_id", "theme_id")
    ):
        themes.setdefault(area_id, []).append(theme_id)
    gates = _latest_gates(ids)
    plans = {p.area_id: p for p in OperationalPlan.objects.filter(area_id__in=ids)}
    same = set()
    for r in records:
        area = areas.get(r.reference)
        if area is None:
            continue
        details = [
            (r.area_name, area.name),
            (r.local_authority, area.local_authority),
            (r.lead_organisation, area.lead_organisation.name),
            (r.approach, area.approach),
        ]
        if any(a.lower() != (b or "").lower() for a, b in details):
            continue
        if themes.get(area.pk, []) != [t.pk for t in r.themes]:
            continue
        if _gate_as_recorded(r, gates.get(area.pk)) and _plan_as_recorded(r, plans.get(area.pk)):
            same.add(r.reference)
    return same


def _gate_as_recorded(record, gate) -> bool:
    if gate is None:
        return not record.getting_going_outcome
    return gate == (record.getting_going_outcome, record.cba_required)


def _plan_as_recorded(record, plan) -> bool:
    submitted = plan is not None and plan.final_submitted_at is not None
    if record.plan_submitted_on is None:
        return not submitted
    if not submitted:
        return False
    outcome = PLAN_OUTCOMES[record.plan_outcome]
    return plan.status == outcome or (outcome is None and plan.status in UNDECIDED)


def _sent_applications(ctx) -> dict:
    """The round's sent applications by (organisation name, neighbourhood), in any case."""
    found = {}
    for pk, org, name, status in (
        Application.objects.filter(round=ctx.round, submitted_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "organisation__name", "area_name", "status")
    ):
        found.setdefault((org.lower(), name.lower()), (pk, status))
    return found


def _applications_as_recorded(records, found: dict) -> set:
    """Lines of the refused and withdrawn records whose application is recorded with the same
    outcome, untouched in the app."""
    wanted = {
        r.line: found.get((r.lead_organisation.lower(), r.area_name.lower())) for r in records
    }
    ids = [str(v[0]) for v in wanted.values() if v]
    live = set(
        ActivityEntry.objects.filter(
            target_type=APPLICATION, target_id__in=ids, imported=False
        ).values_list("target_id", flat=True)
    )
    return {
        r.line
        for r in records
        if (hit := wanted[r.line]) and hit[1] == r.application_outcome and str(hit[0]) not in live
    }


def split_unchanged(ctx, records) -> tuple[list, list]:
    """(records already imported exactly so, the others). Records whose area people worked on
    never reach here (`live` refuses the whole file first)."""
    unchanged, other = [], []
    sent = None
    for start in range(0, len(records), CHUNK):
        chunk = records[start : start + CHUNK]
        admitted = [r for r in chunk if r.application_outcome == "admitted"]
        refused = [r for r in chunk if r.application_outcome != "admitted"]
        if refused and sent is None:
            sent = _sent_applications(ctx)
        same_areas = _areas_as_recorded(ctx, admitted) if admitted else set()
        same_apps = _applications_as_recorded(refused, sent) if refused else set()
        for r in chunk:
            if r.application_outcome == "admitted":
                same = r.reference in same_areas
            else:
                same = r.line in same_apps
            (unchanged if same else other).append(r)
    return unchanged, other
