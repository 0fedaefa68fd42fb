"""Use cases, one function per verb, each owning one transaction (commit once, here).

Routes, the CLI and jobs call these; the rules themselves live in ``app.domain``.
"""
