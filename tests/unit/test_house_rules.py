"""The domain stays plain Python: no Flask, no database, no clock.

The checks read the source with ``ast`` (so comments and docstrings do not count) and
are themselves tested on small bad files, so a checker that finds nothing would fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN_PREFIXES = ("flask", "sqlalchemy", "app.models", "app.extensions", "app.services", "app.web")

#: (package directory, dotted package name, must it already contain code?)
PURE_PACKAGES = [("app/domain", "app.domain", True), ("notifier", "notifier", False), ("kiosk", "kiosk", False)]

CLOCK_ATTRIBUTES = {"now", "utcnow", "today"}
TIME_MODULE_CLOCKS = {"time", "time_ns", "monotonic", "perf_counter"}


def python_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*.py") if "__pycache__" not in p.parts)


def module_package(path: Path, root: Path, package: str) -> str:
    """The dotted package a file's relative imports start from."""
    parts = path.relative_to(root).parts[:-1]  # a module and an __init__ both resolve from their folder
    return ".".join([package, *parts]) if parts else package


def imported_modules(source: str, package: str) -> list[str]:
    """Every module a file imports, relative imports resolved against ``package``."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(p for p in [*anchor, base] if p)
            if node.module is not None:
                names.append(base)
            # "from app import models" imports the module app.models
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def is_forbidden(module: str) -> bool:
    if module.startswith("flask_"):
        return True
    return any(module == prefix or module.startswith(prefix + ".") for prefix in FORBIDDEN_PREFIXES)


def forbidden_imports(directory: Path, package: str) -> list[str]:
    found = []
    for path in python_files(directory):
        pkg = module_package(path, directory, package)
        for module in imported_modules(path.read_text(encoding="utf-8"), pkg):
            if is_forbidden(module):
                found.append(f"{path.relative_to(directory)} imports {module}")
    return found


def clock_reads(source: str) -> list[str]:
    """Calls such as datetime.now(), date.today(), time.time()."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        attr, owner = node.func.attr, node.func.value
        if attr in CLOCK_ATTRIBUTES or (
            attr in TIME_MODULE_CLOCKS and isinstance(owner, ast.Name) and owner.id == "time"
        ):
            found.append(f"line {node.lineno}: {ast.unparse(node.func)}()")
    return found


# --- the rules applied to the code ---------------------------------------------------


@pytest.mark.parametrize(("directory", "package", "must_have_code"), PURE_PACKAGES)
def test_pure_packages_import_neither_flask_nor_the_database(directory, package, must_have_code):
    files = python_files(ROOT / directory)
    if must_have_code:
        assert files, f"{directory} has no Python files: has the domain moved?"

    assert forbidden_imports(ROOT / directory, package) == []


def test_no_domain_function_reads_the_clock():
    files = python_files(ROOT / "app/domain")
    assert files

    reads = {str(p.relative_to(ROOT)): clock_reads(p.read_text(encoding="utf-8")) for p in files}

    assert {path: found for path, found in reads.items() if found} == {}


def test_the_domain_source_does_not_mention_clock_calls_even_in_passing():
    for path in python_files(ROOT / "app/domain"):
        source = path.read_text(encoding="utf-8")
        for call in ("datetime.now(", "date.today(", "time.time(", "datetime.utcnow("):
            assert call not in source, f"{path.name} contains {call}"


#: The web edge calls services; it neither queries nor touches models itself.
WEB_FORBIDDEN = ("app.models", "app.extensions.db", "sqlalchemy", "flask_sqlalchemy")


def web_database_imports(directory: Path, package: str) -> list[str]:
    found = []
    for path in python_files(directory):
        pkg = module_package(path, directory, package)
        for module in imported_modules(path.read_text(encoding="utf-8"), pkg):
            if any(module == prefix or module.startswith(prefix + ".") for prefix in WEB_FORBIDDEN):
                found.append(f"{path.relative_to(directory)} imports {module}")
    return found


def test_the_web_edge_imports_neither_models_nor_the_database():
    assert python_files(ROOT / "app/web")

    assert web_database_imports(ROOT / "app/web", "app.web") == []


@pytest.mark.parametrize(
    "line",
    ["from app.models import Booking", "from app.extensions import db", "from ...extensions import db",
     "from sqlalchemy import select", "import app.models.office"],
)  # fmt: skip
def test_the_web_checker_catches_a_database_import(tmp_path, line):
    (tmp_path / "views.py").write_text(f"{line}\n", encoding="utf-8")

    assert web_database_imports(tmp_path, "app.web.citizen") != []


def test_the_web_checker_allows_services_and_the_limiter(tmp_path):
    (tmp_path / "views.py").write_text("from app.services import booking\nfrom app.extensions import limiter\n")

    assert web_database_imports(tmp_path, "app.web.citizen") == []


def test_services_jobs_and_the_cli_never_import_a_web_module():
    found = []
    for directory, package in (("app/services", "app.services"), ("app/jobs", "app.jobs"), ("notifier", "notifier")):
        for path in python_files(ROOT / directory):
            pkg = module_package(path, ROOT / directory, package)
            for module in imported_modules(path.read_text(encoding="utf-8"), pkg):
                if module == "app.web" or module.startswith("app.web."):
                    found.append(f"{directory}/{path.relative_to(ROOT / directory)} imports {module}")
    assert found == []


