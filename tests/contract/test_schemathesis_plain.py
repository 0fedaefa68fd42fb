"""A plain schemathesis run, as any outside client would fuzz Khiw: the published document
(``/api/v1/openapi.json``) and every check, WITHOUT Khiw's hooks (no strategies for its own
formats, no sign-in, no kiosk key, no NUL switched off). Every rule the server checks (a name
needs a letter, no control or invisible character, a password's length …) must therefore be
stated in the document as JSON Schema a generic tool reads; a "schema-valid request
rejected" is a rule the document does not say. Both engines, 0 failures; seed fixed and few
examples (``schemathesis-plain.toml``), so the run stays short. The one allowance, written in
that file: ``POST /bookings`` may answer 400 (a national ID's check digit, which no schema can
state) and 422 (an Idempotency-Key reused with another body, as the contract says).
"""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.contract.test_schemathesis import OUTPUT, ROOT, ST, figures, seed_office

pytestmark = [pytest.mark.slow, pytest.mark.committed]

CONFIG = Path(__file__).resolve().parent / "schemathesis-plain.toml"


def test_a_plain_schemathesis_run_without_hooks_finds_no_failure(live_server, engine_name, tmp_path, record_property):
    seed_office()  # an office to book at; the run itself gets no login and no key
    report_path = tmp_path / "report.json"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SCHEMATHESIS_")}
    result = subprocess.run(
        [str(ST), "--config-file", str(CONFIG), "run", f"{live_server}/api/v1/openapi.json",
         "--url", f"{live_server}/api/v1", "--report", "json", "--report-json-path", str(report_path)],
        env={**environment, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )  # fmt: skip
    output = result.stdout + result.stderr
    summary = figures(engine_name, json.loads(report_path.read_text()), output) if report_path.exists() else output
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / f"schemathesis-plain-{engine_name}.txt").write_text(f"plain {summary}\n\n{output}", encoding="utf-8")
    print("plain", summary)
    record_property("schemathesis", f"plain {summary}")

    assert "hooks" not in tomllib.loads(CONFIG.read_text())  # the run is the plain one
    assert result.returncode == 0, output[-20000:]
