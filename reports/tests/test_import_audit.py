"""An import's activity entries are appended to their areas' hash chains, so the audit trail
still verifies after an import (and after importing the same file again)."""

import io

import pytest
from django.core.management import call_command

from activity.models import ActivityEntry
from activity.verification import audit_verify

from .test_import import ROWS, rnd, run, write  # noqa: F401

pytestmark = pytest.mark.django_db


def test_audit_verify_passes_after_an_import(rnd, tmp_path):  # noqa: F811
    path = write(tmp_path, ROWS)
    run(path)
    assert ActivityEntry.objects.filter(imported=True).exists()
    report = audit_verify()
    assert report.ok, [str(b) for b in report.broken]
    run(path)
    assert audit_verify().ok
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
