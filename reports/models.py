"""Report jobs: a request for a generated document, rendered by a Celery worker, with its progress
and its file."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.storage import private_storage
from core.validators import single_line_text


class ReportKind(models.TextChoices):
    AREA_PROGRESS = "area_progress", "Area progress report"
    PROGRAMME = "programme", "Programme report"


class Audience(models.TextChoices):
    """Who the document may be shown to. Area reports requested by a lead organisation leave out
    staff-only material (risk flags, staff notes), so the same file is never shown to both."""

    STAFF = "staff", "Programme staff"
    AREA = "area", "Staff and the area's lead organisation"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Ready"
    FAILED = "failed", "Failed"


LIVE_STATUSES = [JobStatus.QUEUED, JobStatus.RUNNING]

# Each status's badge colour, in the shared badge vocabulary (core_tags' `badge`).
STATUS_TONES = {
    JobStatus.QUEUED: "secondary",
    JobStatus.RUNNING: "info",
    JobStatus.SUCCEEDED: "success",
    JobStatus.FAILED: "danger",
}


def report_upload_to(job: "ReportJob", filename: str) -> str:
    return f"reports/{(job.created_at or timezone.now()):%Y/%m}/{filename}"


class BackgroundJob(models.Model):
    """What every job a Celery worker does for a person has: its state, progress, error, attempts
    and times. ``reports.jobs.lifecycle`` moves these fields; the pages show them."""

    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    # The run that holds the job: set when a worker claims it (queued -> running in one UPDATE),
    # checked when it writes progress or its result, so a redelivered or stalled-and-replaced run
    # can never write over the current one.
    claim_token = models.CharField(max_length=32, blank=True)
    # Moved by the running worker (progress and a heartbeat thread); a running job whose
    # heartbeat is older than JOB_STALL_MINUTES has lost its worker and is sent again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def is_done(self) -> bool:
        return not self.is_live

    @property
    def badge_label(self) -> str:
        """The status as its badge shows it: a tick or cross besides the colour, and how far a
        running job has got."""
        label = self.get_status_display()
        if self.status == JobStatus.SUCCEEDED:
            return f"✓ {label}"
        if self.status == JobStatus.FAILED:
            return f"✗ {label}"
        if self.status == JobStatus.RUNNING:
            return f"{label} ({self.progress}%)"
        return label

    @property
    def badge_tone(self) -> str:
        return STATUS_TONES.get(self.status, "light")


class ReportJob(BackgroundJob):
    kind = models.CharField(max_length=30, choices=ReportKind.choices)
    area = models.ForeignKey(
        "programmes.Area",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    round = models.ForeignKey(
        "programmes.Round",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.STAFF)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    file = models.FileField(storage=private_storage, upload_to=report_upload_to, blank=True)
    # Produced by the beat schedule (monthly programme reports), kept with the date they are for.
    scheduled = models.BooleanField(default=False)
    report_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="report_progress_is_percentage",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in JobStatus]),
                name="report_status_valid",
            ),
            models.CheckConstraint(
                condition=(Q(kind=ReportKind.AREA_PROGRESS) & Q(area__isnull=False))
                | (Q(kind=ReportKind.PROGRAMME) & Q(round__isnull=False)),
                name="report_has_its_subject",
            ),
            models.CheckConstraint(
                condition=Q(scheduled=False) | Q(report_date__isnull=False),
                name="scheduled_report_has_date",
            ),
            # At most one queued-or-running job per subject: a second request gets the first job.
            # Two constraints because each kind's subject column is never null, which keeps the
            # rule working on databases without NULLS NOT DISTINCT.
            models.UniqueConstraint(
                fields=["kind", "area", "audience"],
                condition=Q(kind=ReportKind.AREA_PROGRESS) & Q(status__in=LIVE_STATUSES),
                name="one_live_area_report_job",
            ),
            models.UniqueConstraint(
                fields=["kind", "round", "scheduled"],
                condition=Q(kind=ReportKind.PROGRAMME) & Q(status__in=LIVE_STATUSES),
                name="one_live_programme_report_job",
            ),
            # The monthly beat run may fire twice; it still makes one report per round and date.
            models.UniqueConstraint(
                fields=["round", "report_date"],
                condition=Q(scheduled=True),
                name="one_scheduled_report_per_round_and_date",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject_label} ({self.get_status_display()})"

    @property
    def subject_label(self) -> str:
        if self.kind == ReportKind.AREA_PROGRESS and self.area_id:
            return f"{self.area.reference} {self.area.name}"
        if self.round_id:
            return self.round.name
        return ""

    @property
    def download_name(self) -> str:
        subject = self.area.reference if self.area_id else self.round.slug
        stamp = (self.report_date or (self.finished_at or self.created_at).date()).isoformat()
        return f"ourplace-{self.kind.replace('_', '-')}-{subject}-{stamp}.pdf"


def import_upload_to(job: "ImportJob", filename: str) -> str:
    return f"imports/{(job.created_at or timezone.now()):%Y/%m}/{filename}"


class ImportJob(BackgroundJob):
    """A CRM export uploaded on the imports page, imported by a Celery worker with
    ``reports.imports`` (the same code as ``manage.py import_records``)."""

    file = models.FileField(storage=private_storage, upload_to=import_upload_to)
    original_name = models.CharField(max_length=200, validators=[single_line_text])
    round_slug = models.SlugField(max_length=50)
    round = models.ForeignKey(
        "programmes.Round",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
    )
    round_created = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
    )
    # The file's problems, each "line N, column C: message": the import wrote nothing. Only the
    # first LISTED_PROBLEMS (reports.imports.reading) are kept; `problem_count` counts them all, so
    # a list of jobs says how many without reading them.
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    # What was created, updated and left unchanged, as the command prints it.
    summary = models.JSONField(default=list, blank=True)
    # Anything else that went wrong (the worker stopped, the database was unreachable) is in
    # ``error``.

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="import_progress_is_percentage",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in JobStatus]),
                name="import_status_valid",
            ),
        ]

    def __str__(self):
        return (
            f"Import of {self.original_name} into {self.round_slug} ({self.get_status_display()})"
        )

    @property
    def has_problems(self) -> bool:
        """Failed because of the file: a retry could only fail again."""
        return self.problem_count > 0

    @property
    def more_problems(self) -> int:
        """How many problems the job counted but does not list."""
        return max(0, self.problem_count - len(self.problems))


def export_upload_to(job: "ExportJob", filename: str) -> str:
    return f"exports/{(job.created_at or timezone.now()):%Y/%m}/{filename}"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel"
    JSON = "json", "JSON"


class ExportJob(BackgroundJob):
    """A download too big to make inside a web request (the areas list, the 360Giving awards at
    national scale), written to a file by a worker (``reports.exports.jobs``). The export URL
    sends people here when the rows pass EXPORT_BACKGROUND_ROWS; smaller ones still stream."""

    export = models.CharField(max_length=40)
    fmt = models.CharField(max_length=5, choices=ExportFormat.choices)
    # The list page's query string (its filters), sorted, as the export URL was given it.
    params = models.CharField(max_length=2000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    file = models.FileField(storage=private_storage, upload_to=export_upload_to, blank=True)
    filename = models.CharField(max_length=200, validators=[single_line_text])
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="export_progress_is_percentage",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in JobStatus]),
                name="export_status_valid",
            ),
            # A second click (or a tool asking again) while the same export is being made gets
            # the job already under way.
            models.UniqueConstraint(
                fields=["requested_by", "export", "fmt", "params"],
                condition=Q(status__in=LIVE_STATUSES),
                name="one_live_export_job_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    @property
    def title(self) -> str:
        from .exports.jobs import EXPORTS

        label = EXPORTS[self.export].title if self.export in EXPORTS else self.export
        return f"{label} ({self.get_fmt_display()})"


class DataVersion(models.Model):
    """One row whose number goes up after every committed change to what the programme figures
    are counted from (`reports.freshness`): cached figures are kept under the number they were
    counted at, so a change makes the next view count again."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Data version {self.number}"
