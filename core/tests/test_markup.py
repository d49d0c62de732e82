"""The pieces lists use to write their rows in Python (core/markup.py) give what templates give:
the same escaping, the same addresses and the same dates."""

import datetime
import zoneinfo

from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.markup import day, e, path_to


def test_escaping_is_the_templates_own():
    for text in ["<b>\"Tom\" & 'Jerry'</b>", "plain", 42]:
        assert e(text) == escape(text) == Template("{{ t }}").render(Context({"t": text}))


def test_an_address_with_an_id_is_the_one_reverse_gives():
    for name, pk in [("grants:award_detail", 7), ("grants:payment_pay", 123456)]:
        assert path_to(name, pk) == reverse(name, args=[pk])
    assert path_to("grants:award_detail", 1) != path_to("grants:award_detail", 11)


def test_a_day_reads_as_the_date_filter_writes_it(settings):
    assert day(datetime.date(2026, 3, 5)) == "5 Mar 2026"
    # Late in the evening of 31 May UTC is already 1 June in London (summer time).
    moment = datetime.datetime(2026, 5, 31, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    with timezone.override("Europe/London"):
        rendered = Template('{{ m|date:"j M Y" }}').render(Context({"m": moment}))
        assert day(moment) == rendered == "1 Jun 2026"
