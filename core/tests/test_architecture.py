"""Guards on the shape of the code, read from the source with `ast` (nothing is imported).

- Demo data lives in demo/ and nothing else imports it.
- No cycle of imports between apps (a cycle means none of its apps can be understood, or
  loaded, without the others). Every import counts, wherever it is: at module level, inside a
  function or method, in an if/try block, and ``importlib.import_module("app.module")`` or
  ``apps.get_model("app", ...)`` with a literal name. Only ``if TYPE_CHECKING:`` imports, which
  never run, do not. An import moved into a function still makes the arrow; it only hides it.
- No file over 600 lines and no function over 80 lines.

Cycles that must stay are listed in CYCLE_EXCEPTIONS with the reason; oversized code in
KNOWN_LARGE. Both may only shrink: a new entry fails, and so does a listed one that has been
fixed (take it off the list in the same commit that fixes it).
"""

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "accounts",
    "activity",
    "applications",
    "banking",
    "closure",
    "core",
    "delivery",
    "demo",
    "diligence",
    "earlywarning",
    "grants",
    "messaging",
    "plans",
    "programmes",
    "reports",
    "support",
    "surveys",
)
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80

# Cycles between apps allowed to stay, as the set of apps in the cycle -> why breaking it would be
# worse; and files or functions over the limits. Both are empty: keep them so. (Issue 9 split
# the large modules and untangled the module-level cycles; issue 21 the four that imports inside
# functions hid: accounts <-> programmes, accounts <-> activity, applications <-> support and
# reports <-> surveys.)
CYCLE_EXCEPTIONS: dict[frozenset[str], str] = {}
KNOWN_LARGE: set[str] = set()


@dataclass(frozen=True)
class Import:
    path: str  # relative to ROOT, e.g. "plans/services.py"
    line: int
    module: str  # the imported module, absolute, e.g. "grants.services"
    module_level: bool

    def __str__(self):
        return f"{self.path}:{self.line} imports {self.module}"


def _is_test_or_migration(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return "migrations" in parts or "tests" in parts or path.name.startswith("test_")


def _sources(apps=APPS, *, with_tests=False) -> Iterator[Path]:
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            if with_tests or not _is_test_or_migration(path):
                yield path


def _package(path: Path) -> list[str]:
    """The dotted package a module sits in, as a list ("plans/services.py" -> ["plans"])."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts if path.name == "__init__.py" else parts[:-1]


def _imported_modules(node, path: Path) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = _package(path)
        base = package[: len(package) - node.level + 1]
    else:
        base = []
    if node.module:
        base = base + node.module.split(".")
    # `from plans import services` may import the module plans.services: count both.
    return [".".join(base)] + [".".join([*base, alias.name]) for alias in node.names]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_nodes(body) -> Iterator[ast.stmt]:
    """Statements that run when the module is imported: the module body, and the bodies of
    top-level if/try/with blocks and classes, but not functions or `if TYPE_CHECKING:`."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _module_level_nodes(node.body)
            yield from _module_level_nodes(node.orelse)
        elif isinstance(node, ast.Try | ast.TryStar):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_level_nodes(block)
            for handler in node.handlers:
                yield from _module_level_nodes(handler.body)
        elif isinstance(node, ast.With | ast.ClassDef):
            yield from _module_level_nodes(node.body)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """The ids of the nodes inside `if TYPE_CHECKING:` blocks, at any depth: they never run."""
    hidden = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for statement in node.body:
                hidden.update(id(n) for n in ast.walk(statement))
    return hidden


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _called_modules(node: ast.Call) -> list[str]:
    """``import_module("grants.services")`` and ``get_model("grants", "Payment")`` (or
    ``get_model("grants.Payment")``) with literal names: imports under another name."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    first = _literal(node.args[0]) if node.args else None
    if first is None:
        return []
    if name == "import_module":
        return [first]
    if name == "get_model":
        return [first.split(".")[0] + ".models"]
    return []


def _is_simple(statement: ast.stmt) -> bool:
    """A statement with no body of its own (an assignment, a call): all of it runs when it does."""
    return not any(
        isinstance(v, list) and v and isinstance(v[0], ast.stmt) for v in vars(statement).values()
    )


def _imports(path: Path) -> list[Import]:
    """Every import of the module, at any depth, but not those under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(), filename=str(path))
    top = {
        id(n)
        for statement in _module_level_nodes(tree.body)
        for n in (ast.walk(statement) if _is_simple(statement) else [statement])
    }
    hidden = _type_checking_only(tree)
    rel = path.relative_to(ROOT).as_posix()
    found = []
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = _imported_modules(node, path)
        elif isinstance(node, ast.Call):
            modules = _called_modules(node)
        else:
            continue
        found += [Import(rel, node.lineno, module, id(node) in top) for module in modules]
    return found


