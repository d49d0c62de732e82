import csv
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from grants.tests.factories import AwardFactory, PaymentFactory
from programmes.tests.factories import AreaFactory, ProgrammeFactory, RoundFactory
from reports.exports import threesixtygiving

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema" / "360giving"
SHARED_DIR = Path(settings.BASE_DIR).parent / "shared" / "360giving"


def _validator():
    grant_schema = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    package_schema = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    # The files name their dialect as http://json-schema.org/draft/2020-12/schema (no https),
    # which `referencing` does not recognise by itself: say it is 2020-12.
    resource = DRAFT202012.create_resource(grant_schema)
    # The package refers to the grant schema by its 1.4.2 URL; the grant schema's own $id is
    # 1.4.3. Both resolve to the local copy, so validation never reaches the network.
    ref = package_schema["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(grant_schema["$id"], resource), (ref, resource)])
    return Draft202012Validator(package_schema, registry=registry, format_checker=_formats())


def _formats():
    """Formats asserted, as 360Giving's own checker does. `awardDate` is oneOf a date-time or a
    plain date, so without a date-time check a plain date would match both branches. jsonschema
    checks date-time only when rfc3339-validator is installed; this keeps the test independent
    of that optional package."""
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def is_datetime(value):
        if not isinstance(value, str):
            return True
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
            raise ValueError(value)
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    return checker


@pytest.fixture
def award():
    programme = ProgrammeFactory(funder_identifier="GB-GOR-D1234")
    rnd = RoundFactory(programme=programme, slug="round-2", name="Round 2")
    area = AreaFactory(
        round=rnd,
        name="Chapeltown",
        geo_code="E05011414",
        geo_code_type="WD",
        lead_organisation__name="Chapeltown Trust",
        lead_organisation__charity_number="1234567",
        lead_organisation__postcode="LS7 3AB",
    )
    award = AwardFactory(area=area, amount=Decimal("10000.00"))
    PaymentFactory(award=award, amount=Decimal("9000.00"), paid=True)
    PaymentFactory(award=award, amount=Decimal("1000.00"), held=True)
    return award


def test_the_local_schema_copy_matches_the_shared_one():
    if not SHARED_DIR.exists():
        pytest.skip("the shared folder is not beside the repository")
    for name in ("360-giving-schema.json", "360-giving-package-schema.json"):
        assert (SCHEMA_DIR / name).read_bytes() == (SHARED_DIR / name).read_bytes()


def test_the_json_package_validates_against_the_1_4_3_schema(award):
    AwardFactory(area=AreaFactory(round=award.area.round), getting_ready=True)
    package = threesixtygiving.package()
    errors = sorted(_validator().iter_errors(package), key=lambda e: e.path)
    assert errors == []
    assert len(package["grants"]) == 2


def test_the_validator_does_reject_a_broken_grant(award):
    package = threesixtygiving.package()
    del package["grants"][0]["fundingOrganization"]
    assert list(_validator().iter_errors(package))


def test_grant_fields(award, settings):
    settings.THREESIXTYGIVING_PREFIX = "ourplace"
    (grant,) = threesixtygiving.package()["grants"]
    assert grant["id"] == f"360G-ourplace-{award.pk}"
    assert re.fullmatch(r"360G-[A-Za-z0-9]+-[0-9]+", grant["id"])
    assert grant["currency"] == "GBP"
    assert grant["amountAwarded"] == 10000.0
    assert grant["amountDisbursed"] == 9000.0
    assert grant["recipientOrganization"] == [
        {
            "id": "GB-CHC-1234567",
            "name": "Chapeltown Trust",
            "charityNumber": "1234567",
            "postalCode": "LS7 3AB",
        }
    ]
    assert grant["beneficiaryLocation"] == [
        {"name": "Chapeltown", "geoCode": "E05011414", "geoCodeType": "WD"}
    ]
    assert grant["fundingOrganization"] == [
        {"id": "GB-GOR-D1234", "name": "Department for Communities"}
    ]
    assert grant["grantProgramme"] == [{"code": "round-2", "title": "Round 2"}]


def test_cancelled_awards_are_left_out(award):
    AwardFactory(cancelled=True)
    assert [g["id"] for g in threesixtygiving.package()["grants"]] == [
        threesixtygiving.grant_identifier(award.pk)
    ]


def test_csv_has_the_standards_columns_in_order(award, client_for, admin_user):
    response = client_for(admin_user).get(reverse("reports:export_360giving_csv"))
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:10] == [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Amount Disbursed",
        "Award Date",
        "Planned Dates:Start Date",
        "Planned Dates:End Date",
        "Recipient Org:Identifier",
    ]
    assert rows[0][-2:] == ["Last modified", "Data Source"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Identifier"] == threesixtygiving.grant_identifier(award.pk)
    assert row["Amount Awarded"] == "10000.00" and row["Amount Disbursed"] == "9000.00"
    assert row["Recipient Org:Identifier"] == "GB-CHC-1234567"
    assert row["Beneficiary Location:Geographic Code Type"] == "WD"
    assert row["Grant Programme:Code"] == "round-2"
    assert row["Funding Org:Identifier"] == "GB-GOR-D1234"


def test_json_download_for_programme_manager(award, client_for, programme_manager):
    response = client_for(programme_manager).get(
        reverse("reports:export_360giving_json") + "?round=round-2"
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response.streaming, "the package is streamed grant by grant, not built in memory"
    assert response["Content-Type"] == "application/json"
    package = json.loads(b"".join(response.streaming_content))
    assert len(package["grants"]) == 1 and package["version"] == "1.4"
    assert package == threesixtygiving.package(round=award.area.round)


def test_exports_need_login(client):
    response = client.get(reverse("reports:export_360giving_json"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("who", ["funder_officer", "relationship_manager", "lead_user"])
def test_other_roles_may_not_download(request, client_for, who):
    user = request.getfixturevalue(who)
    for name in ("reports:export_360giving_csv", "reports:export_360giving_json"):
        assert client_for(user).get(reverse(name)).status_code == 403


def test_reports_page_links_to_the_360giving_downloads(client_for, programme_manager):
    html = client_for(programme_manager).get(reverse("reports:index")).content.decode()
    assert reverse("reports:export_360giving_csv") in html
    assert reverse("reports:export_360giving_json") in html


def test_a_local_authority_is_named_by_its_official_code_in_both_exports(award):
    org = award.area.lead_organisation
    org.org_type = "local_authority"
    org.org_identifier = "GB-LAE-MAN"
    org.save()
    grant = threesixtygiving.package()["grants"][0]
    assert grant["recipientOrganization"][0]["id"] == "GB-LAE-MAN"
    header, row = list(threesixtygiving.csv_rows())[:2]
    assert row[header.index("Recipient Org:Identifier")] == "GB-LAE-MAN"


def test_without_an_official_identifier_the_programme_one_is_the_fallback(award):
    org = award.area.lead_organisation
    org.charity_number = org.company_number = ""
    org.org_identifier = None
    org.save()
    grant = threesixtygiving.package()["grants"][0]
    assert grant["recipientOrganization"][0]["id"] == f"360G-ourplace-org-{org.pk}"


def test_an_imported_placeholder_never_reaches_the_description(award):
    from reports.imports.steps import PLACEHOLDER

    area = award.area
    area.description = PLACEHOLDER
    area.save()
    description = threesixtygiving.package()["grants"][0]["description"]
    assert "Not recorded" not in description
    assert f"for the {area.name} neighbourhood" in description
    # The stage's purpose says what the money is for.
    assert threesixtygiving.STAGE_PURPOSE[award.stage] in description
