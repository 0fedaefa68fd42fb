"""schemathesis fuzzes the live API from its own published document, on both engines.

A real server (``live_server``: threaded, real commits) serves an office ``pa-sang`` (the code
the document's examples use) with a clerk's bearer token and a kiosk key, so that the staff
and kiosk operations are reached past their 401s. schemathesis's command line loads
``/api/v1/openapi.json`` and runs every phase (the document's examples, the coverage edge
cases, random fuzzing, and stateful sequences along the document's ``links``) with every check;
the run must end with no server error and no failure. Every operation in the document is
fuzzed: a new endpoint is covered as soon as it is described.

The figures (operations, cases, failures, errors) are printed and written to
``tests/output/schemathesis-<engine>.txt``; settings are in ``schemathesis.toml`` beside this file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Office
from app.services.auth import create_staff, register_kiosk
from app.services.office_rules import office_rules
from tests.factories import make_office

pytestmark = [pytest.mark.slow, pytest.mark.committed]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CONFIG = HERE / "schemathesis.toml"
OUTPUT = HERE.parent / "output"
KIOSK_KEY = "fuzz-kiosk-key-0123456789abcdef"
USERNAME, PASSWORD = "fuzz-clerk", "fuzzing pass phrase 42"
ST = Path(sys.executable).with_name("st")



def seed_office() -> dict[str, str]:
    """The office the document's examples name, with a clerk (who signs in) and a kiosk."""
    office = make_office(code="pa-sang")
    office.services[0].processing_days = 15  # as its citizen's manual states (else a request must give it)
    db.session.flush()
    create_staff(USERNAME, PASSWORD, display_name="Fuzz clerk", role="clerk", office=office_rules("pa-sang"))
    register_kiosk(db.session.get(Office, office.id), "Fuzz kiosk", KIOSK_KEY)
    db.session.commit()
    db.session.remove()  # the live server's threads must not wait on the test's transaction
    return {"KHIW_FUZZ_USERNAME": USERNAME, "KHIW_FUZZ_PASSWORD": PASSWORD, "KHIW_FUZZ_KIOSK_KEY": KIOSK_KEY}


def figures(engine: str, report: dict, output: str) -> str:
    """One line of what the run did, from schemathesis's JSON report (and its links line)."""
    cases = report["test_cases"]
    links = re.search(r"API Links:\s+(\d+) covered", output)
    accepted = sum(phase["accepted"] for operation in report["valid_rates"].values() for phase in operation.values())
    return (
        f"schemathesis on {engine}: {report['operations']['tested']} operations, {cases['generated']} cases "
        f"({accepted} accepted with 2xx), {cases['with_failures']} failures, {len(report['errors'])} errors, "
        f"{links.group(1) if links else 0} links followed, {report['running_time']:.1f} s, seed {report['seed']}"
    )


def test_schemathesis_finds_no_server_error_and_no_failure(live_server, engine_name, tmp_path, record_property):
    secrets = seed_office()
    report_path = tmp_path / "report.json"
    result = subprocess.run(
        [str(ST), "--config-file", str(CONFIG), "run", f"{live_server}/api/v1/openapi.json",
         "--url", f"{live_server}/api/v1", "--report", "json", "--report-json-path", str(report_path)],
        env={**os.environ, **secrets, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = result.stdout + result.stderr
    summary = figures(engine_name, json.loads(report_path.read_text()), output) if report_path.exists() else output
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / f"schemathesis-{engine_name}.txt").write_text(f"{summary}\n\n{output}", encoding="utf-8")
    print(summary)
    record_property("schemathesis", summary)  # printed again at the end of the run (tests/conftest.py)

    assert result.returncode == 0, output[-20000:]
