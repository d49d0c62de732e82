"""Importing a CRM export of historical records into a round: ``manage.py import_records FILE
--round SLUG``, or an upload on the imports page that a worker imports (an ImportJob).

    reading.py   first pass: read the whole file and check every cell, writing nothing
    steps.py     the steps one record goes through (round, organisation, application and
                 decision, gate, plan), each through the web app's own services
    live.py      imports write history, never over live work: areas people work on are refused
    bulk/        new records written in bulk: the rows and audit trail the steps would write,
                 a few inserts per thousand records (statuses from the workflow tables)
    pipeline.py  `Importer`: new records in bulk, the others through their steps, in one
                 transaction, all or nothing
    jobs.py      import jobs: upload, retry, and the worker's run
    views.py, forms.py   the imports page (``reports:import_*`` URLs)
    template.py  the page's guide to the columns and the template CSV
"""

from .pipeline import ImportContext, Importer, ImportResult, records_import
from .reading import COLUMNS, ImportFailed, Record, read_records

__all__ = [
    "COLUMNS",
    "ImportContext",
    "ImportFailed",
    "ImportResult",
    "Importer",
    "Record",
    "read_records",
    "records_import",
]
