"""Background jobs: work a Celery worker does for a person (render a report, import a file), with
its state, progress and error on a row the person's page polls.

    lifecycle.py    what every job goes through: sent to a worker after commit, started, its
                    progress, finished or failed (with a readable error), sent again
    runner.py       the task wrapper: the options every job task shares, and `run_job`
    report_jobs.py  report jobs: request, the monthly schedule, retry, and rendering the PDF

The models (`BackgroundJob`, `ReportJob`, `ImportJob`) stay in ``reports/models.py``; import jobs'
own services are in ``reports.imports.jobs``; the Celery tasks are in ``reports.tasks``.
"""
