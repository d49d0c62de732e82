"""What reports hold about a person (core.personal_data, registered in apps.py)."""

from core.personal_data import PersonalData

from .models import ExportJob, ImportJob, ReportJob

KINDS = (
    PersonalData(
        name="reports_report_requests",
        description="Reports you asked for (the reports themselves are the areas' records).",
        rows=lambda person: ReportJob.objects.filter(requested_by=person).order_by("pk"),
    ),
    PersonalData(
        name="reports_imports",
        description="Files you uploaded to import, with the files.",
        rows=lambda person: ImportJob.objects.filter(requested_by=person).order_by("pk"),
        files=("file",),
    ),
    PersonalData(
        name="reports_exports",
        description="Large exports you asked for (the files are copies of the lists you saw).",
        rows=lambda person: ExportJob.objects.filter(requested_by=person).order_by("pk"),
    ),
)
