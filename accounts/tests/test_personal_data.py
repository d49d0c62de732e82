"""Subject access and anonymisation (issue 22): an admin exports everything held about one person
as a ZIP and anonymises someone who has left; both need a confirmation and go on the audit
trail, which stays verifiable."""

import io
import json
import zipfile
from html import escape
from io import StringIO

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.personal_data import person_anonymise, person_data_export
from accounts.tests.factories import AreaAssignmentFactory, UserFactory
from activity.models import ActivityEntry
from core.tests.demo_snapshot import load_demo_for_test
from core.tests.sample_files import PDF
from messaging.services import message_post
from plans.services import attachment_add
from programmes.models import Area

pytestmark = pytest.mark.django_db

# Who may open the pages (GET) of one person's data: (role, status). Admins only; everyone else
# is told nothing exists.
WHO_MAY_SEE = [
    ("programme_manager", 404),
    ("funder_officer", 404),
    ("finance_officer", 404),
    ("relationship_manager", 404),
    ("lead_organisation", 404),
    ("admin", 200),
]


@pytest.fixture
def demo(db):
    load_demo_for_test()
    users = {u.username: u for u in User.objects.all()}
    area = Area.objects.get(reference="R2-041")
    return users, area


def _zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _lead_with_message_and_document(users, area):
    lead = users["lead"]
    message_post(area=area, actor=lead, body="Our steering group meets on Tuesdays.")
    attach = SimpleUploadedFile("minutes.pdf", PDF)
    attachment_add(area=area, actor=lead, uploaded_file=attach, title="Steering group minutes")
    return lead


def test_export_of_a_lead_user_holds_their_records_and_documents_and_nobody_elses(demo):
    users, area = demo
    lead = _lead_with_message_and_document(users, area)
    files = _zip(person_data_export(person=lead, actor=users["admin"]))

    profile = json.loads(files["accounts_profile.json"])
    assert [p["username"] for p in profile] == ["lead"]
    assert "password" not in profile[0]
    memberships = json.loads(files["accounts_memberships.json"])
    assert {m["organisation_id"] for m in memberships} == set(
        lead.memberships.values_list("organisation_id", flat=True)
    )
    assert memberships
    messages = json.loads(files["messaging_messages.json"])
    assert "Our steering group meets on Tuesdays." in [m["body"] for m in messages]
    assert {m["author_id"] for m in messages} == {lead.pk}
    entries = json.loads(files["activity_entries.json"])
    assert entries and {e["actor_id"] for e in entries} == {lead.pk}
    assert "accounts_profile.csv" in files and b"lead@" in files["accounts_profile.csv"]
    documents = [name for name in files if name.startswith("documents/plans_documents/")]
    assert len(documents) == 1 and files[documents[0]] == PDF
    contents = json.loads(files["contents.json"])
    assert any(
        c["file"] == "messaging_messages" and c["records"] == len(messages) for c in contents
    )

    # Other people's data is absent: the other lead, and the manager's own messages.
    everything = b"".join(files.values())
    other = users["lead2"]
    assert other.email.encode() not in everything
    assert f'"author_id": {users["pm"].pk}'.encode() not in files["messaging_messages.json"]
    assert ActivityEntry.objects.filter(
        verb="person.data_exported", actor=users["admin"], target_id=str(lead.pk)
    ).exists()


def test_only_an_admin_may_export_or_anonymise(programme_manager, lead_user):
    with pytest.raises(PermissionDenied):
        person_data_export(person=lead_user, actor=programme_manager)
    with pytest.raises(PermissionDenied):
        person_anonymise(person=lead_user, actor=programme_manager, reason="Left")


def _pages(client, area, pk_thread=True):
    panel = reverse("programmes:area_panel", args=[area.reference, "timeline"])
    inbox = reverse("activity:notifications") + "?show=all"
    pages = [reverse("programmes:area_detail", args=[area.reference]), panel, inbox]
    if pk_thread:
        pages.append(reverse("messaging:thread", args=[area.reference]))
    return {url: client.get(url).content.decode() for url in pages}


