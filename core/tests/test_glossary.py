"""The glossary (issue 25): one page of the programme's terms, each with an anchor, and a tag that
links a term where a newcomer meets it ("Going Further" and "Breaking New Ground" appeared
unexplained)."""

import html

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse

from core.glossary import TERMS, find

pytestmark = pytest.mark.django_db

EXPECTED_ANCHORS = {
    "Getting Ready": "getting-ready",
    "Getting Going": "getting-going",
    "Going Further": "going-further",
    "Breaking New Ground": "breaking-new-ground",
    "Making it Happen": "making-it-happen",
    "Stage gate": "stage-gate",
    "Logic model": "logic-model",
    "Cost benefit analysis": "cost-benefit-analysis",
    "Operational plan": "operational-plan",
    "Co-sign": "co-sign",
    "Match funding": "match-funding",
    "Progress return": "progress-return",
    "Relationship manager": "relationship-manager",
    "Lead organisation": "lead-organisation",
    "Four eyes": "four-eyes",
}


def test_the_page_is_public_and_defines_every_term_at_its_anchor(client):
    response = client.get(reverse("glossary"))
    assert response.status_code == 200
    page = response.content.decode()
    for name, anchor in EXPECTED_ANCHORS.items():
        assert f'id="{anchor}"' in page, name
        assert f">{name}</h2>" in page, name
    for term in TERMS:
        assert html.escape(term.definition) in page, term.name
    assert "top-up grant" in page  # what Going Further and Breaking New Ground are
    assert len({t.slug for t in TERMS}) == len(TERMS)


def test_the_footer_links_the_glossary(client):
    assert f'href="{reverse("glossary")}"' in client.get(reverse("privacy")).content.decode()


def test_the_term_tag_links_a_term_to_its_entry_with_its_meaning():
    rendered = Template('{% load core_tags %}{% term "CBA" %} {% term "Going Further" %}').render(
        Context()
    )
    cba = find("cost benefit analysis")
    assert (
        f'<a class="term" href="/glossary/#cost-benefit-analysis" title="{html.escape(cba.short)}">'
        "CBA</a>"
    ) in rendered
    assert 'href="/glossary/#going-further"' in rendered


def test_an_unknown_term_fails_loudly_and_the_filter_leaves_other_words_alone():
    with pytest.raises(TemplateSyntaxError):
        Template('{% load core_tags %}{% term "Getting Lost" %}').render(Context())
    template = Template("{% load core_tags %}{{ a|as_term }} / {{ b|as_term }}")
    rendered = template.render(Context({"a": "Getting Going", "b": "Implementation phase"}))
    assert 'href="/glossary/#getting-going"' in rendered
    assert rendered.endswith("/ Implementation phase")


def test_key_pages_link_their_terms(client_for, programme_manager, lead_user, area):
    from applications.tests.factories import GateFactory

    gate = GateFactory(area=area, target_stage="going_further")
    page = client_for(programme_manager).get(area.get_absolute_url()).content.decode()
    assert f'href="/glossary/#{area.get_stage_display().lower().replace(" ", "-")}"' in page
    assert 'href="/glossary/#going-further"' in page  # the top-up gate, explained
    page = client_for(programme_manager).get(gate.get_absolute_url()).content.decode()
    assert 'href="/glossary/#going-further"' in page
    form = client_for(lead_user).get(reverse("applications:gate_new", args=[area.reference]))
    text = form.content.decode()
    assert 'href="/glossary/#going-further"' in text
    assert 'href="/glossary/#breaking-new-ground"' in text
    workspace = client_for(lead_user).get(reverse("plans:workspace", args=[area.reference]))
    assert 'href="/glossary/#logic-model"' in workspace.content.decode()
