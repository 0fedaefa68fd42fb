"""What every booking page must pass in the browser: an accessibility check and screenshots.

The check (run in the page) looks for what most often shuts people out: a missing ``lang``,
form fields without a label, images without alt text, controls without a name, touch
targets under 44 px, text below WCAG AA contrast (4.5:1, or 3:1 for large text), no
visible focus, and a page wider than the screen (320–360 px phones).
"""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import DESKTOP, PHONE, SCREENSHOTS

_CHECK = Path(__file__).with_name("a11y_check.js").read_text()


def check_page(page, name: str) -> None:
    """Accessibility problems fail the test; screenshots at 360 and 1280 px are saved."""
    page.wait_for_load_state("load")
    problems = page.evaluate(_CHECK)
    assert problems == [], f"{name}: {problems}"
    # Focus is visible: tab to the first control and look at its outline.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement; if (!e || e === document.body) return 'none';"
        " const s = getComputedStyle(e); return s.outlineStyle + ' ' + s.outlineWidth; }"
    )
    assert focused != "none" and not focused.startswith("none"), f"{name}: focus is not visible ({focused})"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-360.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
