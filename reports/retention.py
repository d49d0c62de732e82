"""Generated reports and import uploads, pruned on the retention schedule (core/retention.py).
Files go through their field's storage, so a shared object store is pruned too."""

import datetime

from django.db.models import Q

from core.retention import Pruner, retention_register

from .models import LIVE_STATUSES, ExportJob, ImportJob, ReportJob


def _finished_before(cutoff: datetime.datetime) -> Q:
    return ~Q(status__in=LIVE_STATUSES) & (
        Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
    )


def reports_prune(cutoff: datetime.datetime) -> int:
    """Report jobs that finished before the cut-off, with their files. The monthly scheduled
    programme reports are the programme's dated record and are kept."""
    deleted = 0
    for job in ReportJob.objects.filter(_finished_before(cutoff), scheduled=False).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return deleted


def imports_prune(cutoff: datetime.datetime) -> int:
    """The uploaded files of imports that finished before the cut-off; the job, with its summary
    and problems, stays in the import history. Returns how many files were deleted."""
    deleted = 0
    for job in ImportJob.objects.filter(_finished_before(cutoff)).exclude(file="").iterator():
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    return deleted


def exports_prune(cutoff: datetime.datetime) -> int:
    """Export jobs (and their files) that finished before the cut-off."""
    deleted = 0
    for job in ExportJob.objects.filter(_finished_before(cutoff)).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return deleted


def register() -> None:
    retention_register(Pruner("reports", "generated reports and their jobs", reports_prune))
    retention_register(Pruner("imports", "import uploads", imports_prune))
    retention_register(Pruner("exports", "large exports and their jobs", exports_prune))
