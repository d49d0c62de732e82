"""Staff review of progress returns, the submission window and the order returns are listed in.

Reproductions from issue 14: a return for 16 Nov to 15 Feb was accepted on 26 Nov (now refused,
with the reason, until the last 14 days of its period); an area's returns were listed with 2028
first (now soonest first)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from activity.models import ActivityEntry, Notification
from core.testing import today
from core.text import NOTE_CHARS
from core.workflow import MoveRefused
from delivery.forms import posted_answers
from delivery.models import ProgressStatus, ReturnStatus
from delivery.selectors import returns_awaiting_review_for, returns_overdue_for
from delivery.services import (
    return_comments_answer,
    return_review,
    return_save,
    return_submit,
    return_submit_preview,
)
from delivery.workflows import RETURN

from .factories import ImplementingAreaFactory, ProgressReturnFactory

# What is due or overdue depends on the day: hold it still for each test.
pytestmark = pytest.mark.usefixtures("clock")

D = datetime.date


def _fill(ret, user):
    return_save(
        progress_return=ret,
        actor=user,
        progress_status=ProgressStatus.ON_SCHEDULE,
        factors=[{"factor": "leadership", "kind": "enabler", "other_text": ""}],
        service_users_reached=3,
    )


# The window -------------------------------------------------------------------------------------


@pytest.fixture
def winter_return(impl_area):
    return ProgressReturnFactory(
        area=impl_area,
        period_start=D(2026, 11, 16),
        period_end=D(2027, 2, 15),
        due_on=D(2027, 3, 17),
    )


def test_a_return_cannot_be_submitted_on_26_november_for_a_period_ending_15_february(
    winter_return, impl_lead
):
    _fill(winter_return, impl_lead)
    with pytest.raises(MoveRefused) as refused:
        return_submit(progress_return=winter_return, actor=impl_lead, today=D(2026, 11, 26))
    assert refused.value.why == "condition"
    assert "opens for submission on 2 February 2027" in refused.value.reason
    winter_return.refresh_from_db()
    assert winter_return.status == ReturnStatus.DRAFT
    # check() explains it too, as pages ask before showing the button.
    allowed, reason = RETURN.allows(
        winter_return,
        ReturnStatus.SUBMITTED,
        impl_lead,
        progress_return=winter_return,
        today=D(2027, 2, 1),
    )
    assert not allowed and "15 February 2027" in reason


def test_the_page_and_the_service_refuse_a_submission_for_the_same_reason(
    winter_return, impl_lead, impl_rm
):
    """The return's page shows return_submit_preview's reason instead of the Submit button;
    the service refuses with that same reason, before the window opens and while a reviewer's
    comment is unanswered."""
    _fill(winter_return, impl_lead)
    early = D(2026, 11, 26)
    preview = return_submit_preview(progress_return=winter_return, actor=impl_lead, today=early)
    with pytest.raises(MoveRefused) as refused:
        return_submit(progress_return=winter_return, actor=impl_lead, today=early)
    assert preview is not None and "opens for submission" in preview.reason
    assert (refused.value.why, refused.value.reason) == (preview.why, preview.reason)

    opened = D(2027, 2, 2)
    assert (
        return_submit_preview(progress_return=winter_return, actor=impl_lead, today=opened) is None
    )
    return_submit(progress_return=winter_return, actor=impl_lead, today=opened)
    return_review(
        progress_return=winter_return,
        actor=impl_rm,
        decision="changes_requested",
        comments={"achievements": "Say how many residents came."},
    )
    preview = return_submit_preview(progress_return=winter_return, actor=impl_lead, today=opened)
    with pytest.raises(MoveRefused) as refused:
        return_submit(progress_return=winter_return, actor=impl_lead, today=opened)
    assert preview is not None and "Answer each of the reviewer's comments" in preview.reason
    assert (refused.value.why, refused.value.reason) == (preview.why, preview.reason)


def test_the_window_opens_in_the_last_days_of_the_period(winter_return, impl_lead):
    assert winter_return.opens_on == D(2027, 2, 2)
    _fill(winter_return, impl_lead)
    return_submit(progress_return=winter_return, actor=impl_lead, today=D(2027, 2, 2))
    assert winter_return.status == ReturnStatus.SUBMITTED


def test_the_window_is_a_round_setting(winter_return, impl_lead):
    rnd = winter_return.area.round
    rnd.returns_open_days_before_end = 0
    rnd.save()
    winter_return.refresh_from_db()
    assert winter_return.opens_on == D(2027, 2, 16)
    _fill(winter_return, impl_lead)
    with pytest.raises(MoveRefused):
        return_submit(progress_return=winter_return, actor=impl_lead, today=D(2027, 2, 15))


def test_the_return_page_says_when_it_opens_instead_of_offering_submit(
    client_for, impl_area, impl_lead
):
    day = today()
    ret = ProgressReturnFactory(
        area=impl_area,
        period_start=day - datetime.timedelta(days=10),
        period_end=day + datetime.timedelta(days=80),
        due_on=day + datetime.timedelta(days=110),
    )
    page = client_for(impl_lead).get(reverse("delivery:return_detail", args=[ret.pk]))
    text = page.content.decode()
    assert "opens for submission on" in text
    assert "Submit the return" not in text and "Save draft" in text


def test_an_areas_returns_are_listed_soonest_first(client_for, impl_area, impl_lead):
    later = ProgressReturnFactory(
        area=impl_area, period_start=D(2028, 1, 1), period_end=D(2028, 3, 31), due_on=D(2028, 4, 30)
    )
    sooner = ProgressReturnFactory(area=impl_area)
    page = client_for(impl_lead).get(reverse("delivery:area_returns", args=[impl_area.reference]))
    rows = [row["r"] for row in page.context["rows"]]
    assert rows.index(sooner) < rows.index(later)
    text = page.content.decode()
    assert text.index(sooner.period_label) < text.index("1 Jan 2028")


# Review -----------------------------------------------------------------------------------------


@pytest.fixture
def sent(impl_area, impl_lead, impl_rm):
    ret = ProgressReturnFactory(area=impl_area)
    _fill(ret, impl_lead)
    return_submit(progress_return=ret, actor=impl_lead)
    return ret


def test_staff_ask_for_changes_the_lead_answers_and_resubmits_and_staff_accept(
    sent, impl_lead, impl_rm, programme_manager
):
    review = return_review(
        progress_return=sent,
        actor=impl_rm,
        decision="changes_requested",
        note="Nearly there.",
        comments={"achievements": "Say how many residents came.", "resources": ""},
    )
    sent.refresh_from_db()
    assert sent.status == ReturnStatus.CHANGES_REQUESTED
    assert [c.section for c in review.comments.all()] == ["achievements"]
    entry = ActivityEntry.objects.get(verb="progress_return.changes_requested")
    assert "main achievements" in entry.summary
    assert Notification.objects.filter(entry=entry, recipient=impl_lead).exists()

    # Resubmitting with the comment unanswered is refused, with the reason.
    with pytest.raises(MoveRefused) as refused:
        return_submit(progress_return=sent, actor=impl_lead)
    assert "Answer each of the reviewer's comments" in refused.value.reason

    comment = review.comments.get()
    return_comments_answer(
        progress_return=sent, actor=impl_lead, answers={comment.pk: "42 residents came."}
    )
    return_submit(progress_return=sent, actor=impl_lead)
    sent.refresh_from_db()
    assert sent.status == ReturnStatus.SUBMITTED
    entry = ActivityEntry.objects.get(verb="progress_return.resubmitted")
    assert Notification.objects.filter(entry=entry, recipient=impl_rm).exists()

    return_review(progress_return=sent, actor=programme_manager, decision="accepted")
    sent.refresh_from_db()
    assert sent.status == ReturnStatus.ACCEPTED
    entry = ActivityEntry.objects.get(verb="progress_return.accepted")
    assert Notification.objects.filter(entry=entry, recipient=impl_lead).exists()
    # Accepted is final: no more edits or reviews.
    with pytest.raises(PermissionDenied):
        return_save(progress_return=sent, actor=impl_lead, progress_status="behind")
    with pytest.raises(MoveRefused):
        return_review(progress_return=sent, actor=programme_manager, decision="changes_requested")


def test_asking_for_changes_needs_a_comment(sent, impl_rm):
    with pytest.raises(ValidationError) as exc:
        return_review(progress_return=sent, actor=impl_rm, decision="changes_requested")
    assert "at least one section" in str(exc.value)
    sent.refresh_from_db()
    assert sent.status == ReturnStatus.SUBMITTED


@pytest.mark.parametrize("who", ["other_rm", "lead", "funder"])
def test_only_reviewers_review(sent, impl_lead, funder_officer, who):
    user = {
        "other_rm": UserFactory(relationship_manager=True),
        "lead": impl_lead,
        "funder": funder_officer,
    }[who]
    with pytest.raises(PermissionDenied):
        return_review(progress_return=sent, actor=user, decision="accepted")
    sent.refresh_from_db()
    assert sent.status == ReturnStatus.SUBMITTED


def test_a_draft_cannot_be_reviewed(impl_area, programme_manager):
    ret = ProgressReturnFactory(area=impl_area)
    with pytest.raises(MoveRefused):
        return_review(progress_return=ret, actor=programme_manager, decision="accepted")


def test_the_review_through_the_pages(client_for, sent, impl_lead, impl_rm):
    url = reverse("delivery:return_detail", args=[sent.pk])
    rm = client_for(impl_rm)
    page = rm.get(url)
    assert "Review this return" in page.content.decode()
    response = rm.post(
        reverse("delivery:return_review", args=[sent.pk]),
        {"decision": "changes_requested", "comment_milestones": "Which milestones?"},
    )
    assert response.status_code == 302
    lead = client_for(impl_lead)
    page = lead.get(url)
    text = page.content.decode()
    assert "Which milestones?" in text and "Your answer on milestones met" in text
    comment_pk = sent.reviews.get().comments.get().pk
    response = lead.post(
        url,
        {
            "progress_status": "on_schedule",
            "enablers": ["leadership"],
            "milestones_met": "Board set up",
            "service_users_reached": 3,
            f"answer_{comment_pk}": "The board milestone.",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == ReturnStatus.SUBMITTED and sent.milestones_met == "Board set up"
    text = client_for(impl_rm).get(url).content.decode()
    assert "The board milestone." in text and "Review this return" in text


def test_a_lead_cannot_post_a_review(client_for, sent, impl_lead):
    response = client_for(impl_lead).post(
        reverse("delivery:return_review", args=[sent.pk]), {"decision": "accepted"}
    )
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.status == ReturnStatus.SUBMITTED


# For "My work" ----------------------------------------------------------------------------------


def test_awaiting_review_and_overdue_for_each_person(
    sent, impl_area, impl_lead, impl_rm, programme_manager, other_lead, funder_officer
):
    overdue = ProgressReturnFactory(area=impl_area, overdue=True)
    elsewhere = ProgressReturnFactory(overdue=True)
    other_rm = UserFactory(relationship_manager=True)
    AreaAssignmentFactory(area=elsewhere.area, user=other_rm)

    assert list(returns_awaiting_review_for(programme_manager)) == [sent]
    assert list(returns_awaiting_review_for(impl_rm)) == [sent]
    assert not returns_awaiting_review_for(other_rm).exists()
    assert not returns_awaiting_review_for(impl_lead).exists()

    assert set(returns_overdue_for(programme_manager)) == {overdue, elsewhere}
    assert list(returns_overdue_for(impl_rm)) == [overdue]
    assert list(returns_overdue_for(other_rm)) == [elsewhere]
    assert list(returns_overdue_for(impl_lead)) == [overdue]
    assert not returns_overdue_for(other_lead).exists()
    assert not returns_overdue_for(funder_officer).exists()


def test_the_counts_do_not_grow_with_the_rows(impl_rm, django_assert_num_queries):
    for _ in range(3):
        area = ImplementingAreaFactory()
        AreaAssignmentFactory(area=area, user=impl_rm)
        ProgressReturnFactory(area=area, overdue=True)
    with django_assert_num_queries(2):
        assert returns_overdue_for(impl_rm).count() == 3
        assert returns_awaiting_review_for(impl_rm).count() == 0


def test_my_work_shows_returns_to_review_and_returns_sent_back(
    sent, impl_lead, impl_rm, programme_manager
):
    """Issue 14: awaiting-review counts on My work. The submitted return is on the relationship
    manager's and the manager's lists; sent back, it moves to the lead's; accepted, it is on
    nobody's."""
    from core.mywork import work_for

    def headings(user):
        return {g.heading: g.total for g in work_for(user)}

    assert headings(impl_rm)["Progress returns to review"] == 1
    assert headings(programme_manager)["Progress returns to review"] == 1
    assert "Progress returns sent back for changes" not in headings(impl_lead)
    return_review(
        progress_return=sent,
        actor=impl_rm,
        decision="changes_requested",
        comments={"achievements": "Say how many residents came."},
    )
    assert "Progress returns to review" not in headings(impl_rm)
    assert headings(impl_lead)["Progress returns sent back for changes"] == 1
    comment = sent.reviews.get().comments.get()
    return_comments_answer(progress_return=sent, actor=impl_lead, answers={comment.pk: "42."})
    return_submit(progress_return=sent, actor=impl_lead)
    return_review(progress_return=sent, actor=programme_manager, decision="accepted")
    assert "Progress returns to review" not in headings(programme_manager)
    assert "Progress returns sent back for changes" not in headings(impl_lead)


