import shutil
import subprocess

import pytest


def pdf_text(data: bytes, tmp_path) -> str:
    """The text of a PDF, as pdftotext reads it."""
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def read_pdf(tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return lambda data: pdf_text(data, tmp_path)


@pytest.fixture
def sent_tasks(monkeypatch):
    """Record report tasks sent to the broker instead of sending them."""
    from reports import tasks

    class Sent(list):
        """The job ids sent, in order; `task_ids`: the task id each was published under."""

        task_ids: list

    sent = Sent()
    sent.task_ids = []

    class Result:
        def __init__(self, id):
            self.id = id

    def fake_apply_async(args=(), kwargs=None, **options):
        sent.append(args[0])
        sent.task_ids.append(options["task_id"])
        return Result(options["task_id"])

    # The outbox (core.outbox) hands messages to Celery with apply_async after commit.
    monkeypatch.setattr(tasks.report_generate, "apply_async", fake_apply_async)
    return sent
