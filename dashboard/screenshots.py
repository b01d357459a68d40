"""Screenshots of every dashboard page for the README, taken with Debian's Chromium.

    DVZ_DUCKDB_PATH=warehouse/dvz.duckdb python dashboard/screenshots.py [--out docs/images]

Starts `streamlit run dashboard/app.py` on a free local port, drives /usr/bin/chromium
through Python Playwright (no browser download: `PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1` when
installing) and writes one PNG per page. The browser test reuses `running_app`,
`launch_chromium` and `open_page`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

DASHBOARD_DIR = Path(__file__).resolve().parent
REPO_ROOT = DASHBOARD_DIR.parent
CHROMIUM = os.environ.get("DVZ_CHROMIUM", "/usr/bin/chromium")
# FIELD-NOTES.md: what Debian's Chromium needs to run headless as root, offline.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# (url path, file name, what to wait for besides the title)
PAGES = [
    ("", "dashboard-overview.png", '[data-testid="stMetricValue"]'),
    ("transfers", "dashboard-transfers.png", '[data-testid="stDataFrame"]'),
    ("exclusions", "dashboard-exclusions.png", '[data-testid="stVegaLiteChart"]'),
    ("deferred", "dashboard-deferred.png", '[data-testid="stVegaLiteChart"]'),
    ("durations", "dashboard-durations.png", '[data-testid="stVegaLiteChart"]'),
    ("quality", "dashboard-quality.png", '[data-testid="stVegaLiteChart"]'),
    ("person?person_key={person_key}", "dashboard-person.png", '[data-testid="stVegaLiteChart"]'),
]
# The person shown on the person page's screenshot: one transferred after annex-19 aid
# (the first by key), else anyone with a timeline.
PERSON_SQL = """
select coalesce(
    (select min(person_key) from marts.fct_transfer_decision_trace
     where criterion_code = 'LEEFLOON_AFTER_ANNEX19_AID' and outcome = 'TRANSFER'),
    (select min(person_key) from marts.fct_person_timeline))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(database: Path | str, port: int | None = None,
                timeout: float = 60) -> Iterator[str]:
    """`streamlit run dashboard/app.py` headless on 127.0.0.1; yields the base URL and
    stops the server afterwards."""
    port = port or free_port()
    env = dict(os.environ, DVZ_DUCKDB_PATH=str(database))
    command = [sys.executable, "-m", "streamlit", "run", str(DASHBOARD_DIR / "app.py"),
               "--server.headless", "true", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer"]
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"streamlit-{port}.log", "w+")
    server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"streamlit exited with {server.returncode}:\n{log.read()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit did not answer on {url} within {timeout} s")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@contextlib.contextmanager
def launch_chromium(width: int = 1280, height: int = 900):
    """A Playwright page in Debian's headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            yield page
        finally:
            browser.close()


def open_page(page, url: str, wait_for: str, timeout_ms: int = 30_000) -> None:
    """Load a dashboard page and wait until its script has finished and its content shows."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_selector("h1", timeout=timeout_ms)
    page.wait_for_selector(wait_for, timeout=timeout_ms)
    # The status widget shows while the script runs; charts draw just after.
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout_ms)
    page.wait_for_timeout(800)


def person_key(database: Path | str) -> str:
    import duckdb  # the dashboard's own dependency; imported here so the test helpers need none

    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(PERSON_SQL).fetchone()[0] or ""


def take_screenshots(database: Path | str, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    shown_person = person_key(database)
    with running_app(database) as url, launch_chromium() as page:
        for path, file_name, wait_for in PAGES:
            open_page(page, f"{url}/{path.format(person_key=shown_person)}", wait_for)
            target = out_dir / file_name
            # Streamlit scrolls inside its own container: grow the viewport to the content.
            height = page.evaluate(
                "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            page.set_viewport_size({"width": 1280, "height": min(max(int(height), 900), 3000)})
            page.wait_for_timeout(500)
            page.screenshot(path=str(target))
            page.set_viewport_size({"width": 1280, "height": 900})
            written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "images")
    parser.add_argument("--database", default=os.environ.get("DVZ_DUCKDB_PATH", "warehouse/dvz.duckdb"))
    args = parser.parse_args()
    database = Path(args.database)
    database = database if database.is_absolute() else REPO_ROOT / database
    for target in take_screenshots(database, args.out):
        print(f"screenshots: wrote {target.relative_to(REPO_ROOT) if target.is_relative_to(REPO_ROOT) else target}")


if __name__ == "__main__":
    main()
