import re

from reports import charts


def test_hbar_chart_labels_every_bar_with_its_value():
    svg = charts.hbar_chart([("Getting Ready", 18), ("Getting Going", 6)], title="By stage")
    assert svg.startswith("<svg") and "<title>By stage</title>" in svg
    assert "Getting Ready" in svg and ">18<" in svg and ">6<" in svg
    assert svg.count("<rect") == 2


def test_hbar_chart_widths_are_proportional():
    svg = charts.hbar_chart([("A", 10), ("B", 5)], width=400, label_width=100)
    # plot width is 400 - 100 - 60 = 240; B is half of A.
    assert 'width="240.0"' in svg and 'width="120.0"' in svg


def test_hbar_chart_money_values_in_pounds():
    svg = charts.hbar_chart([("Awarded", 13000), ("Paid", 0)], money=True)
    assert "£13,000.00" in svg and "£0.00" in svg


def test_charts_escape_labels_and_survive_no_data():
    svg = charts.hbar_chart([("<Smith & Sons>", 0)])
    assert "&lt;Smith &amp; Sons&gt;" in svg and "<Smith" not in svg
    assert charts.hbar_chart([]).startswith("<svg")
    assert charts.grouped_bars([], []).startswith("<svg")


def test_funnel_shows_count_and_share_of_first_stage():
    svg = charts.funnel([("Applied", 40), ("Getting Going", 10)])
    assert "40 (100%)" in svg and "10 (25%)" in svg


def test_grouped_bars_have_a_legend_entry_per_series_and_round_gridlines():
    svg = charts.grouped_bars(
        ["VCS", "Parish/town"], [("Getting Ready", [7, 1]), ("Getting Going", [5, 9])]
    )
    assert "Getting Ready" in svg and "Getting Going" in svg and "Parish/town" in svg
    assert svg.count("<rect") == 4 + 2  # bars plus legend swatches
    # Highest bar is 9: gridlines step by 3 up to 12.
    assert ">12<" in svg and ">3<" in svg


def test_grouped_bars_leave_room_for_the_widest_axis_label():
    # The funding chart's axis read "00,000" where it meant "700,000": the margin was fixed.
    svg = charts.grouped_bars(["LA mainstream", "Grants"], [("Secured (£)", [700000, 120000])])
    ticks = re.findall(r'<text x="([\d.]+)"[^>]*font-size="9">([\d,]+)</text>', svg)
    assert [t for _, t in ticks] == ["0", "175,000", "350,000", "525,000", "700,000"]
    for x, text in ticks:
        # Right-aligned at x: the text's estimated width must fit left of it, inside the chart.
        assert float(x) - charts._text_width(text, 9) >= 0, text


def test_long_labels_wrap_instead_of_being_cut():
    label = "NHS / clinical commissioning group"
    svg = charts.hbar_chart([(label, 3), ("Police / probation", 1)])
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert " ".join(lines[:2]) == label
    # Every line fits the 190-pixel label column (ending 8 pixels before the bars).
    assert all(charts._text_width(line, 11) <= 190 - 8 for line in lines)


def test_stacked_bars_split_each_item_into_its_parts():
    svg = charts.stacked_hbars(
        [("Final plan submitted → Plan signed off", [1, 2, 1])], ["a", "b", "c"]
    )
    assert svg.count("<rect") == 3 + 3  # three parts plus three legend swatches
    assert ">2<" in svg
