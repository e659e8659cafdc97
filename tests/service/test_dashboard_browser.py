"""The dashboard in a real browser: Playwright driving Debian's chromium against a real
``smartborder serve`` (SQLite in a temp dir, its own simulation cache).

Every page loads with nothing from outside the server, no console error and no failed request;
every form control is labelled; a scenario run from the studio shows the figures ``smartborder
compare … --json`` prints for the same inputs; each operations view refuses the wrong role.
Screenshots (1280×800 and a phone) are saved under ``test-artifacts/dashboard/`` (git-ignored).

Chromium is required: without it these tests fail, they do not skip (CI installs it). Set
``SMARTBORDER_SKIP_BROWSER=1`` to skip them on a machine without a browser; set
``SMARTBORDER_CHROMIUM`` to use another chromium binary.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from smartborder.service.auth import create_token
from smartborder.service.db import dispose, session_factory, upgrade
from tests.service.dashboard_seed import seed
from tests.service.live import new_token, served

if os.environ.get("SMARTBORDER_SKIP_BROWSER") == "1":
    pytest.skip("SMARTBORDER_SKIP_BROWSER=1: browser tests skipped", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
#: The studio's question, small enough to be quick: a one-crossing port, one month.
STUDIO = {"port": "2603", "period": "2024-06", "replications": "2", "seed": "3"}


def chromium() -> str:
    """The chromium binary, or a failure saying how to get one (never a silent skip)."""
    found = (
        os.environ.get("SMARTBORDER_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
        or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    )
    if not found:
        pytest.fail(
            "no chromium to drive: install it (`apt-get install -y chromium`; CI does) or set "
            "SMARTBORDER_SKIP_BROWSER=1 to skip the browser tests"
        )
    return found


@dataclass
class Server:
    base: str
    db: str
    cache: Path
    tokens: dict[str, str] = field(default_factory=dict)
    seeded: dict[str, Any] = field(default_factory=dict)


@contextmanager
def serving(db: str, cache: Path) -> Iterator[str]:
    """``smartborder serve`` on a free port with its own cache; yields the base URL."""
    env = {**os.environ, "SMARTBORDER_CACHE_DIR": str(cache)}
    env.pop("SMARTBORDER_OBSERVATIONS", None)
    with served(db, env, cache.parent / "server.log") as base:
        yield base


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("dashboard")
    db = f"sqlite:///{folder / 'dashboard.db'}"
    tokens = {"admin": new_token(db, "--role", "admin")}  # the first one as a user makes it, the rest at once
    upgrade(db)
    with session_factory(db)() as session:
        tokens.update({role: create_token(session, role) for role in ("officer", "analyst", "auditor")})
        tokens["carrier"] = create_token(session, "carrier", org="transnorte")
        tokens["applicant"] = create_token(session, "applicant", subject="p0")
        session.commit()
    dispose(db)
    with serving(db, folder / "cache") as base:
        yield Server(base, db, folder / "cache", tokens, seed(base, tokens["admin"], tokens["carrier"]))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is in the test extras: pip install -e '.[test]'")
    executable = chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


class Watched:
    """A page whose console errors, uncaught exceptions, failed requests and error responses
    are collected; ``check()`` fails the test on any."""

    def __init__(self, browser: Any, base: str, viewport: dict[str, int] = DESKTOP) -> None:
        self.base = base
        self.context = browser.new_context(viewport=viewport, base_url=base)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda m: self._note(m.type == "error", f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self._note(True, f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self._note(True, f"request failed: {r.url} {r.failure}"))
        self.page.on("response", lambda r: self._note(r.status >= 400, f"HTTP {r.status}: {r.url}"))

    def _note(self, bad: bool, what: str) -> None:
        if bad:
            self.problems.append(what)

    def check(self) -> None:
        assert not self.problems, "\n".join(self.problems)

    def close(self) -> None:
        self.check()
        self.context.close()


@pytest.fixture
def watched(browser: Any, server: Server) -> Iterator[Watched]:
    page = Watched(browser, server.base)
    yield page
    page.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def charts_drawn(page: Any) -> None:
    """Every chart on the page drawn by plotly."""
    page.wait_for_selector("[data-plot]:not([data-drawn])", state="detached")


def same_origin_only(page: Any, base: str) -> None:
    """Every script, stylesheet, image, frame and link loads from this server."""
    urls = page.eval_on_selector_all(
        "script[src], link[href], img[src], iframe[src], source[src]", "nodes => nodes.map(n => n.src || n.href)"
    )
    host = urlparse(base).netloc
    outside = [u for u in urls if urlparse(u).netloc != host]
    assert not outside, f"loaded from elsewhere: {outside}"


def every_control_labelled(page: Any) -> None:
    unlabelled = page.eval_on_selector_all(
        "input:not([type=hidden]), select, textarea",
        """nodes => nodes.filter(n => !(n.labels && n.labels.length) && !n.getAttribute('aria-label')
                                      && !n.getAttribute('aria-labelledby')).map(n => n.name || n.id)""",
    )
    assert not unlabelled, f"controls without a label: {unlabelled}"


PAGES = {  # name → path; each loads cleanly on a desktop and on a phone
    "overview": "/",
    "overview-crossings": "/?level=crossing&kpi=trucks",
    "port-naco": "/ports/2603",
    "port-brownsville-bridge": "/ports/2301?crossing=b-and-m&day=weekend",
    "studio": "/studio?base=double-fast",
    "operations": "/operations",
}


def settled(page: Any, name: str | None = None, timeout: float = 120_000) -> None:
    """Wait for the simulation a page follows (if any) to finish and the page to reload with
    its figures; *name*: a screenshot of the page while it runs."""
    if page.locator("[data-job]").count() and name:
        shot(page, name)
    # (waits by selector: the pages' Content-Security-Policy forbids the eval wait_for_function needs)
    page.wait_for_selector("[data-job]:not(:has(.job-error:not([hidden])))", state="detached", timeout=timeout)
    page.wait_for_load_state("load")  # the reloaded page, with its figures
    assert page.locator(".job-error:not([hidden])").count() == 0, page.inner_text(".job-error")


def test_every_page_loads_from_this_server_alone_without_errors(browser: Any, server: Server) -> None:
    for viewport, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
        watched = Watched(browser, server.base, viewport)
        for name, path in PAGES.items():
            watched.page.goto(path)
            settled(watched.page, f"{name}-running{suffix}")
            assert watched.page.title().endswith("smartborder")
            same_origin_only(watched.page, server.base)
            every_control_labelled(watched.page)
            charts_drawn(watched.page)
            if viewport is PHONE:  # nothing wider than the screen but what scrolls inside its own box
                width = watched.page.evaluate("document.documentElement.scrollWidth")
                assert width <= PHONE["width"] + 1, f"{name} is {width}px wide on a phone"
            shot(watched.page, name + suffix)
        watched.close()


def test_the_overview_shows_bts_volumes_at_once_and_the_simulated_year_when_done(
    watched: Watched, server: Server
) -> None:
    page = watched.page
    page.goto("/")
    rows = page.locator("#ports-table tbody tr")
    assert rows.count() >= 25
    assert page.locator("#ports-table tbody tr[data-id='2304'] a").inner_text() == "Laredo"
    # The border-year runs in the background; the page follows it and reloads when it is done.
    settled(page)
    page.wait_for_selector("#total-cost")
    charts_drawn(page)
    assert page.locator("#kpi").input_value() == "delay_cost_usd"
    total = float(page.locator("#total-cost").get_attribute("data-value"))
    costs = [
        float(v)
        for v in page.locator("#ports-table td[data-key='delay_cost_usd']").evaluate_all(
            "cells => cells.map(c => c.dataset.value).filter(v => v !== '')"
        )
    ]
    assert len(costs) >= 25 and sum(costs) == pytest.approx(total, rel=1e-9)
    page.locator("#ports-table th button", has_text="Cost").click()  # sort: ascending, then descending
    first = (
        page.locator("#ports-table tbody tr").first.locator("td[data-key='delay_cost_usd']").get_attribute("data-value")
    )
    assert float(first) == min(costs)
    shot(page, "overview-simulated")
    page.locator("#ports-table tbody tr[data-id='2603'] a").click()
    page.wait_for_url("**/ports/2603")
    settled(page)
    page.wait_for_selector("#summary-table")
    charts_drawn(page)
    shot(page, "port-naco-simulated")


def test_a_studio_run_shows_what_the_cli_prints_for_the_same_inputs(
    watched: Watched, server: Server, tmp_path: Path
) -> None:
    page = watched.page
    page.goto("/studio?" + "&".join(f"{k}={v}" for k, v in STUDIO.items()))
    page.fill("#f-name", "studio-test")
    page.select_option("#f-booth0_class", "pov")
    page.select_option("#f-booth0_lane", "standard")
    page.fill("#f-booth0_delta", "1")
    page.fill("#f-booth0_from", "6")
    page.fill("#f-booth0_to", "22")
    page.fill("#f-growth_truck", "1.2")
    shot(page, "studio-levers")
    page.click("#run")
    page.wait_for_url("**/studio/results/*")
    key = page.url.rsplit("/", 1)[1]
    settled(page, "studio-running")
    page.wait_for_selector("#comparison-table")
    charts_drawn(page)
    shot(page, "studio-result")

    shown = page.locator(".comparison-table tbody tr").evaluate_all("""rows => rows.map(r => ({
        place: r.dataset.place, class: r.dataset.class, lane: r.dataset.lane, figure: r.dataset.figure,
        baseline: r.querySelector('[data-field=baseline]').dataset.value,
        scenario: r.querySelector('[data-field=scenario]').dataset.value,
        change: r.querySelector('[data-field=change]').dataset.value,
        ci95: r.querySelector('[data-field=change]').dataset.ci95}))""")
    # The command the page shows, run on the scenario file the page offers, prints the same figures.
    scenario = tmp_path / f"scenario-{key}.toml"
    scenario.write_bytes(page.request.get(f"/studio/results/{key}.toml").body())
    command = shlex.split(page.locator("#cli-command").inner_text())
    assert command[:2] == ["smartborder", "compare"] and command[3] == scenario.name
    printed = subprocess.run(
        [sys.executable, "-m", "smartborder", *command[1:]], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    cli = json.loads(printed.stdout)
    assert cli["months"] == [STUDIO["period"]] and cli["replications"] == 2 and cli["seed"] == 3
    assert page.request.get(f"/studio/results/{key}.json").json() == cli
    (rows,) = cli["summary"].values()

    def number(text: str | None) -> float | None:
        return None if text in (None, "") else float(text)

    on_page = {(c["place"], c["class"], c["lane"], c["figure"]): c for c in shown}
    assert len(on_page) == len(shown) == len(rows)
    for row in rows:
        cells = on_page[(row["place"], row["class"], row["lane"], row["figure"])]
        for name in ("baseline", "scenario", "change", "ci95"):
            assert number(cells[name]) == row[name], (row, cells)
    assert any(row["change"] for row in rows), "the levers changed nothing: a weak test"

    # The result's address is shareable: another browser opens it from the cache at once.
    other = Watched(watched.page.context.browser, server.base)
    other.page.goto(f"/studio/results/{key}")
    assert other.page.locator(".comparison-table tbody tr").count() == len(rows)
    other.close()


VIEWS = ("custody", "targeting", "permits")
#: Roles that may open each view (service.auth's groups) and one that may not.
ALLOWED = {"custody": "officer", "targeting": "analyst", "permits": "officer"}
REFUSED = {
    "custody": ("applicant", "analyst"),
    "targeting": ("applicant", "carrier"),
    "permits": ("analyst", "auditor"),
}


def sign_in(page: Any, server: Server, role: str) -> None:
    page.goto("/operations")
    page.fill("#token", server.tokens[role])
    page.click("#signin button[type=submit]")
    page.locator("#signed-in", has_text=f"(role {role})").wait_for()


def open_view(page: Any, view: str) -> str:
    page.goto(f"/operations/{view}")
    page.wait_for_selector("#ops:not([data-state=loading])")
    state: str = page.get_attribute("#ops", "data-state")
    return state


def test_each_operations_view_refuses_the_wrong_role(watched: Watched, server: Server) -> None:
    page = watched.page
    for view, roles in REFUSED.items():
        for role in roles:
            sign_in(page, server, role)
            assert open_view(page, view) == "refused", (view, role)
            assert page.locator("#ops [role=alert]").inner_text().startswith(f"Refused: the role {role} may not")
            # and the server refuses the data itself, whatever a page does
            response = page.request.get(
                f"/dashboard/api/ops/{view}", headers={"Authorization": f"Bearer {server.tokens[role]}"}
            )
            assert response.status == 403, (view, role, response.text())
            assert response.json()["detail"][0]["field"] == "role"
        shot(page, f"ops-{view}-refused")
    assert page.request.get("/dashboard/api/ops/custody").status == 401  # no token at all
    page.evaluate("sessionStorage.clear()")
    assert open_view(page, "custody") != "ready"


def test_the_operations_views_show_their_records_to_the_right_roles(watched: Watched, server: Server) -> None:
    page = watched.page
    for view, role in ALLOWED.items():
        sign_in(page, server, role)
        assert open_view(page, view) == "ready", (view, role, page.inner_text("#ops"))
        charts_drawn(page)
        shot(page, f"ops-{view}")
        if view == "custody":
            listed = page.locator("#ops table").first.locator("tbody tr")
            assert sorted(listed.locator(".badge").all_inner_texts()) == ["broken", "suspect"]
            for status, finding in (("broken", "seal broken"), ("suspect", "off corridor")):
                listed.filter(has_text=status).click()
                page.wait_for_selector(f"#evidence h2 .badge.{status}")
                page.wait_for_selector("#track-map[data-drawn]")
                assert finding in page.inner_text("#evidence")
                shot(page, f"ops-custody-{status}")
        elif view == "targeting":
            assert "6" in page.locator(".tile .value").first.inner_text()
        else:
            assert page.locator("#ops table tbody tr").count() == 3
    watched.page.set_viewport_size(PHONE)
    sign_in(page, server, "admin")
    assert open_view(page, "custody") == "ready"
    charts_drawn(page)
    shot(page, "ops-custody-phone")
