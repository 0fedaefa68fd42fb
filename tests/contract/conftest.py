"""The fuzzer's figures at the end of the run, whatever pytest's capture."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter):
    from tests.contract.test_schemathesis import FIGURES

    if FIGURES:
        terminalreporter.section("schemathesis")
        for line in FIGURES:
            terminalreporter.write_line(line)
