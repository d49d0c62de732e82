"""One private storage (issue 22): every file field of every app keeps its files in
STORAGES["private"], declared once in settings; no module builds a storage of its own or reads a
file by its path on this machine's disk (an object store has none)."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models

from core.storage import PRIVATE_STORAGE, private_files
from core.tests.test_architecture import APPS
from ourplace.settings.base import private_storage_backend

ROOT = Path(settings.BASE_DIR)


def _file_fields():
    for model in apps.get_models():
        if model._meta.app_label in APPS:
            for field in model._meta.get_fields():
                if isinstance(field, models.FileField):
                    yield field


def test_every_file_field_keeps_its_files_in_the_private_storage():
    fields = list(_file_fields())
    # Plan documents, message documents, gate evidence (2), offer letters, reports, imports.
    assert len(fields) >= 7
    elsewhere = [str(f) for f in fields if f.storage is not private_files]
    assert elsewhere == []


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" not in parts and "tests" not in parts:
                yield path


BUILT_STORAGE = re.compile(r"\b(FileSystemStorage|S3Storage|S3Boto3Storage)\(")
FILE_PATH = re.compile(r"\.(file|pdf|attachment|development_strategy|logic_model)\.path\b")


def test_no_module_builds_a_storage_or_reads_a_stored_file_by_its_path():
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in _sources()
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if BUILT_STORAGE.search(line) or FILE_PATH.search(line)
    ]
    assert found == []


def test_by_default_the_private_files_are_a_folder_under_private_storage_root(tmp_path):
    assert settings.STORAGES[PRIVATE_STORAGE] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(settings.PRIVATE_STORAGE_ROOT), "base_url": None},
    }
    name = private_files.save("checks/hello.txt", ContentFile(b"hello"))
    try:
        assert (Path(settings.PRIVATE_STORAGE_ROOT) / name).read_bytes() == b"hello"
    finally:
        private_files.delete(name)
    assert private_storage_backend(root=tmp_path)["OPTIONS"]["location"] == str(tmp_path)


def test_a_bucket_named_in_the_environment_makes_it_s3(monkeypatch, tmp_path):
    for name, value in {
        "AWS_S3_ENDPOINT_URL": "https://objects.example.org",
        "AWS_S3_REGION_NAME": "eu-west-2",
        "AWS_ACCESS_KEY_ID": "key-id",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_LOCATION": "ourplace",
    }.items():
        monkeypatch.setenv(name, value)
    backend = private_storage_backend(root=tmp_path, bucket="charity-files")
    assert backend["BACKEND"] == "storages.backends.s3.S3Storage"
    options = backend["OPTIONS"]
    assert options["bucket_name"] == "charity-files" and options["location"] == "ourplace"
    assert options["endpoint_url"] == "https://objects.example.org"
    assert (options["access_key"], options["secret_key"]) == ("key-id", "secret")
    # Two reports with one name must both stay; nothing is made public by its ACL.
    assert options["file_overwrite"] is False and options["default_acl"] is None


def test_without_keys_boto3_finds_its_own_credentials(monkeypatch, tmp_path):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    options = private_storage_backend(root=tmp_path, bucket="charity-files")["OPTIONS"]
    assert "access_key" not in options and "secret_key" not in options


@pytest.mark.django_db
def test_the_storage_follows_a_change_of_settings(s3_private_storage):
    # A file field keeps one storage object for the life of the process; a change of STORAGES
    # (a test, or another settings object) is seen by it at once.
    from plans.models import PlanAttachment

    storage = PlanAttachment._meta.get_field("file").storage
    name = storage.save("checks/hello.txt", ContentFile(b"hello"))
    assert s3_private_storage.keys() == [f"private/{name}"]
