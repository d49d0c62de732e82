import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from activity.models import ActivityEntry
from core.models import OutboxMessage, OutboxStatus
from programmes.models import Round
from programmes.tests.factories import AreaFactory, RoundFactory
from reports import rendering, services
from reports.jobs import report_jobs
from reports.models import LIVE_STATUSES, Audience, JobStatus, ReportJob, ReportKind
from reports.tasks import programme_reports_monthly, report_generate
from reports.tests.factories import ReportJobFactory

pytestmark = pytest.mark.django_db


def test_request_creates_a_queued_job_and_sends_the_task_after_commit(
    programme_manager, area, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.report_request(
            kind=ReportKind.AREA_PROGRESS, actor=programme_manager, area=area
        )
        assert sent_tasks == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert sent_tasks == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.requested_by == programme_manager
    assert job.audience == Audience.STAFF
    # The request went through the outbox, which kept the task id it published it under.
    message = OutboxMessage.objects.get(task="reports.tasks.report_generate", args=[job.pk])
    assert message.status == OutboxStatus.SENT and message.task_id == sent_tasks.task_ids[0]
    assert ActivityEntry.objects.filter(verb="report.requested", area=area).exists()


def test_second_request_for_the_same_report_returns_the_live_job(
    programme_manager, funder_officer, area, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.report_request(
            kind=ReportKind.AREA_PROGRESS, actor=programme_manager, area=area
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = services.report_request(
            kind=ReportKind.AREA_PROGRESS, actor=funder_officer, area=area
        )
    assert second.pk == first.pk
    assert ReportJob.objects.count() == 1 and sent_tasks == [first.pk]


def test_a_finished_job_does_not_block_a_new_request(programme_manager, area, sent_tasks):
    done = ReportJobFactory(area=area, succeeded=True)
    job = services.report_request(kind=ReportKind.AREA_PROGRESS, actor=programme_manager, area=area)
    assert job.pk != done.pk


def test_lead_organisation_request_gets_its_own_edition(
    programme_manager, lead_user, area, sent_tasks
):
    staff_job = services.report_request(
        kind=ReportKind.AREA_PROGRESS, actor=programme_manager, area=area
    )
    lead_job = services.report_request(kind=ReportKind.AREA_PROGRESS, actor=lead_user, area=area)
    assert lead_job.pk != staff_job.pk and lead_job.audience == Audience.AREA


def test_database_refuses_two_live_jobs_for_one_subject(area):
    ReportJobFactory(area=area)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportJobFactory(area=area, running=True)


def test_database_refuses_a_job_without_its_subject():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportJobFactory(area=None)


def test_lead_user_cannot_request_another_areas_report(lead_user, other_area, sent_tasks):
    with pytest.raises(PermissionDenied):
        services.report_request(kind=ReportKind.AREA_PROGRESS, actor=lead_user, area=other_area)
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("who", ["lead_user", "relationship_manager"])
def test_programme_reports_are_for_managers_funders_and_admins(request, who, sent_tasks):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.report_request(kind=ReportKind.PROGRAMME, actor=user, round=RoundFactory())


def test_run_renders_saves_the_file_and_finishes(area):
    job = ReportJobFactory(area=area)
    services.report_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100
    assert job.attempts == 1 and job.started_at and job.finished_at
    assert job.file.read(5) == b"%PDF-"
    assert job.file.name.endswith(".pdf") and area.reference in job.file.name


def test_run_does_not_render_a_job_twice(area, monkeypatch):
    job = ReportJobFactory(area=area, succeeded=True)
    attempts = job.attempts
    calls = []
    monkeypatch.setattr(report_jobs, "report_pdf", lambda *a, **k: calls.append(1) or b"%PDF")
    # The message finds the job done and does nothing (the claim needs a queued job).
    assert report_generate.run(job.pk) == "nothing to do"
    assert calls == []
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == attempts


def test_failure_is_recorded_and_a_retry_succeeds(area, programme_manager, monkeypatch, sent_tasks):
    job = ReportJobFactory(area=area, requested_by=programme_manager)
    real = rendering.report_pdf

    def broken(ctx, **kwargs):
        raise ValueError("the logo image is corrupt")

    monkeypatch.setattr(report_jobs, "report_pdf", broken)
    with pytest.raises(ValueError):
        services.report_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "could not be produced" in job.error and "the logo image is corrupt" in job.error

    monkeypatch.setattr(report_jobs, "report_pdf", real)
    services.report_retry(job=job, actor=programme_manager)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.error == "" and job.progress == 0
    services.report_run(job_id=job.pk)
    job.refresh_from_db()
    # A person's retry starts a fresh set of automatic attempts.
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1


def test_only_failed_jobs_can_be_retried(area, programme_manager):
    job = ReportJobFactory(area=area, running=True)
    with pytest.raises(PermissionDenied):
        services.report_retry(job=job, actor=programme_manager)


def test_transient_errors_are_retried_by_celery(area, monkeypatch):
    job = ReportJobFactory(area=area)
    assert OSError in report_generate.autoretry_for
    assert report_generate.max_retries == 3 and report_generate.acks_late

    def disk_full(ctx, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(report_jobs, "report_pdf", disk_full)
    with pytest.raises(Exception) as excinfo:
        report_generate.apply(args=[job.pk], throw=True)
    # Eagerly applied, autoretry raises Retry (or the error once retries are used up).
    assert excinfo.type.__name__ in ("Retry", "OSError")
    job.refresh_from_db()
    # Given back to the queue for Celery's retry to claim again, saying why.
    assert job.status == JobStatus.QUEUED and "No space left" in job.error
    assert job.progress_message == "Failed; trying again automatically"
    # The last retry fails too: the job fails rather than waiting for ever.
    with pytest.raises(OSError):
        report_generate.apply(args=[job.pk], retries=report_generate.max_retries, throw=True)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "No space left" in job.error


def test_monthly_beat_task_makes_one_scheduled_report_per_live_round(sent_tasks):
    live = RoundFactory(status=Round.Status.LIVE)
    RoundFactory(status=Round.Status.FINISHED)
    assert programme_reports_monthly() == 1
    assert programme_reports_monthly() == 0  # same day again: nothing new
    job = ReportJob.objects.get()
    assert job.scheduled and job.round == live and job.report_date is not None
    assert job.kind == ReportKind.PROGRAMME


def test_request_while_the_monthly_report_is_being_made_follows_that_job(
    programme_manager, sent_tasks
):
    rnd = RoundFactory()
    programme_reports_monthly()
    job = services.report_request(kind=ReportKind.PROGRAMME, actor=programme_manager, round=rnd)
    assert job.scheduled
    assert ReportJob.objects.filter(round=rnd).count() == 1


def test_monthly_report_is_made_even_while_a_users_report_is_running(programme_manager, sent_tasks):
    rnd = RoundFactory()
    users_job = services.report_request(
        kind=ReportKind.PROGRAMME, actor=programme_manager, round=rnd
    )
    assert programme_reports_monthly() == 1
    assert ReportJob.objects.filter(round=rnd, scheduled=True).exclude(pk=users_job.pk).exists()


def test_programme_request_ignores_an_area(programme_manager, sent_tasks):
    rnd = RoundFactory()
    job = services.report_request(
        kind=ReportKind.PROGRAMME, actor=programme_manager, round=rnd, area=AreaFactory()
    )
    assert job.area is None and job.round == rnd


def test_admin_may_request_a_programme_report(sent_tasks):
    admin = UserFactory(admin=True)
    job = services.report_request(kind=ReportKind.PROGRAMME, actor=admin, round=RoundFactory())
    assert job.pk


def test_a_running_job_is_returned_to_a_new_request_until_the_stall_sweep_acts(
    programme_manager, area, sent_tasks
):
    """The old 30-minute rule failed a live job on the next request; now only the stall sweep
    (no heartbeat) decides, so a job waiting for the broker is never replaced by a new one."""
    old = ReportJobFactory(area=area, running=True)
    ReportJob.objects.filter(pk=old.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=2), heartbeat_at=timezone.now()
    )
    job = services.report_request(kind=ReportKind.AREA_PROGRESS, actor=programme_manager, area=area)
    assert job.pk == old.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("winner_finished", [False, True], ids=["winner-live", "winner-finished"])
def test_a_request_that_loses_the_race_to_insert_gets_a_job_not_an_error(
    programme_manager, area, sent_tasks, monkeypatch, winner_finished
):
    """Two people ask for the same report at once: both look, find nothing, both insert, and the
    unique constraint refuses the second. The loser must come back with a job (the winner's, or a
    new one if the winner's job has already finished), never an error page. The race window is
    played by making the loser's first look find nothing while the winner's job exists."""
    winner = ReportJobFactory(area=area, audience=Audience.STAFF, requested_by=programme_manager)
    real_live_job = report_jobs._live_job
    looks = []

    def first_look_misses(**kwargs):
        looks.append(kwargs)
        if len(looks) == 1:
            return None
        if winner_finished:
            # The winner's worker finished just after the loser's insert was refused.
            ReportJob.objects.filter(pk=winner.pk).update(status=JobStatus.SUCCEEDED)
        return real_live_job(**kwargs)

    monkeypatch.setattr(report_jobs, "_live_job", first_look_misses)
    job = services.report_request(kind=ReportKind.AREA_PROGRESS, actor=programme_manager, area=area)
    assert job is not None
    if winner_finished:
        assert job.pk != winner.pk and job.status == JobStatus.QUEUED
    else:
        assert job.pk == winner.pk
    assert ReportJob.objects.filter(status__in=LIVE_STATUSES).count() == 1
