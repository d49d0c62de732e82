import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from reports.models import Audience, JobStatus, ReportJob, ReportKind


class ReportJobFactory(factory.django.DjangoModelFactory):
    """A queued area progress report (staff edition)."""

    class Meta:
        model = ReportJob

    kind = ReportKind.AREA_PROGRESS
    area = factory.SubFactory("programmes.tests.factories.AreaFactory")
    round = None
    audience = Audience.STAFF
    requested_by = factory.SubFactory(
        "accounts.tests.factories.UserFactory", programme_manager=True
    )

    class Params:
        programme = factory.Trait(
            kind=ReportKind.PROGRAMME,
            area=None,
            round=factory.SubFactory("programmes.tests.factories.RoundFactory"),
        )
        for_lead_organisation = factory.Trait(audience=Audience.AREA)
        running = factory.Trait(
            status=JobStatus.RUNNING,
            progress=40,
            progress_message="Gathering stage history",
            started_at=factory.LazyFunction(timezone.now),
            attempts=1,
        )
        failed = factory.Trait(
            status=JobStatus.FAILED,
            error="The report could not be produced (OSError: disk full).",
            progress_message="Failed",
            attempts=1,
            finished_at=factory.LazyFunction(timezone.now),
        )
        succeeded = factory.Trait(
            status=JobStatus.SUCCEEDED,
            progress=100,
            progress_message="Ready",
            attempts=1,
            finished_at=factory.LazyFunction(timezone.now),
            file=factory.LazyFunction(lambda: ContentFile(b"%PDF-1.7 test", name="report.pdf")),
        )
