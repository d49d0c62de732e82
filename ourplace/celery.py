"""The Celery application: configuration from Django settings (CELERY_ namespace), tasks found by
autodiscovery in each app's tasks.py."""

import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplace.settings.local")

app = Celery("ourplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Every worker writes its heartbeat on a timer (core/health.py), so the readiness check
    sees a live worker even when beat is down and nothing is queued."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        self.tref = None

    def start(self, worker):
        interval = float(os.environ.get("HEALTH_WORKER_HEARTBEAT_SECONDS", 30))
        self.tref = worker.timer.call_repeatedly(interval, self.beat, priority=10)

    def stop(self, worker):
        if self.tref:
            self.tref.cancel()
            self.tref = None

    @staticmethod
    def beat():
        from django.db import close_old_connections

        from core.tasks import _record_quietly

        close_old_connections()
        _record_quietly("worker")


app.steps["worker"].add(WorkerHeartbeat)

from celery.schedules import crontab  # noqa: E402

# Plans: milestone reminders (14 and 3 days before) and overdue plan reviews, every morning.
app.conf.beat_schedule["plans-milestone-reminders"] = {
    "task": "plans.tasks.milestone_reminders",
    "schedule": crontab(hour=7, minute=0),
}

# Reports: a programme report for every live round on the 1st of each month, kept with its date.
app.conf.beat_schedule["reports-programme-monthly"] = {
    "task": "reports.tasks.programme_reports_monthly",
    "schedule": crontab(day_of_month=1, hour=6, minute=0),
}

# Delivery: missing return periods created and newly overdue returns flagged, every morning.
app.conf.beat_schedule["delivery-returns-daily"] = {
    "task": "delivery.tasks.returns_daily",
    "schedule": crontab(hour=6, minute=30),
}

# Activity: the daily digest of notifications, for people who chose it for some kinds.
app.conf.beat_schedule["activity-notifications-digest"] = {
    "task": "activity.tasks.notifications_digest_daily",
    "schedule": crontab(hour=7, minute=30),
}

# Core: hand to the broker whatever the outbox holds (work asked for while the broker was down).
app.conf.beat_schedule["core-outbox-dispatch"] = {
    "task": "core.tasks.outbox_dispatch_pending",
    "schedule": 60.0,
}

# Reports: send again the jobs whose worker stopped (no heartbeat for JOB_STALL_MINUTES).
app.conf.beat_schedule["reports-jobs-requeue-stalled"] = {
    "task": "reports.tasks.jobs_requeue_stalled",
    # The environment, not Django settings: this module is imported before settings are ready.
    "schedule": float(os.environ.get("JOB_STALL_SWEEP_SECONDS", 60)),
}

# Surveys: invite who has become eligible, remind who has not answered, close past surveys.
app.conf.beat_schedule["surveys-daily"] = {
    "task": "surveys.tasks.surveys_daily",
    "schedule": crontab(hour=8, minute=0),
}

# Core: a backup of the database and the private files every night (core/backups.py), and the
# retention schedule applied after it (core/retention.py, settings.RETENTION).
app.conf.beat_schedule["core-backup-nightly"] = {
    "task": "core.tasks.backup_nightly",
    "schedule": crontab(hour=2, minute=15),
}
app.conf.beat_schedule["core-prune-nightly"] = {
    "task": "core.tasks.prune_nightly",
    "schedule": crontab(hour=3, minute=15),
}
# Core: the worker's and beat's heartbeats for the readiness check (core/health.py).
app.conf.beat_schedule["core-health-heartbeat"] = {
    "task": "core.tasks.health_heartbeat",
    "schedule": 60.0,
}

# Early warning: every running round's areas scored again, each night after the returns are
# flagged (earlywarning/tasks.py); a change to an area's inputs rescores its round at once.
app.conf.beat_schedule["earlywarning-nightly"] = {
    "task": "earlywarning.tasks.warnings_nightly",
    "schedule": crontab(hour=6, minute=45),
}
