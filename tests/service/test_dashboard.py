"""The dashboard without a browser: its pages render on the server, its JSON refuses the wrong
roles, the studio's form and scenario files round-trip, jobs are keyed by their inputs and a
failed simulation says why. (The browser tests are in test_dashboard_browser.py.)"""

from __future__ import annotations

import ast
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from smartborder.policy.studies.scenario import Scenario
from smartborder.service.app import create_app
from smartborder.service.auth import create_token
from smartborder.service.dashboard import pages, studio
from smartborder.service.dashboard.jobs import JobRunner, job_key
from smartborder.service.db import session_factory
from smartborder.service.settings import Settings

PACKAGE = Path(pages.__file__).parent


@pytest.fixture
def app_client(db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings=Settings(database_url=db_url, cache_dir=tmp_path / "cache"))) as client:
        yield client


def bearer(db_url: str, role: str, **who: str) -> dict[str, str]:
    with session_factory(db_url)() as session:
        value = create_token(session, role, org=who.get("org"), subject=who.get("subject"))
        session.commit()
    return {"Authorization": f"Bearer {value}"}


def test_the_overview_renders_bts_volumes_and_cached_simulated_figures(app_client: TestClient) -> None:
    """A border-year found in the cache is shown at once (no simulation is started)."""
    runner: JobRunner = app_client.app.state.dashboard  # type: ignore[attr-defined]
    spec = {"year": 2023, "replications": 1, "seed": 0}
    stored = runner.path("border", job_key("border", spec))
    stored.parent.mkdir(parents=True)
    ports = [{"code": "2304", "delay_cost_usd": 1_234_567.0, "truck_wait_min": 12.5, "car_wait_min": None}]
    stored.write_text(
        json.dumps(
            {
                "key": stored.stem,
                "kind": "border",
                "spec": spec,
                "seconds": 1.0,
                "result": {
                    "year": 2023,
                    "replications": 1,
                    "seed": 0,
                    "seconds": 1.0,
                    "ports": ports,
                    "crossings": [],
                    "totals": {
                        "vehicles": 1.0,
                        "delay_cost_usd": 1_234_567.0,
                        "delay_person_hours": 10.0,
                        "co2_tonnes": 1.0,
                    },
                },
            }
        )
    )
    page = app_client.get("/", params={"year": 2023})
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    html = page.text
    assert 'data-job="' not in html  # nothing to wait for
    assert '<tr data-id="2304">' in html and "$1.2M" in html and 'data-value="12.5"' in html
    assert "https://" not in html.replace("https://www.w3.org", "")
    assert app_client.get("/", params={"year": 1990}).status_code == 404


def test_pages_without_a_simulation_render(app_client: TestClient) -> None:
    for path in (
        "/studio",
        "/studio?base=new-port-laredo",
        "/operations",
        "/operations/custody",
        "/operations/targeting",
        "/operations/permits",
    ):
        response = app_client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
    form = app_client.get("/studio", params={"base": "night-booths"}).text
    assert 'name="booth0_delta" type="number" value="2"' in form
    assert app_client.get("/ports/9999").status_code == 404
    assert app_client.get("/operations/nope").status_code == 404
    assert app_client.get(f"/studio/results/{'0' * 20}").status_code == 404
    assert app_client.get(f"/studio/results/{'0' * 20}.json").status_code == 404
    plotly = app_client.get(pages.PLOTLY)
    assert plotly.status_code == 200 and plotly.headers["content-type"].startswith("text/javascript")
    assert len(plotly.content) > 1_000_000
    assert app_client.get("/favicon.ico").status_code == 200


def test_a_bad_studio_form_is_refused_naming_each_field(app_client: TestClient) -> None:
    response = app_client.post(
        "/studio/run",
        content="port=nowhere&period=2024-13&replications=99&share_truck_FAST=2",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 422
    for name in ("port", "period", "replications", "share_truck_FAST"):
        assert f"<li>{name}:" in response.text


def test_the_dashboard_routes_are_not_part_of_the_api_contract(app_client: TestClient) -> None:
    paths = app_client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p == "/" or p.startswith(("/dashboard", "/studio", "/ports", "/operations"))]