def _app_of(module: str) -> str | None:
    first = module.split(".")[0]
    return first if first in APPS else None


def _is_demo(module: str) -> bool:
    return module == "demo" or module.startswith("demo.") or module.split(".")[-1] == "demo"


def demo_imports() -> list[Import]:
    """Imports of demo code from anywhere but demo/ (tests included)."""
    found = {}
    for path in _sources([a for a in APPS if a != "demo"], with_tests=True):
        for imp in _imports(path):
            if _is_demo(imp.module):
                found.setdefault((imp.path, imp.line), imp)
    return list(found.values())


def app_edges() -> dict[tuple[str, str], list[Import]]:
    """(importing app, imported app) -> the imports that make the arrow, wherever they are."""
    edges: dict[tuple[str, str], list[Import]] = {}
    for path in _sources():
        app = path.relative_to(ROOT).parts[0]
        for imp in _imports(path):
            target = _app_of(imp.module)
            if target and target != app:
                sites = edges.setdefault((app, target), [])
                if not any(s.path == imp.path and s.line == imp.line for s in sites):
                    sites.append(imp)
    return edges


def _shortest_cycle_through(app: str, edges) -> tuple[str, ...] | None:
    """The shortest cycle of arrows from `app` back to it, as the apps in order, or None."""
    paths = {app: (app,)}
    frontier = [app]
    while frontier:
        following = []
        for here in frontier:
            for b in sorted(b for a, b in edges if a == here):
                if b == app:
                    return paths[here]
                if b not in paths:
                    paths[b] = (*paths[here], b)
                    following.append(b)
        frontier = following
    return None


def cycles(edges) -> dict[frozenset[str], tuple[str, ...]]:
    """Each app's shortest cycle of imports back to itself (so every app in a cycle is named),
    keyed by its set of apps, as the apps in order from the first by name."""
    found = {}
    for app in sorted({a for a, _ in edges}):
        cycle = _shortest_cycle_through(app, edges)
        if cycle is not None:
            start = cycle.index(min(cycle))
            found.setdefault(frozenset(cycle), cycle[start:] + cycle[:start])
    return found


def describe_cycle(cycle: tuple[str, ...], edges) -> list[str]:
    """The cycle's arrows, each with the file:line of every import that makes it."""
    lines = [" -> ".join((*cycle, cycle[0]))]
    for a, b in zip(cycle, (*cycle[1:], cycle[0]), strict=True):
        lines.append(f"  {a} -> {b}:")
        lines += [
            f"    {imp}" + ("" if imp.module_level else " (not at module level)")
            for imp in edges[(a, b)]
        ]
    return lines


def large() -> dict[str, int]:
    """Oversized files and functions outside demo/, bench/ and tests: name -> lines."""
    found = {}
    for path in _sources([*[a for a in APPS if a != "demo"], "ourplace"]):
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text()
        lines = len(text.splitlines())
        if lines > MAX_FILE_LINES:
            found[rel] = lines
        for name, size in _functions(ast.parse(text).body, []):
            if size > MAX_FUNCTION_LINES:
                found[f"{rel}::{name}"] = size
    return found


def _functions(nodes, prefix) -> Iterator[tuple[str, int]]:
    """Every function and method with its qualified name ("Form.clean") and length in lines."""
    for node in nodes:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = [*prefix, node.name]
            yield ".".join(name), node.end_lineno - node.lineno + 1
            yield from _functions(node.body, name)
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node.body, [*prefix, node.name])
        else:
            yield from _functions(ast.iter_child_nodes(node), prefix)


def test_nothing_outside_demo_imports_demo_code():
    found = demo_imports()
    assert not found, "Demo data belongs to demo/, and no other app may import it:\n" + "\n".join(
        f"  {imp}" for imp in found
    )