# --- the checkers themselves find what they should -------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "import flask",
        "from flask import current_app",
        "import flask_babel",
        "from flask_sqlalchemy import SQLAlchemy",
        "import sqlalchemy.orm",
        "from sqlalchemy import select",
        "from app.models import Booking",
        "from app import models",
        "from app.extensions import db",
        "from ..services import booking",
        "from .. import web",
        "import app.web.api",
    ],
)
def test_the_import_checker_catches_a_forbidden_import_in_a_new_file(tmp_path, line):
    (tmp_path / "new_rule.py").write_text(f"{line}\n", encoding="utf-8")

    assert forbidden_imports(tmp_path, "app.domain") != []


def test_the_import_checker_resolves_relative_imports_from_a_subfolder(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "fees.py").write_text("from ..errors import InvalidField\nfrom ... import models\n")

    assert forbidden_imports(tmp_path, "app.domain") == ["rules/fees.py imports app.models"]


@pytest.mark.parametrize(
    "line",
    [
        "from .errors import InvalidField",
        "from datetime import datetime",
        "import phonenumbers",
        "from app.domain.calendar import BANGKOK",
        "import flaskish_helper",
        "from app.webhooks import sign",
    ],
)
def test_the_import_checker_allows_plain_python_imports(tmp_path, line):
    (tmp_path / "ok.py").write_text(f"{line}\n", encoding="utf-8")

    assert forbidden_imports(tmp_path, "app.domain") == []


def test_a_package_without_python_files_has_nothing_to_check(tmp_path):
    assert forbidden_imports(tmp_path / "not-there", "kiosk") == []
    assert forbidden_imports(tmp_path, "kiosk") == []


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime\nx = datetime.now()",
        "import datetime\nx = datetime.datetime.now(datetime.UTC)",
        "from datetime import date\nx = date.today()",
        "import time\nx = time.time()",
        "import time\nx = time.monotonic()",
        "from datetime import datetime\nx = datetime.utcnow()",
    ],
)
def test_the_clock_checker_catches_a_clock_read(source):
    assert len(clock_reads(source)) == 1


def test_the_clock_checker_ignores_times_passed_in_and_docstrings():
    source = '''
def f(now, local):
    """Never call datetime.now() here."""
    return local.time(), now.date(), time.fromisoformat("09:30")
'''
    assert clock_reads(source) == []


# --- no import circles, no borrowing of another module's private names ---------------------

#: The packages whose modules may not import each other in a circle.
CIRCLE_PACKAGES = ("app", "notifier", "kiosk")


def module_names(root: Path, packages=CIRCLE_PACKAGES) -> dict[str, Path]:
    """Every module of ``packages`` under ``root`` by dotted name (a package by its own name)."""
    found = {}
    for package in packages:
        for path in python_files(root / package):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def import_graph(root: Path, packages=CIRCLE_PACKAGES) -> tuple[dict[str, set[str]], list[str]]:
    """Which module imports which (anywhere in the file, a function's body too), and every
    ``from module import _private`` of another module's private name.

    A package's ``__init__`` importing its own submodules (a blueprint registering its
    views) is how a package is assembled, not a circle: those edges are left out."""
    modules = module_names(root, packages)
    graph: dict[str, set[str]] = {}
    private: list[str] = []
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join(p for p in [*anchor, base] if p)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in modules:
                        targets.add(full)
                        continue
                    targets.add(base)
                    if alias.name.startswith("_") and not alias.name.startswith("__") and base in modules:
                        private.append(f"{name} imports {base}.{alias.name}")
        edges = set()
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            own_submodule = path.name == "__init__.py" and target.startswith(name + ".")
            if target and target != name and not own_submodule:
                edges.add(target)
        graph[name] = edges
    return graph, private


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_no_module_imports_another_in_a_circle():
    graph, _ = import_graph(ROOT)
    assert "app.services.booking" in graph and "notifier.messages" in graph

    assert import_circles(graph) == []


def test_no_module_imports_another_modules_private_name():
    assert import_graph(ROOT)[1] == []


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root


def test_the_circle_checker_finds_a_circle_even_through_a_function_level_import(tmp_path):
    _write(tmp_path, {"app/__init__.py": "", "app/services/__init__.py": "",
                      "app/services/a.py": "from .b import thing\n",
                      "app/services/b.py": "def f():\n    from . import c\n",
                      "app/services/c.py": "from app.services.a import other\n"})  # fmt: skip
    graph, _ = import_graph(tmp_path, ("app",))

    assert import_circles(graph) == [["app.services.a", "app.services.b", "app.services.c"]]


def test_the_circle_checker_allows_a_package_assembling_its_own_modules(tmp_path):
    _write(tmp_path, {"app/__init__.py": "", "app/web/__init__.py": "bp = 1\nfrom . import views\n",
                      "app/web/views.py": "from . import bp\n"})  # fmt: skip
    graph, _ = import_graph(tmp_path, ("app",))

    assert import_circles(graph) == []


def test_the_private_name_checker_finds_a_borrowed_private_name(tmp_path):
    _write(tmp_path, {"app/__init__.py": "", "app/a.py": "def _view(): ...\n",
                      "app/b.py": "from .a import _view\nfrom .a import __doc__\n"})  # fmt: skip

    assert import_graph(tmp_path, ("app",))[1] == ["app.b imports app.a._view"]


# --- one outbox writer ------------------------------------------------------------------------


def test_only_the_outbox_writer_inserts_outbox_rows():
    writers = []
    for path in python_files(ROOT / "app"):
        source = path.read_text(encoding="utf-8")
        if "insert(_outbox)" in source or "insert(OutboxMessage" in source:
            writers.append(str(path.relative_to(ROOT)))
    assert writers == ["app/services/outbox_writer.py"]