def test_operations_json_needs_a_token_of_a_role_the_view_allows(app_client: TestClient, db_url: str) -> None:
    assert app_client.get("/dashboard/api/whoami").status_code == 401
    me = app_client.get("/dashboard/api/whoami", headers=bearer(db_url, "analyst")).json()
    assert me["role"] == "analyst" and me["views"] == {"custody": False, "targeting": True, "permits": False}
    for view, good, bad in (
        ("custody", "booth_officer", "shipper"),
        ("targeting", "auditor", "applicant"),
        ("permits", "officer", "analyst"),
    ):
        who = {"subject": "p1"} if bad == "applicant" else {"org": "x"} if bad == "shipper" else {}
        refused = app_client.get(f"/dashboard/api/ops/{view}", headers=bearer(db_url, bad, **who))
        assert refused.status_code == 403 and refused.json()["detail"][0]["field"] == "role"
        assert app_client.get(f"/dashboard/api/ops/{view}", headers=bearer(db_url, good)).status_code == 200
    missing = app_client.get("/dashboard/api/ops/custody/nope", headers=bearer(db_url, "officer"))
    assert missing.status_code == 404


FORM = {
    "port": "2603",
    "period": "2024-06",
    "replications": "2",
    "seed": "3",
    "name": "mixed levers",
    "share_truck_FAST": "0.4",
    "pre_inspected": "0.2",
    "growth_pov": "1.1",
    "booth0_class": "pov",
    "booth0_lane": "standard",
    "booth0_delta": "2",
    "booth0_from": "22",
    "booth0_to": "6",
    "booth0_days": "weekday",
    "hours0_class": "truck",
    "hours0_from": "6",
    "hours0_to": "24",
    "hours0_weekends": "on",
    "new_port_name": "Naco east",
    "new_port_share": "0.1",
}


def test_a_studio_form_is_the_scenario_file_the_cli_reads(tmp_path: Path) -> None:
    checked = studio.read_form(FORM)
    assert checked.errors == {} and checked.run is not None
    scenario = checked.run.scenario
    assert scenario.classes["truck"].entitlements == {"FAST": 0.4}
    assert scenario.booths[0].hours == (22, 6) and scenario.booths[0].days == "weekday"
    assert scenario.hours[0].open_sunday == (6, 24)
    assert scenario.new_port is not None and scenario.new_port.takes == {"2603": 0.1}
    path = tmp_path / "scenario.toml"
    path.write_text(checked.run.toml())
    assert Scenario.from_toml(path) == scenario
    again = studio.read_form(
        studio.form_of(scenario) | {k: FORM[k] for k in ("port", "period", "replications", "seed")}
    )
    assert again.run is not None and again.run.scenario == scenario
    assert checked.run.command() == "smartborder compare 2603 scenario.toml --month 2024-06 -r 2 --seed 3 --json"
    for name, shipped in studio.shipped().items():  # every shipped scenario fills the form and comes back
        back = studio.read_form(studio.form_of(shipped) | {"port": "laredo", "period": "2024"}).run
        assert back is not None and _levers(back.scenario) == _levers(shipped), name  # sources are words, not levers


def _levers(scenario: Scenario) -> object:
    """The scenario without its distributions' ``source`` texts."""

    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "source"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(scenario.model_dump())


def test_the_studio_sets_the_trucks_whole_crossing() -> None:
    """The studio's chain fields are the scenario file's [classes.truck.chain]: joint inspection,
    Mexico's red light, the state's share and minutes; any of them studies the whole crossing."""
    base = {k: FORM[k] for k in ("port", "period", "replications", "seed")}
    run = studio.read_form(
        base | {"chain_joint": "on", "chain_red": "0.05", "chain_state_share": "1", "chain_state_minutes": "50"}
    ).run
    assert run is not None and run.scenario.whole_crossing
    chain = run.scenario.classes["truck"].chain
    assert chain is not None and chain.joint is not None and chain.joint.lanes == ["FAST"]
    assert chain.mexico_exam is not None and chain.mexico_exam.share == 0.05
    assert chain.state is not None and chain.state.share == 1 and chain.state.service is not None
    assert chain.state.service.mean == 50
    assert not studio.read_form(base).run.scenario.whole_crossing  # type: ignore[union-attr]
    checked = studio.read_form(base | {"chain_red": "2", "chain_state_cv": "0.3"})
    assert set(checked.errors) == {"chain_red", "chain_state_cv"}


