"""The one private storage: every uploaded document, offer letter, generated report and import
upload is kept in the storage named PRIVATE_STORAGE in settings ``STORAGES`` (a folder under
PRIVATE_STORAGE_ROOT by default, an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set), so
the web processes and the workers on other machines share it by configuration alone.

Private files never have a public URL: they are read with ``storage.open`` (never a file system
path, which an object store does not have) and served only by views that check the user may see
them, as a FileResponse.

File fields take ``storage=private_storage``: a callable, so migrations record its name rather
than a frozen path or bucket, and the storage is looked up in ``STORAGES`` when it is used. Nothing
here builds a storage: Django's ``storages`` does, from the settings.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

PRIVATE_STORAGE = "private"


class PrivateStorage(LazyObject):
    """``storages[PRIVATE_STORAGE]``, looked up on first use and again after STORAGES changes
    (as Django's ``default_storage`` is): a file field keeps this object for the life of the
    process, and test settings or the S3 tests swap the storage behind it."""

    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE]


private_files = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The private storage, for ``FileField(storage=private_storage)``."""
    return private_files


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    # Django forgets its own storages when STORAGES changes (django.test.signals); forget ours too.
    if setting == "STORAGES":
        private_files._wrapped = empty
