"""The dashboard in a real browser: `streamlit run` as a subprocess on a free local port,
Debian's Chromium driven by Python Playwright (no browser download). The overview's
headline figures must appear with the warehouse's values, the sidebar must lead to another
page, and a link to a person page must show that person's timeline. Chromium missing skips the test on a developer's machine, never in CI
(`CI` set): there `.ci/run` installs it."""

from __future__ import annotations

import importlib.util
import os
import re
import time
from pathlib import Path

import pytest

from dashboard_fixture import dashboard_manifest, dashboard_warehouse, query, shown_count

import screenshots  # noqa: E402  (dashboard/screenshots.py; dashboard_fixture puts it on the path)


def _browser_missing() -> str | None:
    if not Path(screenshots.CHROMIUM).exists():
        return f"{screenshots.CHROMIUM} not found (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (requirements-dev.txt)"
    return None


@pytest.fixture(scope="session")
def browser_ready() -> None:
    """Before the warehouse build: a skip costs nothing."""
    missing = _browser_missing()
    if missing and os.environ.get("CI"):
        pytest.fail(f"CI must run the browser test: {missing}")
    if missing:
        pytest.skip(missing)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The test warehouse; the served dashboard reads its allowlist from that build's manifest."""
    database = dashboard_warehouse(tmp_path_factory)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DVZ_DBT_MANIFEST", str(dashboard_manifest(database)))
        yield database


def _metrics(page) -> dict[str, str]:
    shown = {}
    for metric in page.locator('[data-testid="stMetric"]').all():
        label = metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        shown[label] = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return shown


# Generous on a loaded 2-core CI machine: Streamlit reruns the page while Chromium renders.
PATIENCE_MS = 90_000


def _metrics_once_settled(page, expected: dict[str, str]) -> dict[str, str]:
    """The metrics as shown once they match `expected`, or as last seen when the time is up
    (the assertion then shows the difference): Streamlit may still be drawing them."""
    deadline = time.monotonic() + PATIENCE_MS / 1000
    shown = _metrics(page)
    while shown != expected and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        shown = _metrics(page)
    return shown


def test_the_overview_shows_the_headline_figures_in_chromium(browser_ready, built):
    persons = dict(query(built, "select final_status, count(*) from marts.fct_person_transfer_status group by 1"))
    transfer_rows = query(built, "select count(*) from marts.fct_transfer_eligibility "
                                 "where transfer_status = 'TRANSFER'")[0][0]
    as_of = query(built, "select max(as_of_date) from marts.fct_person_transfer_status")[0][0]
    with screenshots.running_app(built, timeout=PATIENCE_MS / 1000) as url, screenshots.launch_chromium() as page:
        screenshots.open_page(page, url, '[data-testid="stMetricValue"]', timeout_ms=PATIENCE_MS)
        assert page.locator("h1").first.inner_text().strip() == "DVZ transfer warehouse"
        headline = {
            "Persons transferred": shown_count(persons["TRANSFER"]),
            "Transfer rows": shown_count(transfer_rows),
            "As of": as_of.isoformat(),
            "Persons excluded": shown_count(persons["EXCLUDED"]),
            "Persons held": shown_count(persons["HELD_DATA_QUALITY"]),
            "Persons deferred": shown_count(persons.get("DEFERRED_TECHNICAL", 0)),
        }
        assert _metrics_once_settled(page, headline) == headline

        page.get_by_role("link", name="Exclusions by reason").first.click()
        page.wait_for_url("**/exclusions", timeout=PATIENCE_MS)
        page.wait_for_selector('h1:has-text("Exclusions by reason")', timeout=PATIENCE_MS)
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=PATIENCE_MS)
        excluded = {"Persons excluded": shown_count(persons["EXCLUDED"])}
        assert _metrics_once_settled(page, excluded) == excluded
        assert page.locator('[data-testid="stException"]').count() == 0


def test_a_link_to_a_person_page_shows_the_timeline_in_chromium(browser_ready, built):
    """Issue 18: a link with ?person_key= opens the person page inside the dashboard's
    navigation, with the timeline chart, the events and the trace, and no insz."""
    person_key = query(built, """
        select min(person_key) from marts.fct_transfer_decision_trace
        where criterion_code = 'LEEFLOON_AFTER_ANNEX19_AID' and outcome = 'TRANSFER'""")[0][0]
    events = query(built, f"select count(*) from marts.fct_person_timeline where person_key = '{person_key}'")[0][0]
    insz = {value for (value,) in query(built, "select insz from marts.dim_person_keys")}
    with screenshots.running_app(built, timeout=PATIENCE_MS / 1000) as url, screenshots.launch_chromium() as page:
        screenshots.open_page(page, f"{url}/person?person_key={person_key}", '[data-testid="stVegaLiteChart"]',
                              timeout_ms=PATIENCE_MS)
        assert page.locator("h1").first.inner_text().strip() == "One person"
        expected = {"Final status": "TRANSFER", "Exclusion reason": "–", "Events": f"{events:,}"}
        assert _metrics_once_settled(page, expected) == expected
        assert page.locator('[data-testid="stDataFrame"]').count() == 2
        assert page.locator('[data-testid="stException"]').count() == 0
        # inside the navigation, not the page alone (views/, not pages/)
        assert page.get_by_role("link", name="Transfers over time").count() >= 1
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert not set(re.findall(r"[0-9]{11}", text)) & insz
