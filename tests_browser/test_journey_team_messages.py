"""Issue 14's self-service team and messages in a real browser: a lead organisation user invites
a colleague, who follows the emailed link, sets a password, signs in and sees the area; the lead
writes to the programme team and the area's relationship manager reads it and replies."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import AreaAssignment, OrganisationMembership
from messaging.models import Message
from programmes.models import Area

from .conftest import login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
COLLEAGUE_PASSWORD = "green-allotment-kettle-42"


def test_lead_invites_a_colleague_who_signs_in_and_sees_the_area(
    page, browser, live_server, demo_data, eager_tasks, settings
):
    settings.SITE_URL = live_server.url
    area = Area.objects.get(reference="R2-041")
    mail.outbox.clear()

    login(page, "lead")
    page.get_by_role("link", name="Team").click()
    # "lead" belongs to two organisations: the menu's Team page lists them.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your teams")
    page.get_by_role("link", name=area.lead_organisation.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{area.lead_organisation.name}: team"
    )
    page.get_by_label("Colleague's email address").fill("nia.jones@example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Invitation sent to nia.jones@example.org"
    )
    expect(page.get_by_role("cell", name="nia.jones@example.org", exact=True)).to_be_visible()
    screenshot(page, "team-invited")

    invitation = [m for m in mail.outbox if m.to == ["nia.jones@example.org"]]
    assert len(invitation) == 1
    link = re.search(r"https?://\S+/accounts/invitations/\S+/", invitation[0].body).group(0)
    assert link.startswith(live_server.url)

    colleague = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    colleague.goto(urlsplit(link).path)
    expect(colleague.get_by_role("heading", level=1)).to_contain_text("Join")
    colleague.get_by_label("First name").fill("Nia")
    colleague.get_by_label("Last name").fill("Jones")
    colleague.get_by_label("Username").fill("nia")
    colleague.locator("#id_password1").fill(COLLEAGUE_PASSWORD)
    colleague.locator("#id_password2").fill(COLLEAGUE_PASSWORD)
    screenshot(colleague, "team-accept")
    colleague.get_by_role("button", name="Set my password and sign in").click()
    expect(colleague.get_by_role("status").first).to_contain_text("Welcome to")
    assert OrganisationMembership.objects.filter(
        user__username="nia", organisation=area.lead_organisation
    ).exists()

    # The password works on its own: sign out and in again, then open the area.
    logout(colleague)
    login(colleague, "nia", COLLEAGUE_PASSWORD)
    colleague.goto(area.get_absolute_url())
    expect(colleague.get_by_role("heading", level=1)).to_have_text(area.name)

    # The link worked once.
    colleague.goto(urlsplit(link).path)
    expect(colleague.get_by_role("alert")).to_contain_text("used already")
    colleague.context.close()


def test_lead_writes_and_the_relationship_manager_replies(page, browser, live_server, demo_data):
    area = Area.objects.get(reference="R2-041")
    rm = AreaAssignment.objects.get(area=area, ended_on__isnull=True).user
    note = Message.objects.get(area=area, kind="note").body

    login(page, "lead")
    page.goto(area.get_absolute_url())
    page.get_by_role("link", name="Open the conversation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Messages about")
    assert note[:40] not in page.content()
    page.get_by_label("Message").fill("Could we move Thursday's call to Friday morning?")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status").first).to_contain_text("Message sent")
    expect(page.locator(".message").last).to_contain_text("move Thursday's call")

    staff = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    login(staff, rm.username)
    staff.goto(area.get_absolute_url())
    panel = staff.locator("#messages")
    expect(panel).to_contain_text("new")
    expect(panel).to_contain_text("move Thursday's call")
    screenshot(staff, "messages-area-panel-rm")
    panel.get_by_role("link", name="Open the conversation").click()
    expect(staff.locator("#notes")).to_contain_text(note[:40])
    staff.get_by_label("Message").fill("Friday at 10 is fine. Talk then.")
    staff.get_by_role("button", name="Send message").click()
    expect(staff.get_by_role("status").first).to_contain_text("Message sent")
    screenshot(staff, "messages-thread-rm")
    staff.context.close()

    page.goto(area.get_absolute_url())
    expect(page.locator("#messages")).to_contain_text("1 new")
    expect(page.locator("#messages")).to_contain_text("Friday at 10 is fine.")
    # The timeline shows the conversation too, never the staff note.
    expect(page.locator("section:has(#h-timeline) ul.timeline")).to_contain_text("wrote to")
    assert note[:40] not in page.content()
