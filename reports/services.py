"""Writes of the reports app, by concept. Views, tasks and commands may import them from here:

- report jobs (`reports.jobs.report_jobs`): ask for a report, the monthly schedule, retry, and
  the worker's rendering;
- import jobs (`reports.imports.jobs`): upload a CRM export, retry, and the worker's import.
"""

from .imports.jobs import import_request, import_retry, import_run
from .jobs.report_jobs import report_request, report_retry, report_run, report_schedule

__all__ = [
    "import_request",
    "import_retry",
    "import_run",
    "report_request",
    "report_retry",
    "report_run",
    "report_schedule",
]