def test_an_answer_over_the_limit_is_refused_and_none_is_written(sent, impl_lead, impl_rm):
    """Issue 25: every text a person types has a limit, the answers to a review's comments too."""
    review = return_review(
        progress_return=sent,
        actor=impl_rm,
        decision="changes_requested",
        comments={"achievements": "Say how many came.", "resources": "And who paid."},
    )
    first, second = review.comments.order_by("pk")
    with pytest.raises(ValidationError) as exc:
        return_comments_answer(
            progress_return=sent,
            actor=impl_lead,
            answers={first.pk: "42 came.", second.pk: "x" * (NOTE_CHARS + 1)},
        )
    assert f"Keep each answer to {NOTE_CHARS:,} characters or fewer" in str(exc.value)
    assert [c.response for c in review.comments.order_by("pk")] == ["", ""]

    # A browser's line breaks ("\r\n") count once, as the box's maxlength counts them.
    answer = "Forty.\r\n" * (NOTE_CHARS // 7)
    answers = posted_answers({f"answer_{first.pk}": answer}, [first])
    return_comments_answer(progress_return=sent, actor=impl_lead, answers=answers)
    first.refresh_from_db()
    assert first.response == answer.replace("\r\n", "\n").strip()


# Comments where they belong (issue 25) ------------------------------------------------------------


def _between(page: str, start: str, end: str) -> str:
    first = page.index(start)
    return page[first : page.index(end, first)]


def test_each_comment_and_its_answer_box_sit_by_the_fields_they_concern(
    client_for, sent, impl_lead, impl_rm
):
    """Issue 25: a return's review comments sat at the top of a 1,861 px form, away from the
    fields they concern. Now each is above its own fields, with the answer box beside it."""
    return_review(
        progress_return=sent,
        actor=impl_rm,
        decision="changes_requested",
        note="Nearly there.",
        comments={"reach": "Count the residents again.", "milestones": "Which milestones?"},
    )
    url = reverse("delivery:return_detail", args=[sent.pk])
    page = client_for(impl_lead).get(url).content.decode()
    reach, milestones = (
        sent.reviews.get().comments.get(section=s) for s in ("reach", "milestones")
    )
    # The reach comment and its answer box come straight before the reach field...
    before_reach = _between(page, 'name="paid_staff"', 'name="service_users_reached"')
    assert "Count the residents again." in before_reach
    assert f'name="answer_{reach.pk}"' in before_reach
    # ...and the milestones one before the milestones field, not at the top of the form.
    before_milestones = _between(page, 'name="other_enabler"', 'name="milestones_met"')
    assert "Which milestones?" in before_milestones
    assert f'name="answer_{milestones.pk}"' in before_milestones
    history = _between(page, 'id="h-review"', 'name="progress_status"')
    assert "Nearly there." in history and "Count the residents again." not in history
    assert "2 comments, each beside the section they concern." in history


def test_the_reviewer_comments_beside_each_section_and_sees_the_answers_there(
    client_for, sent, impl_lead, impl_rm
):
    url = reverse("delivery:return_detail", args=[sent.pk])
    page = client_for(impl_rm).get(url).content.decode()
    achievements = _between(page, 'id="section-achievements"', 'id="section-resources"')
    assert 'name="comment_achievements"' in achievements
    assert 'form="review-form"' in achievements
    assert 'name="comment_reach"' not in achievements
    review = return_review(
        progress_return=sent,
        actor=impl_rm,
        decision="changes_requested",
        comments={"achievements": "Say how many residents came."},
    )
    comment = review.comments.get()
    return_comments_answer(
        progress_return=sent, actor=impl_lead, answers={comment.pk: "42 residents came."}
    )
    return_submit(progress_return=sent, actor=impl_lead)
    page = client_for(impl_rm).get(url).content.decode()
    achievements = _between(page, 'id="section-achievements"', 'id="section-resources"')
    assert "Say how many residents came." in achievements
    assert "42 residents came." in achievements
    # A new comment box for this review too.
    assert 'name="comment_achievements"' in achievements
