"""Every workflow of the project has a table of who may make each move, written out by hand in a
test (``core.testing.RoleTable``, walked by ``walk_expected``), so that changing a rule fails a
test. A new workflow without a table fails here.

The workflows are found in the source, not in a hand-kept list: every call of ``Workflow(...)``
in the project's code (tests and migrations aside), imported from the module that makes it. The
tables are every module-level ``RoleTable`` of the project's test modules.
"""

import ast
import importlib
from pathlib import Path

from core.testing import RoleTable
from core.workflow import REGISTRY, Workflow

ROOT = Path(__file__).resolve().parents[2]
NOT_APPS = {"bench", "static", "templates", "var", "node_modules"}


def _apps(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.iterdir()
        if p.is_dir()
        and (p / "__init__.py").exists()
        and p.name not in NOT_APPS
        and not p.name.startswith(".")
    )


def _module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_test_or_migration(root: Path, path: Path) -> bool:
    parts = path.relative_to(root).parts
    return "tests" in parts or "migrations" in parts or path.name.startswith("test_")


def _calls_workflow(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Name) and f.id == "Workflow") or (
                isinstance(f, ast.Attribute) and f.attr == "Workflow"
            ):
                return True
    return False


def declared_workflows(root: Path = ROOT) -> dict[str, str]:
    """Workflow name -> the module that declares it, for every module of the project's code that
    calls ``Workflow(...)``."""
    found = {}
    for app in _apps(root):
        for path in sorted(app.rglob("*.py")):
            if _is_test_or_migration(root, path):
                continue
            if not _calls_workflow(ast.parse(path.read_text(), filename=str(path))):
                continue
            module = importlib.import_module(_module_name(root, path))
            for value in vars(module).values():
                if isinstance(value, Workflow):
                    found[value.name] = module.__name__
    return found


def written_tables(root: Path = ROOT) -> dict[str, list[str]]:
    """Workflow name -> the test modules with a table for it."""
    found: dict[str, list[str]] = {}
    for app in _apps(root):
        for path in sorted(app.rglob("test_*.py")):
            if "RoleTable(" not in path.read_text():
                continue
            module = importlib.import_module(_module_name(root, path))
            for value in vars(module).values():
                if isinstance(value, RoleTable) and module.__name__ not in found.get(
                    value.workflow, []
                ):
                    found.setdefault(value.workflow, []).append(module.__name__)
    return found


def test_every_workflow_in_the_project_has_a_table_of_who_may_make_each_move():
    declared = declared_workflows()
    tables = written_tables()
    missing = {name: module for name, module in declared.items() if name not in tables}
    assert not missing, (
        "Each workflow needs a RoleTable in its app's tests, written out by hand and walked with "
        "core.testing.walk_expected, so that changing who may make a move fails a test. "
        "Without a table:\n"
        + "\n".join(f"  {name} (declared in {module})" for name, module in sorted(missing.items()))
    )
    # A table names its workflow by name: one for a name no workflow has (a typo, a renamed
    # workflow) walks nothing the project runs. (Workflows made in tests are in the registry too.)
    strays = sorted(set(tables) - set(REGISTRY))
    assert not strays, f"Tables for workflows that do not exist: {strays}"


def test_every_table_module_walks_its_tables():
    """A table nobody walks proves nothing: each module that writes one calls walk_expected."""
    lazy = [
        module
        for modules in written_tables().values()
        for module in modules
        if "walk_expected(" not in (ROOT / (module.replace(".", "/") + ".py")).read_text()
    ]
    assert not lazy, f"These modules write tables but never walk them: {sorted(set(lazy))}"


def test_the_search_finds_a_new_workflow_and_its_missing_table(tmp_path, monkeypatch):
    """In a made-up project, a workflow declared anywhere in an app's code is found, and so is
    the table for it; a workflow in a test module is not the project's."""
    files = {
        "kennel/__init__.py": "",
        "kennel/rota.py": "from core.workflow import Move, State, Workflow\n"
        "DOG = Workflow(name='test-kennel-dog', noun='A dog',\n"
        "    states=[State('in', 'In'), State('out', 'Out')],\n"
        "    moves=[Move('in', 'out', who=frozenset({'keeper'}))])\n",
        "kennel/tests/__init__.py": "",
        "kennel/tests/test_rota.py": "from core import workflow\n"
        "CAT = workflow.Workflow(name='test-kennel-cat', noun='A cat', states=[], moves=[])\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert declared_workflows(tmp_path) == {"test-kennel-dog": "kennel.rota"}
    assert written_tables(tmp_path) == {}

    (tmp_path / "kennel/tests/test_rota_table.py").write_text(
        "from core.testing import RoleTable, walk_expected\n"
        "DOG_TABLE = RoleTable(workflow='test-kennel-dog', states=('in', 'out'),\n"
        "    moves={('in', 'out'): {'keeper'}})\n"
    )
    assert written_tables(tmp_path) == {"test-kennel-dog": ["kennel.tests.test_rota_table"]}


def test_the_search_finds_the_workflows_the_project_is_known_to_have():
    # If the search went blind (a moved folder, a changed call), the first test would pass on an
    # empty set; these eleven were there when this test was written.
    known = {
        "application",
        "gate",
        "area",
        "plan",
        "offer",
        "payment",
        "commitment",
        "return",
        "adviser_day",
        "survey",
        "survey_response",
    }
    assert known <= set(declared_workflows())
