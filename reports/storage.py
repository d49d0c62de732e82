"""Where generated reports are kept: the private storage root, never a public media URL. Files are
only ever served by `reports.views.job_download`, which checks the user may see the job."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    # A callable, so migrations do not freeze a path and test settings' temporary folder is used.
    return FileSystemStorage(location=settings.PRIVATE_STORAGE_ROOT, base_url=None)
