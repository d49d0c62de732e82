"""Background jobs for Prometheus (core/metrics.py, registered from ReportsConfig.ready()):
``ourplace_background_jobs{kind,status}``, each kind's jobs counted by status when scraped.
A rising ``status="failed"`` is the job failures to alert on (each can be retried from its page)."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from .models import ExportJob, ImportJob, JobStatus, ReportJob

KINDS = {"report": ReportJob, "import": ImportJob, "export": ExportJob}


class JobsCollector:
    def collect(self):
        family = GaugeMetricFamily(
            "ourplace_background_jobs",
            "Background jobs (reports, imports, exports) by kind and status",
            labels=["kind", "status"],
        )
        for kind, model in KINDS.items():
            counts = dict(model.objects.values_list("status").annotate(n=Count("pk")))
            for status in JobStatus.values:
                family.add_metric([kind, status], counts.get(status, 0))
        yield family
