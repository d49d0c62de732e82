"""The shared confirmation step (core/confirm.py)."""

from django.test import RequestFactory

from core.confirm import Effect, confirmation_page, confirmed, people_told


def test_only_a_post_with_confirm_1_counts():
    rf = RequestFactory()
    assert confirmed(rf.post("/x/", {"confirm": "1"}))
    assert not confirmed(rf.post("/x/", {"decision": "admit"}))
    assert not confirmed(rf.post("/x/", {"confirm": "yes"}))
    assert not confirmed(rf.get("/x/", {"confirm": "1"}))


def test_the_page_replays_the_answers_and_lists_each_effect_by_kind(admin_user):
    request = RequestFactory().post("/act/", {"reasons": 'Say "why"', "payment": ["1", "2"]})
    request.user = admin_user
    request._messages = []
    response = confirmation_page(
        request,
        title="do it",
        effects=[Effect.money("Pays £5.00."), None, Effect.lock("Locks the plan.")],
        button="Do it",
        back_url="/back/",
    )
    page = response.content.decode()
    assert 'action="/act/"' in page
    assert 'name="reasons" value="Say &quot;why&quot;"' in page
    assert page.count('name="payment"') == 2
    assert "Pays £5.00." in page and "Locks the plan." in page
    assert "Money" in page and "Locks" in page
    assert 'name="confirm" value="1"' in page
    assert 'href="/back/"' in page


def test_people_told_names_the_recipients(django_user_model):
    users = [
        django_user_model(username=f"u{i}", first_name=f"Person{i}", is_active=True)
        for i in range(5)
    ]
    effect = people_told(users, what="the news")
    assert effect.kind == "email"
    assert effect.text.startswith("Person0, Person1, Person2 and 2 others will be told")
    assert people_told([], what="x") is None