def test_jobs_are_keyed_by_their_inputs() -> None:
    spec = {"port": "2603", "period": "2024-06", "replications": 2, "seed": 3, "scenario": "name = 'a'\n"}
    assert job_key("compare", spec) == job_key("compare", dict(reversed(spec.items())))
    assert job_key("compare", spec) != job_key("compare", {**spec, "seed": 4})
    assert job_key("compare", spec) != job_key("simulate", spec)


def test_a_failed_simulation_says_why(tmp_path: Path) -> None:
    runner = JobRunner(tmp_path)
    job = runner.submit("simulate", {"port": "2603", "month": "2031-01", "replications": 1, "seed": 0})
    assert runner.submit("simulate", dict(job.spec)) is job  # asked again while it runs: the same job
    deadline = time.monotonic() + 60
    while job.state in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert job.state == "failed"
    assert job.error is not None and "2031-01" in job.error and "Naco" in job.error
    assert runner.result("simulate", job.key) is None


def test_figures_cannot_close_their_script_tag() -> None:
    text = pages.figure_json({"data": [{"name": "</script><script>alert(1)</script>", "y": [float("nan")]}]})
    assert "<" not in text and json.loads(text)["data"][0]["name"].startswith("</script>")
    assert json.loads(text)["data"][0]["y"] == [None]


def test_changes_are_signed_only_when_they_show() -> None:
    assert [pages.signed(v) for v in (1.25, -2.0, -0.01, 0.0, None, 12_345.0)] == [
        "+1.2",
        "−2.0",
        "0.0",
        "0.0",
        "–",
        "+12.3k",
    ]


def test_the_dashboard_reads_records_through_the_operations_layer() -> None:
    """Routes call ``*_operations`` (api → operations → domain → store), never models or stores."""
    found = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
    service = {
        m for m in found if m.startswith("smartborder.service.") and not m.startswith("smartborder.service.dashboard")
    }
    assert not {m for m in service if "_models" in m or "_store" in m or m.endswith(".models") or "_api" in m}
    assert {
        "smartborder.service.custody_operations",
        "smartborder.service.targeting_operations",
        "smartborder.service.permits_operations",
    } <= service


