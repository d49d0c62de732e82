import pytest
from django.core.management import CommandError, call_command

from programmes.tests.factories import AreaFactory, RoundFactory

pytestmark = pytest.mark.django_db


def test_report_area_writes_the_pdf(tmp_path, read_pdf):
    area = AreaFactory(name="Chapeltown", lead_organisation__name="Chapeltown Trust")
    out = tmp_path / "area.pdf"
    call_command("report", "area", "--area", area.reference, "-o", str(out))
    text = read_pdf(out.read_bytes())
    assert "Chapeltown" in text and "Chapeltown Trust" in text and "Page 1 of" in text


def test_report_programme_writes_the_pdf_with_its_date(tmp_path, read_pdf):
    rnd = RoundFactory(name="Round Two")
    AreaFactory(round=rnd)
    out = tmp_path / "programme.pdf"
    call_command("report", "programme", "--round", rnd.slug, "-o", str(out), "--date", "2026-11-01")
    text = read_pdf(out.read_bytes())
    assert "Programme report" in text and "Round Two" in text and "1 November 2026" in text


def test_unknown_area_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="No area with reference NOPE"):
        call_command("report", "area", "--area", "NOPE", "-o", str(tmp_path / "x.pdf"))


def test_a_report_kind_is_required():
    with pytest.raises(CommandError):
        call_command("report")
