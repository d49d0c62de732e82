import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import UserFactory
from core.tests import sample_files


@pytest.fixture
def pm2(db):
    return UserFactory(programme_manager=True)


def pdf_file(name="policy.pdf"):
    """A small real PDF (core.uploads checks content, not just the name)."""
    return SimpleUploadedFile(name, sample_files.PDF, content_type="application/pdf")