def test_no_cycles_between_apps_counting_every_import_and_the_exceptions_still_exist():
    edges = app_edges()
    found = cycles(edges)
    new = [
        c for apps, c in sorted(found.items(), key=lambda i: i[1]) if apps not in CYCLE_EXCEPTIONS
    ]
    report = [f"  {line}" for cycle in new for line in describe_cycle(cycle, edges)]
    gone = sorted(" <-> ".join(sorted(apps)) for apps in CYCLE_EXCEPTIONS.keys() - found.keys())
    if gone:
        report.append("  no longer a cycle (take it off CYCLE_EXCEPTIONS): " + ", ".join(gone))
    # Shown with -s, and with the failure: every cycle, the excepted ones too.
    print("\n".join(line for cycle in found.values() for line in describe_cycle(cycle, edges)))
    assert not report, (
        "Apps must not import each other, directly or round a longer loop, wherever the import "
        "is. Break the cycle: move the code to the app that owns the concept, declare it through "
        "a registry (core.area_panels, core.area_figures, mywork providers) or send a signal the "
        "other app listens to; or, only where that would be worse, add it to CYCLE_EXCEPTIONS "
        "with the reason.\n" + "\n".join(report)
    )


def test_every_cycle_exception_says_why():
    for apps, reason in CYCLE_EXCEPTIONS.items():
        assert len(apps) > 1 and len(reason) > 40, (sorted(apps), reason)


def test_no_new_oversized_files_or_functions_and_the_known_ones_are_still_listed():
    found = large()
    new = {name: size for name, size in sorted(found.items()) if name not in KNOWN_LARGE}
    fixed = sorted(KNOWN_LARGE - found.keys())
    report = [f"  new: {name} ({size} lines)" for name, size in new.items()]
    report += [f"  fixed (take it off KNOWN_LARGE): {name}" for name in fixed]
    assert not report, (
        f"Files may have at most {MAX_FILE_LINES} lines and functions {MAX_FUNCTION_LINES}.\n"
        + "\n".join(report)
    )


def test_the_guards_see_what_they_look_for(tmp_path, monkeypatch):
    """The checks find a demo import, cycles (one made by an import inside a function, one by
    `import_module`, one round three apps, but none behind TYPE_CHECKING) and oversized code,
    but not code right on the limit, in a made-up project."""
    files = {
        "plans/__init__.py": "",
        "plans/services.py": "from grants.models import Award\nfrom .models import Plan\n",
        "plans/views.py": "def view():\n    if True:\n        from support import selectors\n",
        "grants/__init__.py": "",
        "grants/models.py": "from plans import services\nfrom programmes import demo\n",
        "support/__init__.py": "",
        "support/models.py": "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from plans.models import Plan\n",
        "support/tasks.py": "import importlib\n\n\nclass Job:\n    def run(self):\n"
        "        return importlib.import_module('delivery.services')\n",
        "delivery/__init__.py": "",
        "delivery/views.py": "from django.apps import apps\nReturn = apps.get_model('reports', 'Return')\n",
        "reports/__init__.py": "",
        "reports/views.py": "def page():\n    from support.models import Day\n",
        # A method one line over the limit, and a function right on it.
        "support/selectors.py": "class Rota:\n    def big(self):\n"
        + "        x = 1\n" * MAX_FUNCTION_LINES
        + "def fits():\n"
        + "    x = 1\n" * (MAX_FUNCTION_LINES - 1),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)

    assert [str(i) for i in demo_imports()] == ["grants/models.py:2 imports programmes.demo"]
    edges = app_edges()
    assert [str(i) for i in edges[("plans", "support")]] == [
        "plans/views.py:3 imports support",
    ]
    assert ("support", "plans") not in edges  # TYPE_CHECKING only
    found = cycles(edges)
    assert sorted(found.values()) == [
        ("delivery", "reports", "support"),
        ("grants", "plans"),
    ]
    assert describe_cycle(found[frozenset(("delivery", "reports", "support"))], edges) == [
        "delivery -> reports -> support -> delivery",
        "  delivery -> reports:",
        "    delivery/views.py:2 imports reports.models",
        "  reports -> support:",
        "    reports/views.py:2 imports support.models (not at module level)",
        "  support -> delivery:",
        "    support/tasks.py:6 imports delivery.services (not at module level)",
    ]
    assert large() == {"support/selectors.py::Rota.big": MAX_FUNCTION_LINES + 1}
    (tmp_path / "support/selectors.py").write_text("def small():\n    pass\n" * 301)
    assert large() == {"support/selectors.py": 602}
