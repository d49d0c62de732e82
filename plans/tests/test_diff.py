import pytest

from plans import services
from plans.diff import text_diff_html, version_diff

pytestmark = pytest.mark.django_db


def test_text_diff_marks_insertions_and_deletions_and_escapes():
    changed, html = text_diff_html("Meet monthly <b>", "Meet weekly <b>")
    assert changed
    assert "<del>monthly</del>" in html and "<ins>weekly</ins>" in html
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_unchanged_text_is_not_marked():
    changed, html = text_diff_html("Same", "Same")
    assert not changed and "<ins>" not in html


def test_versions_diff_section_by_section(ready_plan, author):
    services.plan_save(
        area=ready_plan.area,
        actor=author,
        sections={"risks": "Staff turnover."},
        budget_arrangements=[
            {"kind": "aligned", "partner_name": "Leeds Council", "amount": 5000, "description": ""}
        ],
    )
    services.plan_submit_draft(plan=ready_plan, actor=author)
    services.plan_save(
        area=ready_plan.area,
        actor=author,
        sections={"risks": "Staff turnover and funding cuts."},
        budget_arrangements=[
            {"kind": "pooled", "partner_name": "Leeds Council", "amount": 7500, "description": ""}
        ],
    )
    services.plan_submit_final(plan=ready_plan, actor=author)
    v1, v2 = ready_plan.versions.order_by("number")
    diffs = {d.key: d for d in version_diff(v1, v2)}
    assert diffs["risks"].changed
    assert diffs["risks"].html == "Staff <del>turnover.</del><ins>turnover and funding cuts.</ins>"
    assert not diffs["governance"].changed
    assert diffs["budget_arrangements"].changed
    assert "Pooled with Leeds Council: £7,500.00" in diffs["budget_arrangements"].html
    assert "Aligned with Leeds Council: £5,000.00" in diffs["budget_arrangements"].html
    assert not diffs["logic_model"].changed


@pytest.mark.parametrize(
    "amount, shown",
    [
        ("1234.5", "£1,234.50"),
        ("1234567.89", "£1,234,567.89"),
        ("0", "£0.00"),
        ("7500", "£7,500.00"),
    ],
)
def test_money_in_a_versions_tables_reads_as_pounds_and_pence(amount, shown):
    from plans.diff import _budget_lines, _resourcing_lines

    content = {
        "budget_arrangements": [
            {"kind_label": "Pooled", "partner_name": "Leeds Council", "amount": amount}
        ],
        "resourcing_lines": [
            {"year": 2026, "source_label": "Local authority", "planned_amount": amount}
        ],
    }
    assert _budget_lines(content) == [f"Pooled with Leeds Council: {shown}"]
    assert _resourcing_lines(content) == [f"2026/27 Local authority: {shown}"]
