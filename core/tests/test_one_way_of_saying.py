"""One name and one format where the code used several (issue 21): the person making a move is
`actor` in every service, and money is written by `core.money.pounds` alone. Read from the source
with `ast`, so a new service or a new hand-written amount fails here."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIP = {".venv", "node_modules", "migrations", "tests", "tests_browser", "tests_access", "bench"}

# Services whose `user` is not the person acting but the person the call is about.
USER_IS_THE_SUBJECT = {
    "accounts/services.py": {"user_sessions_end"},  # whose sessions end
    "activity/services.py": {  # whose inbox and preferences
        "notification_url",
        "notification_mark_read",
        "notifications_open_page",
        "notifications_mark_all_read",
        "notification_preferences",
        "notification_preferences_set",
    },
    "messaging/services.py": {"thread_mark_read"},  # who has read the thread
    "support/services.py": {
        "assignment_change"
    },  # the relationship manager assigned (`actor` acts)
    "surveys/services/surveys.py": {"invitation_create"},  # the account invited
}


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts)
        if not parts & SKIP:
            yield path.relative_to(ROOT).as_posix(), path


def _is_service_module(name: str) -> bool:
    return (
        name.endswith("services.py")
        or "/services/" in name
        or name.endswith(("jobs.py", "report_jobs.py", "payment_moves.py"))
    )


def test_every_service_calls_the_person_acting_actor():
    found = []
    for name, path in _sources():
        if not _is_service_module(name):
            continue
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith(("_", "can_")):
                continue
            args = node.args.args + node.args.kwonlyargs
            takes_user = any(a.arg == "user" for a in args)
            if takes_user and node.name not in USER_IS_THE_SUBJECT.get(name, set()):
                found.append(f"{name}: {node.name}(user=...)")
    assert found == [], "Call the person acting `actor`:\n" + "\n".join(found)


def test_the_exceptions_still_exist():
    # A stale exception would hide the next service that takes `user`.
    for name, functions in USER_IS_THE_SUBJECT.items():
        defined = {n.name for n in ast.parse((ROOT / name).read_text()).body if hasattr(n, "name")}
        assert functions <= defined, (name, functions - defined)


HAND_MONEY = re.compile(r"£\{[^}]*:,\.2f\}")


def test_money_is_written_by_pounds_alone():
    found = []
    for name, path in _sources():
        if name == "core/money.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if HAND_MONEY.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == [], "Use core.money.pounds:\n" + "\n".join(found)
