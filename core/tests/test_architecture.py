"""Guards on the shape of the code, read from the source with `ast` (nothing is imported).

- Demo data lives in demo/ and nothing else imports it.
- No two apps import each other at module level (a cycle means neither can be understood, or
  loaded, without the other).
- No file over 600 lines and no function over 80 lines.

Today's cycles and oversized code are listed in KNOWN_CYCLES and KNOWN_LARGE. Both lists may
only shrink: a new entry fails, and so does a listed one that has been fixed (take it off the
list in the same commit that fixes it).
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
    "core",
    "delivery",
    "demo",
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

# Pairs of apps that import each other at module level, and files or functions over the limits.
# Both are empty: keep them so. (Issue 9 split the large modules and untangled the cycles: the
# demo code, the area page's support panel, the navigation's unread count and applicant sign-up.)
KNOWN_CYCLES: set[frozenset[str]] = set()
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


def _imports(path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(), filename=str(path))
    top = {id(n) for n in _module_level_nodes(tree.body)}
    rel = path.relative_to(ROOT).as_posix()
    return [
        Import(rel, node.lineno, module, id(node) in top)
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for module in _imported_modules(node, path)
    ]


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
    """(importing app, imported app) -> the module-level imports that make the edge."""
    edges: dict[tuple[str, str], list[Import]] = {}
    for path in _sources():
        app = path.relative_to(ROOT).parts[0]
        for imp in _imports(path):
            target = _app_of(imp.module)
            if imp.module_level and target and target != app:
                sites = edges.setdefault((app, target), [])
                if not any(s.path == imp.path and s.line == imp.line for s in sites):
                    sites.append(imp)
    return edges


def cycles(edges) -> set[frozenset]:
    return {frozenset((a, b)) for (a, b) in edges if (b, a) in edges}


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


def _pair(pair) -> str:
    return " <-> ".join(sorted(pair))


def test_nothing_outside_demo_imports_demo_code():
    found = demo_imports()
    assert not found, "Demo data belongs to demo/, and no other app may import it:\n" + "\n".join(
        f"  {imp}" for imp in found
    )


def test_no_new_module_level_cycles_between_apps_and_the_known_ones_still_exist():
    edges = app_edges()
    found = cycles(edges)
    new = sorted(found - KNOWN_CYCLES, key=sorted)
    gone = sorted(KNOWN_CYCLES - found, key=sorted)
    report = []
    for pair in new:
        a, b = sorted(pair)
        report.append(f"  new cycle {a} <-> {b}:")
        report += [f"    {imp}" for imp in edges[(a, b)] + edges[(b, a)]]
    if gone:
        report.append("  no longer a cycle (take it off KNOWN_CYCLES):")
        report += [f"    {_pair(pair)}" for pair in gone]
    assert not report, (
        "Apps must not import each other at module level.\n"
        + "\n".join(report)
        + "\nAll module-level cycles now: "
        + (", ".join(_pair(p) for p in sorted(found, key=sorted)) or "none")
    )


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
    """The checks find a demo import, a cycle (not one hidden behind TYPE_CHECKING or inside a
    function) and oversized code, but not code right on the limit, in a made-up project."""
    files = {
        "plans/__init__.py": "",
        "plans/services.py": "from grants.models import Award\nfrom .models import Plan\n",
        "plans/views.py": "def view():\n    from support import selectors\n",
        "grants/__init__.py": "",
        "grants/models.py": "from plans import services\nfrom programmes import demo\n",
        "support/__init__.py": "",
        "support/models.py": "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from plans.models import Plan\n",
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
    assert ("plans", "support") not in edges and ("support", "plans") not in edges
    assert cycles(edges) == {frozenset(("grants", "plans"))}
    assert large() == {"support/selectors.py::Rota.big": MAX_FUNCTION_LINES + 1}
    (tmp_path / "support/selectors.py").write_text("def small():\n    pass\n" * 301)
    assert large() == {"support/selectors.py": 602}
