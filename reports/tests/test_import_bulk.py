"""New records are written in bulk (issue 13: the import was 13 records a second, 127 queries a
record). The bulk writer must write exactly what the services write one record at a time: the
same rows, statuses, money and audit trail. Here the same records go once through the bulk writer
and once, forced, through the services, and everything the import wrote is compared."""

import datetime
import decimal
import re

import pytest
from django.db import connection
from django.db.models import ForeignKey
from django.test.utils import CaptureQueriesContext

from activity.models import ActivityEntry
from activity.verification import audit_verify
from applications.models import Application, GateApplication
from core.money import pounds
from core.testing import today
from grants.models import Award, Payment
from grants.offers.models import GrantOffer
from plans.models import OperationalPlan, PlanVersion, SectionComment, SignOff
from programmes.models import Area, Programme
from programmes.tests.factories import RoundFactory
from reports.imports import Importer, bulk, read_records
from support.models import AdviserEntitlement

from .test_import import HEADER

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

SHAPES = 15  # outcomes the file can give (see _shapes)
TYPES = ["VCS body", "Local authority", "Other public service", "Parish or town council"]


def _shapes():
    """Every outcome the file can give, each once."""
    for app in ("admitted", "rejected", "withdrawn"):
        for gate in ["", "approved", "rejected", "withdrawn"] if app == "admitted" else [""]:
            for cba in ["yes", "no"] if gate == "approved" else ["no"]:
                plans = ["", "sub", "approved", "not approved", "returned"]
                for plan in plans if gate == "approved" else [""]:
                    yield app, gate, cba, plan


def _rows(tag, slug, repeat=1):
    rows, i = [], 0
    for _ in range(repeat):
        for app, gate, cba, plan in _shapes():
            i += 1
            rows.append(
                ",".join(
                    [
                        f"{tag}-{i:03d}",
                        slug,
                        f"Hood {i}",
                        "Leeds",
                        f"Org {tag} {i % 5}",  # organisations lead several records
                        TYPES[(i % 5) % 4],
                        ["Housing;Young people", "Environment"][i % 2],
                        "general" if i % 2 else "specific",
                        f"2024-01-{1 + i % 28:02d}",
                        app,
                        gate,
                        cba,
                        "2024-06-01" if plan else "",
                        "" if plan in ("", "sub") else plan,
                        "2024-09-01" if plan not in ("", "sub") else "",
                    ]
                )
            )
    return rows


def _import(tmp_path, tag, slug, *, services_only=False, monkeypatch=None, repeat=1):
    path = tmp_path / f"{slug}.csv"
    path.write_text("\n".join([HEADER, *_rows(tag, slug, repeat)]) + "\n", encoding="utf-8")
    if services_only:
        monkeypatch.setattr(bulk, "split_new", lambda ctx, records, areas: ([], list(records)))
    try:
        records = read_records(path, round_slug=slug)
        return Importer(records=records, round_slug=slug, source="crm.csv").run()
    finally:
        if services_only:
            monkeypatch.undo()


def _value(obj, field, labels, tag):
    value = getattr(obj, field.attname)
    if isinstance(field, ForeignKey) and value is not None:
        return labels.get((field.related_model, value), field.name)
    if isinstance(value, str):
        value = re.sub(r"(org-)\d+", r"\1N", value.replace(tag, "TAG"))
    if isinstance(value, datetime.datetime) and value.date() >= today():
        return "now"
    if isinstance(value, (datetime.date, decimal.Decimal)):
        return str(value)
    return value


