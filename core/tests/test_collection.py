"""`make test` runs every app's tests: nothing in pytest.ini leaves an app of the project out.

Issue 21: a hand-kept `testpaths` list left out surveys and messaging, so their 47 tests never ran
in `make test` or CI, and nothing noticed."""

from fnmatch import fnmatch
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR).resolve()


def _project_test_folders() -> list[Path]:
    """tests/ of every installed app whose code lives in this repository, and the suite's own
    top-level folders (tests_access/, tests_browser/)."""
    folders = [
        Path(app.path).resolve() / "tests"
        for app in apps.get_app_configs()
        if Path(app.path).resolve().is_relative_to(BASE_DIR)
    ]
    folders += BASE_DIR.glob("tests_*")
    return sorted(folder for folder in folders if any(folder.rglob("test_*.py")))


def _collected_by_default(folder: Path, config) -> bool:
    """Whether `pytest` with no arguments, from the repository, would look in `folder`."""
    testpaths = [(BASE_DIR / path).resolve() for path in config.getini("testpaths")]
    if testpaths and not any(folder.is_relative_to(path) for path in testpaths):
        return False
    parts = folder.relative_to(BASE_DIR).parts
    return not any(
        fnmatch(part, pattern) for part in parts for pattern in config.getini("norecursedirs")
    )


def test_every_app_with_tests_is_collected(pytestconfig):
    folders = _project_test_folders()
    assert BASE_DIR / "surveys" / "tests" in folders  # the check sees the apps it must
    left_out = [
        str(f.relative_to(BASE_DIR)) for f in folders if not _collected_by_default(f, pytestconfig)
    ]
    assert not left_out, f"pytest.ini leaves out {left_out}"


def test_a_run_of_the_whole_suite_collected_every_app(request, pytestconfig):
    """When this run is the whole suite (`make test`: no paths given), each of those folders gave
    it tests."""
    if [Path(arg).resolve() for arg in pytestconfig.args] != [BASE_DIR]:
        return  # a run of some tests only: the configuration check above still holds
    if pytestconfig.option.markexpr or pytestconfig.option.keyword:
        return  # a selection (CI's embedded-default pass is `-m "not browser"`): the same
    seen = {Path(str(item.path)).resolve() for item in request.session.items}
    empty = [
        str(folder.relative_to(BASE_DIR))
        for folder in _project_test_folders()
        if not any(path.is_relative_to(folder) for path in seen)
    ]
    assert not empty, f"no tests collected from {empty}"
