"""Reviewers' comments sit beside the sections they concern, and the lead organisation answers
each one there: on the review page each section has its own comment box (sent with the return
form), on the workspace each comment is shown under its section with an answer box while the
plan is back with the lead, and the reviewer then sees the answers beside the same sections."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from activity.models import ActivityEntry
from core.text import NOTE_CHARS
from plans import services
from plans.models import SectionComment

from .factories import lead_member_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def _url(name, area, *args):
    return reverse(f"plans:{name}", args=[area.reference, *args])


def _returned(plan, author, pm, comments):
    services.plan_submit_draft(plan=plan, actor=author)
    services.plan_submit_final(plan=plan, actor=author)
    services.plan_start_review(plan=plan, actor=pm)
    services.plan_return(plan=plan, actor=pm, comments=comments)
    plan.refresh_from_db()
    return plan


def _section(page: str, heading_id: str, next_heading_id: str) -> str:
    """The part of a page from one section's heading to the next one's."""
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index(f'id="{next_heading_id}"', start)]


def test_the_review_page_puts_a_comment_box_beside_each_section(client_for, ready_plan, author, pm):
    services.plan_submit_draft(plan=ready_plan, actor=author)
    services.plan_submit_final(plan=ready_plan, actor=author)
    services.plan_start_review(plan=ready_plan, actor=pm)
    page = client_for(pm).get(_url("review", ready_plan.area)).content.decode()
    risks = _section(page, "section-risks", "section-timetable")
    # The risks box is under the risks section, and belongs to the return form.
    assert 'name="ret-comment_risks"' in risks and 'form="return-form"' in risks
    assert 'name="ret-comment_timetable"' not in risks
    logic = _section(page, "section-logic_model", "section-cba")
    assert 'name="ret-comment_logic_model"' in logic
    assert 'id="return-form"' in page


def test_an_empty_return_is_refused_and_keeps_what_was_typed_elsewhere(
    client_for, ready_plan, author, pm
):
    services.plan_submit_draft(plan=ready_plan, actor=author)
    services.plan_submit_final(plan=ready_plan, actor=author)
    services.plan_start_review(plan=ready_plan, actor=pm)
    response = client_for(pm).post(
        _url("review", ready_plan.area), {"action": "return", "ret-comment_risks": "   "}
    )
    page = response.content.decode()
    assert "Say what needs to change in at least one section." in page
    assert not SectionComment.objects.exists()


def test_comments_sit_under_their_sections_with_an_answer_box_for_the_lead(
    client_for, ready_plan, author, pm
):
    _returned(ready_plan, author, pm, {"risks": "Name the risks.", "cba": "Check year 3."})
    page = client_for(author).get(_url("workspace", ready_plan.area)).content.decode()
    risks_comment = SectionComment.objects.get(section="risks")
    block = page[page.index('id="comments-risks"') : page.index('id="comments-risks"') + 3000]
    assert "Name the risks." in block
    assert _url("comment_answer", ready_plan.area, risks_comment.pk) in block
    cba = page[page.index('id="comments-cba"') :]
    assert "Check year 3." in cba
    # The summary at the top links to each commented section.
    assert 'href="#comments-risks"' in page and 'href="#comments-cba"' in page
    assert "2 not answered yet" in page
    # Programme staff see the comments in place, with no answer box.
    staff_page = client_for(pm).get(_url("workspace", ready_plan.area)).content.decode()
    assert "Name the risks." in staff_page and 'name="answer"' not in staff_page


def test_the_lead_answers_and_the_reviewer_sees_it_beside_the_section(
    client_for, ready_plan, author, pm
):
    _returned(ready_plan, author, pm, {"risks": "Name the risks."})
    comment = SectionComment.objects.get()
    response = client_for(author).post(
        _url("comment_answer", ready_plan.area, comment.pk), {"answer": "Added three risks."}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    comment.refresh_from_db()
    assert (comment.response, comment.responded_by) == ("Added three risks.", author)
    entry = ActivityEntry.objects.get(verb="plan.comment_answered")
    assert entry.summary == "Answered the reviewer's comment on Risks"
    services.plan_submit_final(plan=ready_plan, actor=author)
    services.plan_start_review(plan=ready_plan, actor=pm)
    page = client_for(pm).get(_url("review", ready_plan.area)).content.decode()
    risks = _section(page, "section-risks", "section-timetable")
    assert "Name the risks." in risks and "Added three risks." in risks
    assert f"Answer from {escape(str(author))}" in risks


def test_a_refused_answer_comes_back_under_its_box_with_what_was_typed(
    client_for, ready_plan, author, pm
):
    _returned(ready_plan, author, pm, {"risks": "Name the risks."})
    comment = SectionComment.objects.get()
    too_long = "x" * (NOTE_CHARS + 1)
    response = client_for(author).post(
        _url("comment_answer", ready_plan.area, comment.pk), {"answer": too_long}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert too_long in page
    assert re.search(rf'id="answer-{comment.pk}-error">Ensure this value has at most', page)
    comment.refresh_from_db()
    assert comment.response == ""


def test_only_the_areas_lead_answers_and_only_while_the_plan_is_returned(
    client_for, ready_plan, author, pm, other_area
):
    _returned(ready_plan, author, pm, {"risks": "Name the risks."})
    comment = SectionComment.objects.get()
    with pytest.raises(PermissionDenied):
        services.plan_comment_answer(comment=comment, actor=pm, response="Mine.")
    other_lead = lead_member_of(other_area)
    assert (
        client_for(other_lead)
        .post(_url("comment_answer", ready_plan.area, comment.pk), {"answer": "x"})
        .status_code
        == 404
    )
    services.plan_submit_final(plan=ready_plan, actor=author)
    with pytest.raises(ValidationError, match="latest return") as refused:
        services.plan_comment_answer(comment=comment, actor=author, response="Late.")
    assert refused.value.code == "comment_closed"
    comment.refresh_from_db()
    assert comment.response == ""


def test_an_earlier_returns_comments_are_history_not_answerable(client_for, ready_plan, author, pm):
    _returned(ready_plan, author, pm, {"risks": "First round."})
    first = SectionComment.objects.get()
    services.plan_submit_final(plan=ready_plan, actor=author)
    services.plan_start_review(plan=ready_plan, actor=pm)
    services.plan_return(plan=ready_plan, actor=pm, comments={"timetable": "Second round."})
    with pytest.raises(ValidationError):
        services.plan_comment_answer(comment=first, actor=author, response="Too late.")
    page = client_for(author).get(_url("workspace", ready_plan.area)).content.decode()
    assert "Comments on earlier versions (1)" in page
    timetable = page[page.index('id="comments-timetable"') :]
    assert "Second round." in timetable
