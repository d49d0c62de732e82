from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template

from core.testing import EVERYONE, RoleTable, walk_expected
from core.workflow import SYSTEM, Move, MoveRefused, State, Workflow


def _user(role, *, active=True, superuser=False):
    return SimpleNamespace(
        role=role,
        is_authenticated=True,
        is_active=active,
        is_superuser=superuser,
        is_programme_staff=role != "lead",
    )


ANON = SimpleNamespace(is_authenticated=False, is_active=False, is_superuser=False)

DOOR = Workflow(
    name="test-door",
    noun="A door",
    states=[
        State("shut", "Shut", "Closed to you", tone="secondary"),
        State("open", "Open", tone="success"),
        State("locked", "Locked", tone="dark"),
    ],
    moves=[
        Move("shut", "open", who=frozenset({"keeper", "admin"}), label="Open"),
        Move("open", "shut", who=frozenset({SYSTEM}), label="Close"),
        Move(
            "shut",
            "locked",
            who=lambda user, ctx: user.role == "keeper" and not ctx.get("someone_inside"),
            who_text="a keeper with nobody inside",
            label="Lock",
            guard=lambda ctx: "It is daytime." if ctx.get("daytime") else None,
        ),
    ],
    role_labels={"keeper": "Keeper", "admin": "Admin"},
)


def test_labels_tones_and_choices_come_from_the_states():
    assert DOOR.choices == [("shut", "Shut"), ("open", "Open"), ("locked", "Locked")]
    assert DOOR.label("shut") == "Shut"
    assert DOOR.label("shut", for_applicant=True) == "Closed to you"
    assert DOOR.label("open", for_applicant=True) == "Open"  # falls back to the staff label
    assert DOOR.tone("locked") == "dark"
    Status = DOOR.text_choices("DoorStatus")
    assert Status.SHUT == "shut" and Status.SHUT.label == "Shut" and Status.values[-1] == "locked"


def test_an_unlisted_move_is_refused_with_the_states_named():
    with pytest.raises(MoveRefused) as refused:
        DOOR.check("locked", "open", _user("keeper"))
    assert str(refused.value) == "A door that is locked cannot become open."
    assert refused.value.why == "state"
    # One exception that both kinds of caller understand.
    assert isinstance(refused.value, ValidationError)
    assert isinstance(refused.value, PermissionDenied)
    assert refused.value.messages == ["A door that is locked cannot become open."]


def test_a_move_by_the_wrong_role_says_who_may():
    with pytest.raises(MoveRefused) as refused:
        DOOR.check("shut", "open", _user("visitor"))
    assert refused.value.reason == "Only admins, keepers can open at this point."
    assert refused.value.why == "role"


def test_inactive_and_anonymous_users_have_no_role_but_superusers_are_admins():
    with pytest.raises(MoveRefused):
        DOOR.check("shut", "open", _user("keeper", active=False))
    with pytest.raises(MoveRefused):
        DOOR.check("shut", "open", ANON)
    assert DOOR.check("shut", "open", _user("visitor", superuser=True)).target == "open"


def test_predicates_and_guards_use_the_context():
    keeper = _user("keeper")
    assert DOOR.allows("shut", "locked", keeper) == (True, "")
    allowed, reason = DOOR.allows("shut", "locked", keeper, someone_inside=True)
    assert not allowed and reason == "Only a keeper with nobody inside can lock at this point."
    with pytest.raises(MoveRefused) as refused:
        DOOR.check("shut", "locked", keeper, daytime=True)
    assert refused.value.why == "condition" and refused.value.reason == "It is daytime."


def test_check_takes_an_object_with_a_status():
    door = SimpleNamespace(status="shut")
    assert DOOR.check(door, "open", _user("admin")).label == "Open"


def test_buttons_never_include_system_moves_or_refused_ones():
    keeper = _user("keeper")
    assert [m.target for m in DOOR.moves_for("shut", keeper)] == ["open", "locked"]
    assert [m.target for m in DOOR.moves_for("shut", keeper, daytime=True)] == ["open"]
    assert DOOR.moves_for("open", keeper) == []  # closing is the system's move
    assert DOOR.check("open", "shut", None).target == "shut"


