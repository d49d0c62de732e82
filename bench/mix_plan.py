"""The recipe `make_data` follows: names, shares and the helpers that draw from them."""

import datetime
import random
from decimal import Decimal

ROUND_SLUG = "bench-round"
PREFIX = "BN-"
BATCH = 2000
PLACES = [
    "Northfield", "Southmead", "Eastbrook", "Westgate", "Oakwood", "Ashton", "Brierley",
    "Castleton", "Dunmore", "Elmswell", "Fairhaven", "Greystone", "Hartley", "Ivybridge",
    "Kingsmead", "Longford", "Millbrook", "Newholme", "Orchard", "Parkside", "Queensway",
    "Redhill", "Sandford", "Thornbury", "Upton", "Valley", "Whitecross", "Yarrow", "Abbeydale",
    "Birchfield", "Clayhill", "Deanfield", "Fernlea", "Gorsey", "Heathside", "Kirkby", "Lowfield",
    "Moorside", "Netherton", "Overdale", "Pinewood", "Riverside", "Stonebridge", "Townend",
    "Underhill", "Woodside", "Brookvale", "Coldharbour", "Hillcrest", "Marshlands",
]  # fmt: skip
AREA_KINDS = ["Estate", "Ward", "Village", "Neighbourhood", "Park", "Green", "Quarter"]
TOWNS = [
    "Leeds", "York", "Carlisle", "Bristol", "Norwich", "Truro", "Derby", "Hull", "Bolton",
    "Wigan", "Exeter", "Lincoln", "Durham", "Preston", "Stoke", "Luton", "Swindon", "Ipswich",
    "Redcar", "Barnsley", "Blackpool", "Torbay", "Hastings", "Margate", "Grimsby", "Crewe",
    "Telford", "Rochdale", "Oldham", "Halton", "Dudley", "Walsall", "Sefton", "Wirral",
    "Gateshead", "Sunderland", "Hartlepool", "Middlesbrough", "Doncaster", "Rotherham",
]  # fmt: skip
LOCAL_AUTHORITIES = [f"{town}{suffix}" for suffix in ("", " North", " South") for town in TOWNS]
SEARCH_TERM = PLACES[7]  # matches one area name in 50 (and their lead organisations)
# Matches one area name in 7: with a theme it still fills more than one page of the area list at
# 1,000 areas, so "theme + search" compares a full page with a full page (a rare word would give a
# short list at the small size and a full page at the large one, and look like a list not paged).
COMMON_TERM = AREA_KINDS[0]
# Where areas are now: (stage, share).
STAGE_MIX = [
    ("getting_ready", 30),
    ("getting_going", 35),
    ("implementation", 25),
    ("making_it_happen", 10),
]
# Operational plan status of areas at Getting Going: about a quarter are awaiting review.
PLAN_MIX = [
    ("draft", 30),
    ("draft_submitted", 20),
    ("final_submitted", 10),
    ("under_review", 12),
    ("pm_approved", 5),
    ("funder_approved", 3),
    ("returned", 20),
]
# Getting Going gate applications of areas still at Getting Ready.
GATE_MIX = [(None, 40), ("draft", 15), ("submitted", 30), ("rejected", 15)]
# Applications that did not (yet) become areas, per admitted one.
OTHER_APPLICATIONS = [
    ("rejected", 0.10),
    ("withdrawn", 0.04),
    ("submitted", 0.06),
    ("under_assessment", 0.04),
    ("draft", 0.02),
]


def pick(rng: random.Random, mix):
    return rng.choices([m[0] for m in mix], weights=[m[1] for m in mix])[0]


def money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def day_after(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


class Row(dict):
    """A row to insert: a dict whose keys also read as attributes (area.joined_on). Foreign keys
    take a Row, a model instance or an id; `make_data.Loader` adds the row's id."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None
