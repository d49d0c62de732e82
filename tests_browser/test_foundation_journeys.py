"""Journeys through the foundation pages in a real browser, as the demo users."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from accounts.navigation import nav_for
from activity.models import ActivityEntry
from programmes.models import Area, AreaStage, AreaStatus, Organisation
from programmes.selectors import current_round

from .conftest import flash, login, logout, screenshot

pytestmark = [
    pytest.mark.browser,
    # Each test flushes the database afterwards; serialized rollback restores the themes the
    # migrations seeded before the next one loads the demo data.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _path(page):
    return re.sub(r"^https?://[^/]+", "", page.url).split("#", 1)[0]


def test_each_demo_user_lands_on_their_start_page_with_their_menu(page, demo_data):
    for username in ("pm", "funder", "rm", "lead", "admin"):
        user = User.objects.get(username=username)
        login(page, username)

        # Everyone starts on My work.
        assert _path(page).split("?", 1)[0] == reverse("mywork")
        expect(page.get_by_role("heading", level=1)).to_have_text("My work")
        menu = page.get_by_role("navigation", name="Main navigation")
        expect(menu).to_contain_text(user.get_full_name())
        expected = nav_for(user)
        assert expected, f"{username} has no menu"
        for item in expected:
            if "children" in item:
                toggle = menu.locator("a.nav-link.dropdown-toggle", has_text=item["label"])
                expect(toggle).to_have_count(1)
                for link in item["children"]:
                    expect(menu.locator(f'a.dropdown-item[href="{link["url"]}"]')).to_have_text(
                        link["label"]
                    )
            elif item.get("count_url"):
                # The label, then the count the menu loads after the page.
                expect(menu.locator(f'a.nav-link[href="{item["url"]}"]')).to_have_text(
                    re.compile(rf"^{item['label']}\b")
                )
            else:
                expect(menu.locator(f'a.nav-link[href="{item["url"]}"]')).to_have_text(
                    item["label"]
                )
        own_areas = menu.locator(f'a[href="{reverse("programmes:my_areas")}"]')
        all_areas = menu.locator(f'a[href="{reverse("programmes:area_list")}"]')
        organisations = menu.locator(f'a[href="{reverse("programmes:organisation_list")}"]')
        if username == "lead":
            expect(own_areas).to_have_text("My areas")
            expect(all_areas).to_have_count(0)
            expect(organisations).to_have_count(0)
        else:
            expect(own_areas).to_have_count(0)
            expect(all_areas).to_have_text("Areas")
            expect(organisations).to_have_text("Organisations")

        logout(page)
        expect(page.get_by_role("heading", name="Sign in to Our Place")).to_be_visible()


def test_programme_manager_filters_sorts_and_opens_an_area(page, demo_data):
    # The list opens on the current round's areas still in the programme (issue 25), and its
    # filter form starts from there.
    going = Area.objects.filter(
        stage=AreaStage.GETTING_GOING, round=current_round(), status=AreaStatus.ACTIVE
    ).prefetch_related("themes")
    theme = going.first().themes.first()
    expected = sorted(
        going.filter(themes=theme).distinct().values_list("name", flat=True), key=str.lower
    )

    login(page, "pm")
    page.goto(reverse("programmes:area_list"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Areas")
    screenshot(page, "area_list")

    filters = page.get_by_role("form", name="Filter areas")
    filters.get_by_label("Stage").select_option(label="Getting Going")
    filters.get_by_label("Theme").select_option(label=theme.name)
    filters.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{len(expected)} found")

    page.get_by_role("columnheader", name="Area", exact=True).get_by_role("link").click()
    page.wait_for_url(re.compile(r"sort=name"))
    assert "stage=getting_going" in page.url and f"theme={theme.slug}" in page.url
    names = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert names == sorted(names, key=str.lower)
    assert sorted(names, key=str.lower) == expected[:25]
    screenshot(page, "area_list_filtered")

    first = Area.objects.get(name=names[0], stage=AreaStage.GETTING_GOING)
    page.get_by_role("link", name=first.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.name)
    partners = page.get_by_role("region", name="Partners")
    for partner in first.partners.select_related("organisation"):
        expect(partners).to_contain_text(partner.organisation.name)
    latest = ActivityEntry.objects.filter(area=first).first()
    assert latest is not None, "the demo area has no history"
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(latest.summary)
    screenshot(page, "area_detail")


def test_lead_user_manages_their_area_and_cannot_reach_others(page, demo_data):
    lead = User.objects.get(username="lead")
    mine = Area.objects.filter(lead_organisation__memberships__user=lead).order_by("reference")
    area = mine.first()
    elsewhere = Area.objects.exclude(pk__in=mine).order_by("reference").first()

    login(page, "lead")
    assert _path(page) == reverse("mywork")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="My areas"
    ).click()
    assert _path(page) == reverse("programmes:my_areas")
    expect(page.get_by_role("heading", name="My areas")).to_be_visible()
    for own in mine:
        card_link = page.get_by_role("heading", name=own.name, exact=True).get_by_role("link")
        expect(card_link).to_have_attribute("href", own.get_absolute_url())
    screenshot(page, "my_areas")

    # Open the area and add a partner that is new to the programme.
    page.get_by_role("heading", name=area.name, exact=True).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(area.name)
    page.get_by_role("link", name="Add a partner").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add a partner")
    screenshot(page, "partner_add")
    page.get_by_label("Or a new organisation's name").fill("Harehills Youth Project")
    page.get_by_label("New organisation's type").select_option(label="VCS body")
    page.get_by_label("Partner type").select_option(label="Voluntary or community group")
    page.get_by_label("Involvement").select_option(label="Actively involved")
    page.get_by_role("button", name="Save partner").click()

    expect(flash(page)).to_contain_text("Harehills Youth Project added as a partner")
    expect(page.get_by_role("region", name="Partners")).to_contain_text("Harehills Youth Project")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(
        "Added partner Harehills Youth Project"
    )
    screenshot(page, "area_detail_lead")

    # Add a partner the programme already knows from elsewhere, found by searching its name (the
    # list starts with organisations from the area's own local authority only).
    known = (
        Organisation.objects.exclude(led_areas__local_authority=area.local_authority)
        .exclude(partnerships__area__local_authority=area.local_authority)
        .filter(org_type="local_authority")
        .order_by("name")
        .first()
    )
    page.get_by_role("link", name="Add a partner").click()
    picker = page.get_by_label("Organisation", exact=True)
    expect(picker.locator(f'option[value="{known.pk}"]')).to_have_count(0)
    page.get_by_label("Find an organisation").fill(known.name)
    expect(picker.locator(f'option[value="{known.pk}"]')).to_have_count(1)
    picker.select_option(label=known.name)
    page.get_by_label("Partner type").select_option(label="Local authority")
    page.get_by_role("button", name="Save partner").click()
    expect(flash(page)).to_contain_text(f"{known.name} added as a partner")

    # Edit the organisation: a bad postcode is shown next to its field and nothing is saved.
    org = area.lead_organisation
    page.get_by_role("link", name=org.name, exact=True).first.click()
    page.get_by_role("link", name="Edit details").click()
    expect(page.get_by_label("Type")).to_be_disabled()
    page.get_by_label("Postcode").fill("LS6")
    page.get_by_label("Phone").fill("0113 496 0000")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error_1_id_postcode")).to_contain_text("Enter a UK postcode")
    expect(page.get_by_label("Postcode")).to_have_class(re.compile(r"is-invalid"))
    screenshot(page, "organisation_form_error")
    org.refresh_from_db()
    assert org.phone != "0113 496 0000"

    page.get_by_label("Postcode").fill("ls6 1ab")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text(f"{org.name} saved.")
    expect(page.locator("main")).to_contain_text("LS6 1AB")
    org.refresh_from_db()
    assert (org.postcode, org.phone) == ("LS6 1AB", "0113 496 0000")

    # Another area's address gives the not-found page, and nothing about it.
    response = page.goto(elsewhere.get_absolute_url())
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(elsewhere.name)

    logout(page)
    page.goto(reverse("programmes:my_areas"))
    assert "/accounts/login/" in page.url
