"""The task names are part of the contract with the broker and the beat schedule: a queued
message or the monthly schedule names a task by its dotted path, so moving code must not rename
it."""

from ourplace.celery import app
from reports import tasks


def test_the_beat_schedule_and_the_job_tasks_find_their_tasks():
    app.loader.import_default_modules()
    assert app.conf.beat_schedule["reports-programme-monthly"]["task"] in app.tasks
    assert tasks.report_generate.name == "reports.tasks.report_generate"
    assert tasks.records_import_job.name == "reports.tasks.records_import_job"
    assert tasks.programme_reports_monthly.name == "reports.tasks.programme_reports_monthly"
    for task in (tasks.report_generate, tasks.records_import_job):
        assert app.tasks[task.name].acks_late
        assert app.tasks[task.name].max_retries == 3
