"""The programme's awards in the 360Giving Data Standard (1.4.3): a CSV with the standard's column
titles, and the JSON package form ``{"grants": [...]}``.

One grant per live award (cancelled awards are left out). ``Identifier`` is
``360G-<THREESIXTYGIVING_PREFIX>-<award id>``; the recipient is the area's lead organisation
(its org-id identifier); the beneficiary location is the area, with its geographic code; the grant
programme is the round (code = slug, title = name); the funding organisation is the programme's
funder; ``Amount Disbursed`` is what has been paid so far.

An amended grant (an award with approved variations, grants/variations) keeps its identifier, as
the standard asks of a grant that changes: ``Amount Awarded`` and the planned end date are the
amended ones and ``Last modified`` says when. The standard has no field for the amendments
themselves, so two additional columns say it (``Amendments``: how many variations were approved,
``Amended On``: the latest), before ``Last modified``; in JSON ``amendments`` (count and date),
only on amended grants. Additional fields are allowed by the schema.
"""

import json
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from grants import selectors as grant_selectors

CSV_COLUMNS = [
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
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Recipient Org:Postal Code",
    "Beneficiary Location:Name",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Amendments",
    "Amended On",
    "Last modified",
    "Data Source",
]


def grant_identifier(award_id: int) -> str:
    return f"360G-{settings.THREESIXTYGIVING_PREFIX}-{award_id}"


def awards(*, round=None) -> QuerySet:
    """Live awards with everything a grant record needs, and the amount paid so far, in one
    query."""
    from grants.variations.selectors import with_amendments

    return with_amendments(grant_selectors.live_awards_with_disbursed(round=round))


def data_source() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("reports:export_360giving_json")


def _title(award) -> str:
    return f"{award.get_stage_display()} grant: {award.area.name}"


# What each stage's grant pays for, so a description says what the money is for even when the
# area's own description is missing.
STAGE_PURPOSE = {
    "getting_ready": "to write a development strategy and logic model with local partners",
    "getting_going": "to write an operational plan for redesigning local public services",
    "going_further": "for extra work alongside the operational plan",
    "breaking_new_ground": "for extra work alongside the operational plan",
    "making_it_happen": "to carry out the signed-off operational plan and secure lasting funding",
}


def _description(award) -> str:
    """What the grant is for, in words: the stage's purpose, the neighbourhood, and the area's own
    description when one was written (an imported record's placeholder is not a description)."""
    from reports.imports.steps import PLACEHOLDER

    area = award.area
    purpose = STAGE_PURPOSE.get(award.stage, "")
    text = (
        f"{award.get_stage_display()} grant to {area.lead_organisation.name}"
        f"{' ' + purpose if purpose else ''}, for the {area.name} neighbourhood "
        f"({area.local_authority}), in {area.round.name} of {area.round.programme.name}."
    )
    own = (area.description or "").replace(PLACEHOLDER, "").strip()
    if own:
        text += " " + own
    return text


def _recipient_id(org) -> str:
    """The organisation's official identifier; the programme's own 360G- one only when it has
    none (as the model keeps it)."""
    return org.org_identifier or f"360G-{settings.THREESIXTYGIVING_PREFIX}-org-{org.pk}"


def _money(value) -> float:
    # JSON numbers: the schema types amounts as numbers; pounds with pence are exact in a float's
    # decimal repr at these sizes.
    return float(Decimal(value).quantize(Decimal("0.01")))


def grant(award, *, source: str) -> dict:
    """One grant as the 360Giving JSON schema nests it."""
    area = award.area
    org = area.lead_organisation
    programme = area.round.programme
    recipient = {"id": _recipient_id(org), "name": org.name}
    if org.charity_number:
        recipient["charityNumber"] = org.charity_number
    if org.company_number:
        recipient["companyNumber"] = org.company_number
    if org.postcode:
        recipient["postalCode"] = org.postcode
    location = {"name": area.name}
    if area.geo_code:
        location["geoCode"] = area.geo_code
        location["geoCodeType"] = area.geo_code_type
    return {
        "id": grant_identifier(award.pk),
        "title": _title(award),
        "description": _description(award),
        "currency": "GBP",
        "amountAwarded": _money(award.amount),
        "amountDisbursed": _money(award.disbursed),
        "awardDate": award.awarded_on.isoformat(),
        "plannedDates": [
            {
                "startDate": award.awarded_on.isoformat(),
                "endDate": (award.ends_on or area.round.ends_on).isoformat(),
            }
        ],
        "recipientOrganization": [recipient],
        "beneficiaryLocation": [location],
        "fundingOrganization": [
            {"id": programme.funder_identifier or "", "name": programme.funder_name}
        ],
        "grantProgramme": [{"code": area.round.slug, "title": area.round.name}],
        "dateModified": award.updated_at.isoformat(timespec="seconds"),
        "dataSource": source,
        **_amendments(award),
    }


def _amendments(award) -> dict:
    """The grant's approved variations, on an amended grant only (an additional field)."""
    count = getattr(award, "amendment_count", 0) or 0
    if not count:
        return {}
    amended_on = award.amended_at
    return {
        "amendments": {
            "count": count,
            "amendedOn": amended_on.date().isoformat() if amended_on else "",
        }
    }


def package(*, round=None) -> dict:
    """The JSON package: {"grants": [...]} with the schema version, as one object (for tests and
    small rounds; the download streams the same text from `json_chunks`)."""
    return json.loads("".join(json_chunks(round=round)))


def json_chunks(*, round=None) -> Iterator[str]:
    """The JSON package as text, one grant at a time from a database cursor, so a download of
    20,000 grants holds one grant in memory rather than the whole list (191 MB a request before)."""
    source = data_source()
    yield '{"grants": ['
    for number, award in enumerate(awards(round=round).iterator(chunk_size=500)):
        yield ("," if number else "") + "\n " + json.dumps(grant(award, source=source))
    yield '\n], "version": "1.4"}\n'


def csv_rows(*, round=None) -> Iterator[list]:
    """The header, then one flat row per grant, in the standard's column titles."""
    yield CSV_COLUMNS
    source = data_source()
    for award in awards(round=round).iterator(chunk_size=500):
        g = grant(award, source=source)
        recipient, location = g["recipientOrganization"][0], g["beneficiaryLocation"][0]
        funder, programme = g["fundingOrganization"][0], g["grantProgramme"][0]
        yield [
            g["id"],
            g["title"],
            g["description"],
            g["currency"],
            Decimal(award.amount).quantize(Decimal("0.01")),
            Decimal(award.disbursed).quantize(Decimal("0.01")),
            g["awardDate"],
            g["plannedDates"][0]["startDate"],
            g["plannedDates"][0]["endDate"],
            recipient["id"],
            recipient["name"],
            recipient.get("charityNumber", ""),
            recipient.get("companyNumber", ""),
            recipient.get("postalCode", ""),
            location["name"],
            location.get("geoCode", ""),
            location.get("geoCodeType", ""),
            funder["id"],
            funder["name"],
            programme["code"],
            programme["title"],
            g.get("amendments", {}).get("count", 0),
            g.get("amendments", {}).get("amendedOn", ""),
            g["dateModified"],
            g["dataSource"],
        ]