def test_anonymised_person_is_named_on_no_page_and_the_audit_trail_still_verifies(demo, client_for):
    users, area = demo
    lead = _lead_with_message_and_document(users, area)
    name = lead.get_full_name()
    TOTPDevice.objects.create(user=lead, name="phone", confirmed=True)
    pm_client = client_for(users["pm"])
    before = _pages(pm_client, area)
    assert all(escape(name) in html for html in before.values()), "the name must show before"

    person_anonymise(person=lead, actor=users["admin"], reason="Left the organisation in March")

    after = _pages(client_for(users["pm"]), area)
    for url, html in after.items():
        at = html.find(escape(name))
        assert at == -1, (url, html[max(0, at - 300) : at + 100])
        assert name not in html, url
    assert "Former user" in after[reverse("messaging:thread", args=[area.reference])]
    # What they wrote stays: it is the area's record.
    assert (
        "Our steering group meets on Tuesdays."
        in after[reverse("messaging:thread", args=[area.reference])]
    )
    lead.refresh_from_db()
    assert lead.get_full_name() == f"Former user {lead.pk}"
    assert lead.username == f"former-user-{lead.pk}" and "lead" not in lead.email
    assert (lead.phone, lead.job_title, lead.is_active) == ("", "", False)
    assert not lead.has_usable_password()
    assert not TOTPDevice.objects.filter(user=lead).exists()
    correction = ActivityEntry.objects.get(verb="person.anonymised")
    assert correction.corrects is not None and correction.corrects.actor_id == lead.pk
    assert correction.reason == "Left the organisation in March"
    assert correction.actor == users["admin"]
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "verified" in out.getvalue()


def test_anonymising_ends_the_persons_sessions(lead_user, admin_user, client):
    client.force_login(lead_user)
    assert SESSION_KEY in client.session
    assert client.get(reverse("activity:notifications")).status_code == 200
    person_anonymise(person=lead_user, actor=admin_user, reason="Left")
    response = client.get(reverse("activity:notifications"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "case,code",
    [
        ("self", "self"),
        ("open_work", "open_work"),
        ("twice", "anonymised"),
        ("no_reason", "reason"),
    ],
)
def test_anonymising_is_refused_with_a_reason(admin_user, case, code):
    admin = admin_user
    person = UserFactory(username="leaver")
    reason = "Left"
    if case == "self":
        person = admin
    elif case == "open_work":
        person = UserFactory(username="rm-leaving", relationship_manager=True)
        AreaAssignmentFactory(user=person)
    elif case == "twice":
        person_anonymise(person=person, actor=admin, reason=reason)
    elif case == "no_reason":
        reason = "  "
    with pytest.raises(ValidationError) as exc:
        person_anonymise(person=person, actor=admin, reason=reason)
    assert (
        exc.value.error_dict["reason"][0].code == code
        if case == "no_reason"
        else (exc.value.code == code)
    )


@pytest.mark.parametrize("role,status", WHO_MAY_SEE)
def test_the_personal_data_page_is_for_admins_only(db, client_for, role, status):
    person = UserFactory(username="subject")
    viewer = UserFactory(username=f"viewer-{role}", role=role)
    response = client_for(viewer).get(reverse("person_data", args=[person.pk]))
    assert response.status_code == status
    for name in ("person_data_download", "person_anonymise"):
        posted = client_for(viewer).post(reverse(name, args=[person.pk]), {"reason": "Left"})
        assert posted.status_code == (200 if status == 200 else 404)


def test_export_and_anonymise_ask_for_confirmation_first(db, client_for, admin_user):
    person = UserFactory(username="subject", first_name="Ada", last_name="Lovelace")
    client = client_for(admin_user)
    url = reverse("person_data_download", args=[person.pk])
    asked = client.post(url)
    assert b"Confirm:" in asked.content and asked["Content-Type"].startswith("text/html")
    assert not ActivityEntry.objects.filter(verb="person.data_exported").exists()
    done = client.post(url, {"confirm": "1"})
    assert done["Content-Type"] == "application/zip"
    assert "accounts_profile.json" in _zip(done.content)

    url = reverse("person_anonymise", args=[person.pk])
    asked = client.post(url, {"reason": "Left in May"})
    assert b"Confirm:" in asked.content
    person.refresh_from_db()
    assert person.first_name == "Ada"
    done = client.post(url, {"reason": "Left in May", "confirm": "1"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.get_full_name() == f"Former user {person.pk}"


def test_privacy_page_is_public_linked_from_every_page_and_shows_the_retention(client, settings):
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    assert f'href="{reverse("privacy")}"' in response.content.decode()
    assert "Sign-in sessions" in response.content.decode()
    settings.RETENTION = {"sessions": 3, "notifications": 180}
    html = client.get(reverse("privacy")).content.decode()
    assert "3 days" in html and "180 days" in html
    assert "Uploaded import files" not in html
