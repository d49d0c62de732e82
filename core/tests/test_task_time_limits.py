"""Every task of ours has a time limit: a task that hangs (a stuck SMTP server, a backup of a
storage that stopped answering) is stopped and shows as failed instead of holding a worker for
ever. A new task without a line in settings.JOB_TIME_LIMITS fails this test."""

from django.conf import settings

from ourplace.celery import app


def _our_tasks() -> list[str]:
    app.loader.import_default_modules()
    return sorted(
        name for name in app.tasks if not name.startswith("celery.") and ".tests." not in name
    )


def test_every_task_of_ours_has_a_soft_and_a_hard_time_limit():
    tasks = _our_tasks()
    assert "core.tasks.backup_nightly" in tasks and "reports.tasks.report_generate" in tasks
    missing = [name for name in tasks if name not in settings.CELERY_TASK_ANNOTATIONS]
    assert missing == []
    for name in tasks:
        limits = settings.CELERY_TASK_ANNOTATIONS[name]
        assert 0 < limits["soft_time_limit"] < limits["time_limit"], name


def test_no_limit_names_a_task_that_does_not_exist():
    assert sorted(set(settings.CELERY_TASK_ANNOTATIONS) - set(_our_tasks())) == []


def test_the_broker_waits_longer_than_any_task_may_run():
    longest = max(limits["time_limit"] for limits in settings.CELERY_TASK_ANNOTATIONS.values())
    assert longest < settings.BROKER_VISIBILITY_TIMEOUT