def _written(slug, tag):
    """Everything the import wrote for the round, with ids replaced by each row's place in its
    table and the round's tag taken out."""
    apps = Application.objects.filter(round__slug=slug)
    tables = {
        Area: Area.objects.filter(round__slug=slug),
        Application: apps,
        GateApplication: GateApplication.objects.filter(area__round__slug=slug),
        Award: Award.objects.filter(area__round__slug=slug),
        Payment: Payment.objects.filter(award__area__round__slug=slug),
        GrantOffer: GrantOffer.objects.filter(award__area__round__slug=slug),
        AdviserEntitlement: AdviserEntitlement.objects.filter(area__round__slug=slug),
        OperationalPlan: OperationalPlan.objects.filter(area__round__slug=slug),
        PlanVersion: PlanVersion.objects.filter(plan__area__round__slug=slug),
        SignOff: SignOff.objects.filter(plan__area__round__slug=slug),
        SectionComment: SectionComment.objects.filter(plan__area__round__slug=slug),
    }
    labels = {}
    for model, rows in tables.items():
        for i, pk in enumerate(rows.order_by("pk").values_list("pk", flat=True)):
            labels[(model, pk)] = f"{model.__name__}#{i}"
    targets = {f"{m._meta.label_lower}:{pk}": label for (m, pk), label in labels.items()}
    skip = {"id", "created_at", "updated_at", "content_hash", "previous_hash", "chain_position"}
    out = {}
    for model, rows in tables.items():
        fields = [f for f in model._meta.concrete_fields if f.name not in skip]
        out[model.__name__] = [
            {f.name: _value(o, f, labels, tag) for f in fields} for o in rows.order_by("pk")
        ]
    app_ids = [str(pk) for pk in apps.values_list("pk", flat=True)]
    entries = ActivityEntry.objects.filter(area__round__slug=slug) | ActivityEntry.objects.filter(
        target_type="applications.application", target_id__in=app_ids
    )
    trail = []
    for e in entries.order_by("area_id", "chain_position"):
        row = {
            f.name: _value(e, f, labels, tag)
            for f in ActivityEntry._meta.concrete_fields
            if f.name not in skip | {"area", "target_id", "data", "actor"}
        }
        row["target"] = targets.get(f"{e.target_type}:{e.target_id}", "")
        row["by_import_user"] = e.actor_id is not None
        row["data_keys"] = sorted(e.data)
        trail.append(row)
    out["activity"] = trail
    return out


def test_the_bulk_writer_writes_what_the_services_write(tmp_path, monkeypatch):
    Programme.objects.get_or_create(slug="our-place", defaults={"name": "Our Place"})
    RoundFactory(slug="by-services", name="TAG round")
    RoundFactory(slug="in-bulk", name="TAG round")
    by_services = _import(
        tmp_path, "SV", "by-services", services_only=True, monkeypatch=monkeypatch
    )
    in_bulk = _import(tmp_path, "BK", "in-bulk")
    assert in_bulk.summary_lines() == by_services.summary_lines()
    expected, written = _written("by-services", "SV"), _written("in-bulk", "BK")
    for table in expected:
        assert written[table] == expected[table], table
    assert len(written["activity"]) > 100 and len(written["Payment"]) > 20
    assert audit_verify().ok, audit_verify().broken


def test_the_write_takes_the_same_number_of_queries_for_more_records(tmp_path):
    from activity.services import activity_record

    Programme.objects.get_or_create(slug="our-place", defaults={"name": "Our Place"})
    activity_record(verb="test.start", summary="The programme's chain exists, as after use")
    counts = []
    for tag, repeat in (("QA", 1), ("QB", 3)):
        RoundFactory(slug=tag.lower())
        with CaptureQueriesContext(connection) as queries:
            result = _import(tmp_path, tag, tag.lower(), repeat=repeat)
        assert result.rows_created == SHAPES * repeat
        counts.append(len(queries))
        # The same file again: recognised as unchanged in a few queries, not a few per record.
        with CaptureQueriesContext(connection) as again:
            result = _import(tmp_path, tag, tag.lower(), repeat=repeat)
        assert result.rows_unchanged == SHAPES * repeat
        counts.append(len(again))
    if connection.vendor == "postgresql":
        assert counts[0] == counts[2], counts
        assert counts[1] == counts[3], counts
    else:
        # SQLite caps the values in one statement, so its inserts come in smaller batches: still
        # far fewer than one query for each of the 30 extra records (the services: 127 each).
        assert counts[2] - counts[0] < 2 * SHAPES, counts
        assert counts[3] - counts[1] < 2 * SHAPES, counts


def test_an_imported_gates_entries_say_what_the_gate_services_write(tmp_path):
    """The bulk writer words a gate's entries with the gate services' own summaries
    (applications.services.gates), so the two cannot drift apart."""
    from applications.services.gates import approval_summary, submission_summary

    from .test_import import ROWS, run, write

    rnd = RoundFactory(slug="r1", name="Round One")
    run(write(tmp_path, ROWS[:1]))  # admitted, Getting Going approved, CBA required
    gate = GateApplication.objects.get(area__round=rnd)
    said = dict(
        ActivityEntry.objects.filter(
            target_type="applications.gateapplication", target_id=str(gate.pk)
        ).values_list("verb", "summary")
    )
    assert said["gate.submitted"] == submission_summary(gate)
    assert said["gate.approved"] == approval_summary(gate, cba_required=True)
    assert said["gate.submitted"] == (
        f"Getting Going application submitted ({pounds(gate.amount_requested)} requested)"
    )
    assert said["gate.approved"].endswith("; cost benefit analysis required")