def test_a_table_naming_an_unknown_state_is_refused_at_import():
    with pytest.raises(ValueError, match="no state"):
        Workflow(name="bad", noun="X", states=[State("a", "A")], moves=[Move("a", "b")])
    with pytest.raises(ValueError, match="tone"):
        State("a", "A", tone="green")


DOOR_TABLE = RoleTable(
    workflow="test-door",
    states=("shut", "open", "locked"),
    moves={
        ("shut", "open"): {"keeper", "admin"},
        ("open", "shut"): {EVERYONE},
        ("shut", "locked"): {"keeper"},
    },
)


def test_walk_expected_checks_every_case_against_the_table():
    people = {r: _user(r) for r in ("keeper", "admin", "visitor")}
    assert walk_expected(DOOR, DOOR_TABLE, people) == 3 * 3 * 3
    # The table can say that a guard stops a move in the context walked.
    daytime = RoleTable(
        workflow="test-door",
        states=DOOR_TABLE.states,
        moves=DOOR_TABLE.moves,
        refused_by_condition=frozenset({("shut", "locked")}),
    )
    assert walk_expected(DOOR, daytime, people, daytime=True) == 27


@pytest.mark.parametrize(
    "moves, disagreement",
    [
        # A role the workflow allows that the table does not name.
        (
            {
                ("shut", "open"): {"keeper"},
                ("open", "shut"): {EVERYONE},
                ("shut", "locked"): {"keeper"},
            },
            "shut -> open by admin: the table says refused (role), the workflow says allowed",
        ),
        # A role the table names that the workflow refuses.
        (
            {
                ("shut", "open"): {"keeper", "admin", "visitor"},
                ("open", "shut"): {EVERYONE},
                ("shut", "locked"): {"keeper"},
            },
            "shut -> open by visitor: the table says allowed, the workflow says refused (role)",
        ),
        # A move the workflow has that the table leaves out.
        (
            {("shut", "open"): {"keeper", "admin"}, ("open", "shut"): {EVERYONE}},
            "shut -> locked by keeper: the table says refused (state), the workflow says allowed",
        ),
        # A move the table lists that the workflow does not have.
        (
            {**DOOR_TABLE.moves, ("locked", "open"): {"keeper"}},
            "locked -> open by keeper: the table says allowed, the workflow says refused (state)",
        ),
    ],
)
def test_walk_expected_fails_when_the_workflow_and_the_table_disagree(moves, disagreement):
    people = {r: _user(r) for r in ("keeper", "admin", "visitor")}
    table = RoleTable(workflow="test-door", states=DOOR_TABLE.states, moves=moves)
    with pytest.raises(AssertionError) as failed:
        walk_expected(DOOR, table, people)
    assert disagreement in str(failed.value)


def test_walk_expected_refuses_a_table_that_does_not_fit_the_workflow():
    people = {r: _user(r) for r in ("keeper", "admin")}
    wrong_states = RoleTable(workflow="test-door", states=("shut", "open"), moves={})
    with pytest.raises(AssertionError, match="states: the table has"):
        walk_expected(DOOR, wrong_states, people)
    unknown_person = RoleTable(
        workflow="test-door", states=DOOR_TABLE.states, moves={("shut", "open"): {"porter"}}
    )
    with pytest.raises(AssertionError, match="nobody in the walk is called"):
        walk_expected(DOOR, unknown_person, people)


def test_status_badge_uses_the_workflow_label_and_tone():
    html = Template(
        '{% load core_tags %}{% status_badge "shut" workflow="test-door" %}'
        '{% status_badge "shut" workflow="test-door" applicant=True %}{% badge "Overdue" "danger" %}'
    ).render(Context({"user": _user("keeper")}))
    assert '<span class="badge text-bg-secondary">Shut</span>' in html
    assert '<span class="badge text-bg-secondary">Closed to you</span>' in html
    assert '<span class="badge text-bg-danger">Overdue</span>' in html
    lead_view = Template(
        '{% load core_tags %}{% status_badge "shut" workflow="test-door" %}'
    ).render(Context({"user": _user("lead")}))
    assert "Closed to you" in lead_view


def test_pounds():
    html = Template("{% load core_tags %}{{ a|pounds }} {{ b|pounds }} [{{ c|pounds }}]").render(
        Context({"a": "1234.5", "b": -5, "c": None})
    )
    assert html == "£1,234.50 -£5.00 []"
