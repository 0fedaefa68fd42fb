"""requirements*.txt are pip-compile's output of the .in files, fully pinned.

The .in files name the packages Khiw uses; the .txt files pin those and everything they
pull in. These tests fail when a .txt file was edited by hand, or when an .in file changed
and nobody ran pip-compile (README, For developers, says how).
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPILED = {"requirements.in": "requirements.txt", "requirements-dev.in": "requirements-dev.txt"}
PIN = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!_-]+)")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def canonical(name: str) -> str:
    """PEP 503: Flask-SQLAlchemy, flask_sqlalchemy and flask.sqlalchemy are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path: Path) -> list[str]:
    """The lines that are not blank and not comments (pip's `#` after a space too)."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if line:
            lines.append(line)
    return lines


def pins(filename: str) -> dict[str, str]:
    found = {}
    for line in requirement_lines(ROOT / filename):
        match = PIN.fullmatch(line)
        assert match, f"{filename}: not pinned with ==: {line!r}"
        found[canonical(match["name"])] = match["version"]
    return found


def top_level(filename: str) -> set[str]:
    """The package names an .in file asks for (extras and version limits dropped)."""
    names = set()
    for line in requirement_lines(ROOT / filename):
        if line.startswith("-"):  # -c requirements.txt
            continue
        match = NAME.match(line)
        assert match, f"{filename}: cannot read {line!r}"
        names.add(canonical(match[0]))
    return names


def annotated_from(filename: str, source: str) -> set[str]:
    """The packages pip-compile says it pinned because *source* asks for them (`# via -r …`)."""
    names, current = set(), None
    for raw in (ROOT / filename).read_text(encoding="utf-8").splitlines():
        match = PIN.fullmatch(raw.strip())
        if match and not raw.startswith(" "):
            current = canonical(match["name"])
        elif current and re.search(rf"#\s+(via\s+)?-r {re.escape(source)}$", raw.strip()):
            names.add(current)
    return names


@pytest.mark.parametrize("filename", sorted(COMPILED.values()))
def test_every_line_of_a_requirements_file_is_pinned(filename):
    assert pins(filename), f"{filename} pins nothing"


@pytest.mark.parametrize("source", sorted(COMPILED))
def test_every_package_of_an_in_file_is_pinned_in_its_txt_file(source):
    missing = top_level(source) - set(pins(COMPILED[source]))
    assert not missing, f"{sorted(missing)} in {source} but not in {COMPILED[source]}: run pip-compile {source}"


@pytest.mark.parametrize("source", sorted(COMPILED))
def test_nothing_is_pinned_for_a_package_the_in_file_no_longer_asks_for(source):
    stale = annotated_from(COMPILED[source], source) - top_level(source)
    assert not stale, f"{COMPILED[source]} pins {sorted(stale)} for {source}, which no longer asks: run pip-compile"


def test_the_dev_tools_use_the_runtime_pins():
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    differ = {name: (runtime[name], dev[name]) for name in runtime.keys() & dev.keys() if runtime[name] != dev[name]}
    assert not differ, f"runtime vs dev pins differ: {differ}; requirements-dev.in must keep -c requirements.txt"


def test_the_test_environment_has_the_pinned_versions():
    """scripts/bootstrap --dev installed both files; a stale .venv shows up here."""
    wrong = {}
    for filename in COMPILED.values():
        for name, version in pins(filename).items():
            try:
                installed = metadata.version(name)
            except metadata.PackageNotFoundError:
                installed = None
            if installed != version:
                wrong[name] = (version, installed)
    assert not wrong, f"pinned vs installed: {wrong}; run scripts/bootstrap --dev"


def test_the_checks_catch_an_unpinned_line_a_missing_and_a_stale_package(tmp_path, monkeypatch):
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    (tmp_path / "requirements.in").write_text("Flask\nqrcode  # pictures\n")
    (tmp_path / "requirements.txt").write_text("flask==3.1.3\n    # via -r requirements.in\nqrcode>=8\n")
    with pytest.raises(AssertionError, match="not pinned"):
        pins("requirements.txt")
    (tmp_path / "requirements.txt").write_text(
        "flask==3.1.3\n    # via -r requirements.in\n"
        "werkzeug==3.1.9\n    # via\n    #   -r requirements.in\n    #   flask\n"
    )
    assert top_level("requirements.in") - set(pins("requirements.txt")) == {"qrcode"}
    assert annotated_from("requirements.txt", "requirements.in") - top_level("requirements.in") == {"werkzeug"}