def test_page_views_queue_a_bounded_number_of_simulations(app_client: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Anonymous views of many months start at most MAX_PAGE_PENDING simulations; the next is a
    503 with Retry-After (the page says why), and the studio keeps its own places."""
    from smartborder.service.dashboard import jobs

    monkeypatch.setattr(jobs.JobRunner, "_run", lambda self, job: None)  # every job stays queued
    runner: JobRunner = app_client.app.state.dashboard  # type: ignore[attr-defined]
    statuses = [app_client.get("/ports/2304", params={"month": f"2024-{m:02d}"}).status_code for m in range(1, 13)]
    assert statuses == [200] * jobs.MAX_PAGE_PENDING + [503] * (12 - jobs.MAX_PAGE_PENDING)
    refused = app_client.get("/ports/2304", params={"month": "2024-12"})
    assert refused.headers["retry-after"] == str(jobs.BUSY_RETRY_S) and "waiting or running" in refused.text
    assert app_client.get("/ports/2304", params={"month": "2024-01"}).status_code == 200  # already queued: shown
    studio = runner.submit(
        "compare",
        {"port": "2304", "period": "2024-06", "replications": 1, "seed": 0, "scenario": 'name = "x"'},
        limit=True,
    )
    assert studio.state == "queued" and studio.studio


def test_a_studio_post_keeps_only_its_own_fields_on_disk(app_client: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """What is written to disk with a studio run is bounded: field names like the studio's, at
    most MAX_FORM_FIELDS of them, each value at most MAX_FORM_VALUE long (2 MB posted here)."""
    from urllib.parse import urlencode

    from smartborder.service.dashboard import jobs, pages

    monkeypatch.setattr(jobs.JobRunner, "_run", lambda self, job: None)
    junk = {f"junk{k}": "x" * 100_000 for k in range(20)} | {"Not A Field!": "y" * 1000}
    form = {
        "port": "colombia",
        "period": "2024-06",
        "replications": "1",
        "seed": "0",
        "name": "mine",
        "description": "d" * 2000,
        **junk,
    }
    response = app_client.post(
        "/studio/run",
        content=urlencode(form),
        follow_redirects=False,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 303, response.text[:500]
    key = response.headers["location"].rsplit("/", 1)[1]
    runner: JobRunner = app_client.app.state.dashboard  # type: ignore[attr-defined]
    stored = runner.path("compare", key, ".inputs.json")
    kept = json.loads(stored.read_text("utf-8"))["form"]
    assert "Not A Field!" not in kept and len(kept["description"]) == pages.MAX_FORM_VALUE
    assert max(len(v) for v in kept.values()) <= pages.MAX_FORM_VALUE
    assert stored.stat().st_size < pages.MAX_FORM_FIELDS * pages.MAX_FORM_VALUE + 10_000


def test_another_site_cannot_post_a_studio_run(app_client: TestClient) -> None:
    """Cross-site request forgery: a form on another site posting to the studio is refused (403),
    by the browser's Sec-Fetch-Site or by an Origin that is not this host; the studio's own
    form, and clients that send neither header, go through (to the form's checks: 422 here)."""
    form = {"content-type": "application/x-www-form-urlencoded"}
    for extra in ({"sec-fetch-site": "cross-site"}, {"origin": "https://evil.example"}):
        refused = app_client.post("/studio/run", content="port=nowhere", headers={**form, **extra})
        assert refused.status_code == 403 and "frame-ancestors 'none'" in refused.headers["content-security-policy"]
    for extra in ({"sec-fetch-site": "same-origin"}, {"origin": "http://testserver"}, {}):
        allowed = app_client.post("/studio/run", content="port=nowhere", headers={**form, **extra})
        assert allowed.status_code == 422


def test_the_api_docs_cannot_be_framed(app_client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        response = app_client.get(path)
        assert response.status_code == 200
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_the_share_link_does_not_echo_the_host_header(app_client: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A result page requested with a forged Host header (a poisoned cache or a proxy passing it
    on) names no other host: the share link is the result's path, completed by the page's own
    origin in the browser."""
    from urllib.parse import urlencode

    from smartborder.service.dashboard import jobs

    monkeypatch.setattr(jobs.JobRunner, "_run", lambda self, job: None)  # queued, never run here
    form = {"port": "colombia", "period": "2024-06", "replications": "1", "seed": "0", "name": "mine"}
    posted = app_client.post(
        "/studio/run",
        content=urlencode(form),
        follow_redirects=False,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert posted.status_code == 303, posted.text[:500]
    path = posted.headers["location"]
    page = app_client.get(path, headers={"host": "evil.example"})
    assert page.status_code == 200 and "evil.example" not in page.text
    assert f'value="{path}"' in page.text and "data-origin-relative" in page.text


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads process states from /proc")
def test_a_killed_server_takes_its_simulation_worker_with_it(tmp_path: Path) -> None:
    """A server killed outright (no shutdown to stop its workers) leaves no simulation running:
    the worker sees it has been orphaned and stops, with the processes it forked."""
    import subprocess
    import sys
    import time

    def alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, IndexError):
            return False
        return state not in ("Z", "X")

    request = {
        "kind": "border",
        "key": "k",
        "spec": {"year": 2024, "replications": 1, "seed": 0},
        "out": str(tmp_path / "out.json"),
    }
    server = (
        "import json, subprocess, sys, time\n"
        "from smartborder.service.dashboard.worker import worker_env\n"
        "child = subprocess.Popen([sys.executable, '-m', 'smartborder.service.dashboard.worker'],\n"
        "    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,\n"
        "    start_new_session=True, env=worker_env())\n"
        f"child.stdin.write({json.dumps(request)!r}); child.stdin.close()\n"
        "print(child.pid, flush=True); time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", server], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    time.sleep(1.0)
    assert alive(worker)
    parent.kill()
    parent.wait()
    parent.stdout.close()
    deadline = time.monotonic() + 20
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(worker)
    assert not (tmp_path / "out.json").exists()
