"""The dashboard's routes: server-rendered pages, the jobs they wait on, and the JSON the
operations views read with the caller's token.

Public pages (no token): the border overview ``/``, port pages ``/ports/{code}``, the scenario
studio ``/studio`` and its results ``/studio/results/{key}`` (``.json``: what ``smartborder
compare … --json`` prints; ``.toml``: the scenario file). Operations (``/operations/…``) are page
shells whose data come from ``/dashboard/api/ops/…`` with ``Authorization: Bearer TOKEN``,
each gated by the roles in ``VIEWS`` (``service.auth``'s groups), through the operations layer.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit

import pandas as pd
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from smartborder import __version__, data
from smartborder.numbers import compact
from smartborder.policy.studies.scenario import Scenario
from smartborder.service import custody_operations, permits_operations, targeting_operations
from smartborder.service.app import ReadSession, require
from smartborder.service.auth import BOOTH, OFFICERS, ROLES, TARGETING_READERS, Caller, Role
from smartborder.service.dashboard import figures, studio, views
from smartborder.service.dashboard.geo import border_region
from smartborder.service.dashboard.jobs import BUSY_RETRY_S, Busy, JobRunner, clean
from smartborder.vocabulary import ALL_CROSSINGS, ALL_LANES

HERE = Path(str(files("smartborder.service.dashboard")))
STATIC = "/dashboard/static"
PLOTLY = "/dashboard/vendor/plotly.min.js"
#: The policy every page is served with: scripts, styles, images and requests from this server
#: only (plotly sets inline styles on the charts it draws, hence 'unsafe-inline' for styles).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
#: Replications of a port page's month (``simulate``'s default).
PORT_REPLICATIONS = 5

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(HERE / "templates"))


@dataclass(frozen=True)
class View:
    """An operations view: what it shows and the roles that may see it."""

    name: str
    title: str
    summary: str
    roles: tuple[str, ...]


VIEWS = {
    v.name: v
    for v in (
        View(
            "custody",
            "Custody board",
            "Shipments whose custody is suspect or broken, with the evidence on a map of the track.",
            tuple(r.value for r in BOOTH),
        ),
        View(
            "targeting",
            "Targeting statistics",
            "Inspection and hit rates, targeted against random selection, and the thresholds in force.",
            tuple(r.value for r in TARGETING_READERS),
        ),
        View(
            "permits",
            "Permit queues",
            "Applications to decide and those waiting for the annual cap, in filing order.",
            tuple(r.value for r in OFFICERS),
        ),
    )
}


# --- formatting ------------------------------------------------------------------------------


def short(value: Any, digits: int = 1) -> str:
    """1234567 → 1.2M (as the CLI's tables print), None → –."""
    return compact(views.finite(value), digits)


def number(value: Any, digits: int = 0) -> str:
    found = views.finite(value)
    return "–" if found is None else f"{found:,.{digits}f}"


def money(value: Any) -> str:
    found = views.finite(value)
    return "–" if found is None else "$" + short(found, 0)


def signed(value: Any, digits: int = 1) -> str:
    """A change: +1.2, −3.4k, 0.0 (no sign on what rounds to nothing), – when missing."""
    found = views.finite(value)
    if found is None:
        return "–"
    text = short(abs(found), digits)
    if not text.strip("0.,"):
        return text
    return ("+" if found > 0 else "−") + text


def kpi_text(kpi: views.Kpi, value: Any) -> str:
    if kpi.key == "delay_cost_usd":
        return money(value)
    return number(value, kpi.digits) if kpi.digits else short(value, 0)


def raw(value: Any) -> str:
    """A number as a data attribute: repr (round-trips exactly), empty when missing."""
    found = views.finite(value)
    return "" if found is None else repr(found)


@lru_cache(maxsize=1)
def _asset_version() -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted((HERE / "static").iterdir()):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def static(name: str) -> str:
    return f"{STATIC}/{name}?v={_asset_version()}"


templates.env.globals.update(static=static, plotly=PLOTLY, version=__version__, views=VIEWS)
templates.env.filters.update(short=short, number=number, money=money, raw=raw, signed=signed)


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    response = templates.TemplateResponse(request, template, context, status_code=status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def not_found(request: Request, what: str) -> HTMLResponse:
    return page(request, "error.html", 404, title="Not found", message=what)


def busy(request: Request, exc: Busy, section: str | None = None) -> HTMLResponse:
    """503 with ``Retry-After``: too many simulations are waiting for another to be queued."""
    response = page(
        request,
        "error.html",
        503,
        section=section,
        title="Busy",
        message=f"{exc} (the page's volumes need no simulation; its simulated figures do).",
    )
    response.headers["Retry-After"] = str(BUSY_RETRY_S)
    return response


def runner(request: Request) -> JobRunner:
    jobs: JobRunner = request.app.state.dashboard
    return jobs


def figure_json(figure: dict[str, Any]) -> str:
    """A figure as JSON to put in a page's ``<script type="application/json">`` (NaN as null,
    which plotly draws as a gap; ``<``, ``>`` and ``&`` escaped so no text can close the tag)."""
    text = json.dumps(clean(figure), separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- the border overview ------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, year: int | None = None, kpi: str | None = None, level: str = "port") -> HTMLResponse:
    choices = views.years()
    year = views.default_year() if year is None else year
    if year not in choices:
        return not_found(request, f"No border data for {year}: years {choices[-1]}–{choices[0]} are available.")
    level = "crossing" if level == "crossing" else "port"
    try:
        job = runner(request).submit("border", {"year": year, "replications": 1, "seed": 0})
    except Busy as exc:
        return busy(request, exc, section="border")
    stored = runner(request).result("border", job.key) if job.state == "done" else None
    simulated = stored["result"] if stored else None
    rows = views.overview_rows(year, level, simulated)
    asked = views.KPIS.get(kpi or "")
    chosen = asked or views.KPIS["delay_cost_usd" if simulated else "cars"]
    waiting_for = None
    if chosen.simulated and simulated is None:
        waiting_for, chosen = chosen, views.KPIS["cars"]
    texts = [kpi_text(chosen, r.get(chosen.key)) for r in rows]
    figure = figures.border_map(rows, chosen.key, chosen.label, chosen.unit, chosen.colours, border_region(), texts)
    rows.sort(key=lambda r: -(views.finite(r.get(chosen.key)) or -1.0))
    bts = {k: sum(r[k] for r in rows) for k in views.VOLUMES}
    return page(
        request,
        "overview.html",
        section="border",
        title=f"US–Mexico border {year}",
        year=year,
        years=choices,
        level=level,
        kpi=chosen,
        kpis=views.KPIS,
        waiting_for=waiting_for,
        rows=rows,
        figure=figure_json(figure),
        job=job.as_dict(),
        simulated=simulated,
        bts=bts,
        note=views.year_note(year),
        geography=border_region()["source"],
    )


# --- port pages ---------------------------------------------------------------------------


def _series(series: pd.Series) -> tuple[list[str], list[float]]:
    return [f"{m}-01" for m in series.index.astype(str)], [float(v) for v in series.to_numpy()]


@lru_cache(maxsize=64)
def _volume_charts(code: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """A port's monthly volume charts (plotly JSON, one per measure) and their series colours: the
    shipped data's, the same for every month and visitor, so built once per port."""
    crossings = data.crossings_of(code)
    names = ["port total (BTS)", *(c.name for c in crossings if len(crossings) > 1)]
    colours = {name: figures.SERIES_COLOURS[k % len(figures.SERIES_COLOURS)] for k, name in enumerate(names)}
    volumes = []
    for measure in views.VOLUMES.values():
        lines: dict[str, tuple[list[str], list[float]]] = {}
        total = data.monthly_series(code, measure)
        if not total.empty and total.any():
            lines["port total (BTS)"] = _series(total)
        if len(crossings) > 1:
            for c in crossings:
                try:
                    own = c.series(measure)
                except data.DataError:
                    continue
                if not own.empty and own.any():
                    lines[c.name] = _series(own)
        if lines:
            volumes.append(figure_json(figures.volume_chart(lines, f"{measure} a month", colours)))
    return tuple(volumes), colours


@router.get("/ports/{code}", response_class=HTMLResponse)
def port_page(
    request: Request, code: str, month: str | None = None, crossing: str | None = None, day: str = "weekday"
) -> HTMLResponse:
    port = views.port_or_none(code)
    crossings = data.crossings_of(code) if port else ()
    if port is None or not crossings:
        return not_found(request, f"No US–Mexico port with BTS code {code!r}; the overview lists them all.")
    chosen = next((c for c in crossings if c.id == crossing), None)
    day = "weekend" if day == "weekend" else "weekday"
    months = views.month_choices(crossings)
    problem = None
    if month is not None and month not in months:
        first, last = max(c.first_month for c in crossings), min(c.last_month for c in crossings)
        try:
            period = data.parse_month(month)
        except data.DataError as exc:
            problem = str(exc)
        else:
            if first <= period <= last:
                months.append(str(period))
            else:
                problem = f"{port.label} has data for every crossing from {first} to {last}, not {month}"
        if problem:
            month = None
    month = month or views.default_month(crossings)
    # The queue's bound first: a refused view (503) must not build the page's charts, or a flood of
    # views of new months spends memory and threads on pages nobody gets (bench/bench_flood.py).
    try:
        job = runner(request).submit(
            "simulate", {"port": code, "month": month, "replications": PORT_REPLICATIONS, "seed": 0}
        )
    except Busy as exc:
        return busy(request, exc, section="border")
    volumes, colours = _volume_charts(code)
    stored = runner(request).result("simulate", job.key) if job.state == "done" else None
    simulated = stored["result"] if stored else None
    charts: list[tuple[str, str]] = []
    summary: list[dict[str, Any]] = []
    sources: list[str] = []
    if simulated is not None:
        where = chosen.id if chosen else None
        part = next((c for c in simulated["crossings"] if c["id"] == where), None) if where else None
        hourly = part["hourly"] if part else simulated["hourly"]
        staffing = part["staffing"] if part else simulated["staffing"]
        observed, sources = views.observed_hourly(
            (chosen,) if chosen else crossings, month, request.app.state.settings.observations
        )
        for vehicle in sorted(
            hourly, key=lambda v: list(figures.CLASS_NAMES).index(v) if v in figures.CLASS_NAMES else 9
        ):
            charts.append(
                (
                    vehicle,
                    figure_json(
                        figures.hourly_chart(
                            vehicle, day, hourly[vehicle], staffing.get(vehicle, {}), observed.get(vehicle, {})
                        )
                    ),
                )
            )
        from smartborder.vocabulary import short_name

        if part is not None:
            place = short_name(part["name"])
        elif len(simulated["crossings"]) > 1:
            place = ALL_CROSSINGS
        else:
            place = short_name(simulated["crossings"][0]["name"])
        summary = [r for r in simulated.get("summary", []) if r["place"] == place]
    provenance = [(c, views.provenance(c.id)) for c in ((chosen,) if chosen else crossings)]
    studio_link = "/studio?" + urlencode({"port": chosen.id if chosen else code, "period": month})
    return page(
        request,
        "port.html",
        section="border",
        title=port.label,
        port=port,
        crossings=crossings,
        chosen=chosen,
        month=month,
        months=months,
        problem=problem,
        volumes=volumes,
        job=job.as_dict(),
        simulated=simulated,
        charts=charts,
        summary=summary,
        sources=sources,
        provenance=provenance,
        studio_link=studio_link,
        replications=PORT_REPLICATIONS,
        day=day,
        legend=colours,
        names=figures.CLASS_NAMES,
    )


# --- the scenario studio ------------------------------------------------------------------


def _defaults() -> dict[str, str]:
    return {"port": "2304", "period": str(data.last_month()), "replications": "5", "seed": "0", "name": "studio"}


@router.get("/studio", response_class=HTMLResponse)
def studio_form(request: Request) -> HTMLResponse:
    query = dict(request.query_params)
    form = _defaults()
    base = query.get("base")
    shipped = studio.shipped()
    if base in shipped:
        form.update(studio.form_of(shipped[base]))
    form.update({k: v for k, v in query.items() if k != "base"})
    return page(
        request,
        "studio.html",
        section="studio",
        title="Scenario studio",
        form=form,
        errors={},
        base=base,
        shipped=shipped,
        places=studio.place_choices(),
        booth_rows=range(studio.BOOTH_ROWS),
        hours_rows=range(studio.HOURS_ROWS),
        classes=studio.CLASSES,
        lanes=studio.LANES,
        shares=studio.SHARES,
    )


def _inputs_path(request: Request, key: str) -> Path:
    return runner(request).path("compare", key, ".inputs.json")


def same_site(request: Request) -> bool:
    """Whether a browser's POST comes from this site's own pages: the browser says so
    (``Sec-Fetch-Site``), or its ``Origin`` names this host. A request with neither (a script, an
    old browser) is let through: the check stops another site from making a visitor's browser
    post studio runs (cross-site request forgery), not a client that asks itself."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host", "")


@router.post("/studio/run", response_model=None)
async def studio_run(request: Request) -> Response:
    if not same_site(request):
        response = HTMLResponse(
            "<!doctype html><title>Refused</title><p>A studio run starts from this site's own studio page.</p>",
            status_code=403,
        )
        response.headers["Content-Security-Policy"] = CSP
        return response
    body = (await request.body()).decode("utf-8", errors="replace")
    form = dict(parse_qsl(body, keep_blank_values=True))
    checked = studio.read_form(form)
    if checked.run is None:
        return page(
            request,
            "studio.html",
            422,
            section="studio",
            title="Scenario studio",
            form=form,
            errors=checked.errors,
            base=None,
            shipped=studio.shipped(),
            places=studio.place_choices(),
            booth_rows=range(studio.BOOTH_ROWS),
            hours_rows=range(studio.HOURS_ROWS),
            classes=studio.CLASSES,
            lanes=studio.LANES,
            shares=studio.SHARES,
        )
    spec = checked.run.spec()
    try:
        job = runner(request).submit("compare", spec, limit=True)
    except Busy as exc:
        return busy(request, exc, section="studio")
    path = _inputs_path(request, job.key)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = kept_fields(form)
        path.write_text(json.dumps({"spec": spec, "form": kept}, ensure_ascii=False), "utf-8")
    return RedirectResponse(f"/studio/results/{job.key}", status_code=303)


KEY = re.compile(r"^[0-9a-f]{20}$")
#: What of a posted studio form is kept on disk to show it again with its result: field names
#: as the studio's own (lower-case words), at most this many, each value at most this long.
#: Anything else posted is dropped (issue 27: every posted field was written, 84 MB in 12 posts).
FORM_FIELD = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FORM_FIELDS, MAX_FORM_VALUE = 100, 500


def kept_fields(form: dict[str, str]) -> dict[str, str]:
    """The part of a posted studio form worth keeping (see ``FORM_FIELD``)."""
    kept: dict[str, str] = {}
    for name, value in form.items():
        if FORM_FIELD.match(name) and value.strip() and len(kept) < MAX_FORM_FIELDS:
            kept[name] = value[:MAX_FORM_VALUE]
    return kept


def _inputs(request: Request, key: str) -> dict[str, Any] | None:
    if not KEY.match(key):
        return None
    try:
        found: dict[str, Any] = json.loads(_inputs_path(request, key).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return found


def _missing(key: str) -> JSONResponse:
    return JSONResponse(
        {
            "detail": [
                {
                    "field": "key",
                    "problem": f"no studio result {key!r} in this server's cache; "
                    "run the scenario again from the studio",
                }
            ]
        },
        status_code=404,
    )


@router.get("/studio/results/{key}.json")
def studio_result_json(request: Request, key: str) -> JSONResponse:
    stored = runner(request).result("compare", key) if KEY.match(key) else None
    if stored is None:
        return _missing(key)
    return JSONResponse(stored["result"])


@router.get("/studio/results/{key}.toml", response_model=None)
def studio_result_toml(request: Request, key: str) -> Response:
    inputs = _inputs(request, key)
    if inputs is None:
        return _missing(key)
    return PlainTextResponse(
        inputs["spec"]["scenario"],
        media_type="application/toml",
        headers={"Content-Disposition": f'attachment; filename="scenario-{key}.toml"'},
    )


@router.get("/studio/results/{key}", response_class=HTMLResponse)
def studio_result(request: Request, key: str) -> HTMLResponse:
    inputs = _inputs(request, key)
    stored = runner(request).result("compare", key) if KEY.match(key) else None
    if inputs is None and stored is None:
        return not_found(
            request,
            "No studio result with this key on this server (results live in its cache). "
            "Run the scenario again from the studio.",
        )
    spec = stored["spec"] if stored else inputs["spec"]  # type: ignore[index]
    form = inputs["form"] if inputs else {}
    run = studio.Run(
        spec["port"],
        spec["period"],
        spec["replications"],
        spec["seed"],
        Scenario.model_validate(__import__("tomllib").loads(spec["scenario"])),
    )
    job = None
    if stored is None:
        job = runner(request).job(key)
        if job is None:
            try:
                job = runner(request).submit("compare", spec)  # a restarted server: run it again
            except Busy as exc:
                return busy(request, exc, section="studio")
    result = stored["result"] if stored else None
    chart = None
    rows: list[dict[str, Any]] = []
    headlines: list[dict[str, Any]] = []
    places: list[tuple[str, list[dict[str, Any]]]] = []
    if result is not None:
        rows = next(iter(result["summary"].values()), [])
        first = _headline_place(rows)
        chart = figure_json(figures.comparison_chart(rows, first))
        headlines = _headlines(rows)
        order = [first, *dict.fromkeys(r["place"] for r in rows if r["place"] != first)]
        places = [(place, [r for r in rows if r["place"] == place]) for place in order]
    edit = "/studio?" + urlencode(form)
    return page(
        request,
        "studio_result.html",
        section="studio",
        title=f"Studio: {run.scenario.name}",
        key=key,
        run=run,
        spec=spec,
        job=job.as_dict() if job else None,
        result=result,
        rows=rows,
        chart=chart,
        edit=edit,
        command=run.command(f"scenario-{key}.toml"),
        seconds=stored["seconds"] if stored else None,
        names=figures.CLASS_NAMES,
        headlines=headlines,
        places=places,
    )


def _headline_place(rows: list[dict[str, Any]]) -> str:
    """The network total when there is one (a port of several crossings), else the one place."""
    places = [r["place"] for r in rows]
    return ALL_CROSSINGS if ALL_CROSSINGS in places else (places[0] if places else "")


def _headlines(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per class, at the place a reader wants first (the network total when there is one): the
    mean wait and the delay cost, baseline and scenario, and whether the wait got better or worse."""
    place = _headline_place(rows)
    out = []
    for vehicle in dict.fromkeys(r["class"] for r in rows):
        found = {
            r["figure"]: r for r in rows if r["place"] == place and r["class"] == vehicle and r["lane"] == ALL_LANES
        }
        wait, cost = found.get("mean wait"), found.get("delay cost")
        if wait is None:
            continue
        change = views.finite(wait.get("change")) or 0.0
        tone = (
            "worse" if wait.get("worse") else "better" if wait.get("verdict") in ("yes", "small") and change < 0 else ""
        )
        out.append(
            {
                "class": figures.CLASS_NAMES.get(vehicle, vehicle),
                "place": place,
                "wait": wait,
                "cost": cost,
                "tone": tone,
            }
        )
    return out


# --- operations ------------------------------------------------------------------------------


@router.get("/operations", response_class=HTMLResponse)
def operations(request: Request) -> HTMLResponse:
    return page(request, "operations.html", title="Operations", section="operations")


@router.get("/operations/{view}", response_class=HTMLResponse)
def operations_view(request: Request, view: str) -> HTMLResponse:
    found = VIEWS.get(view)
    if found is None:
        return not_found(request, f"No operations view {view!r}: {', '.join(VIEWS)}.")
    return page(request, "ops_view.html", title=found.title, view=found, section="operations")


# --- JSON for the pages ----------------------------------------------------------------------


@router.get("/dashboard/api/jobs/{key}")
def job_status(request: Request, key: str) -> JSONResponse:
    job = runner(request).job(key)
    if job is None:
        return JSONResponse({"detail": [{"field": "key", "problem": f"no job {key!r} on this server"}]}, 404)
    return JSONResponse(job.as_dict())


@router.get("/dashboard/api/whoami")
def whoami(caller: Caller = Depends(require(*ROLES))) -> dict[str, Any]:
    """Who the token speaks for and which operations views its role may open."""
    return {
        "role": caller.role,
        "label": caller.label,
        "org": caller.org,
        "views": {name: caller.role in view.roles for name, view in VIEWS.items()},
    }


@router.get("/dashboard/api/ops/custody")
def custody_board(session: ReadSession, caller: Caller = Depends(require(*VIEWS["custody"].roles))) -> dict[str, Any]:
    """Shipments whose recorded custody is broken or suspect (newest first, 200 of each at most)."""
    broken = custody_operations.list_shipments(session, caller, custody_status="broken", limit=200)
    suspect = custody_operations.list_shipments(session, caller, custody_status="suspect", limit=200)
    return {"items": broken["items"] + suspect["items"], "broken": broken["total"], "suspect": suspect["total"]}


@router.get("/dashboard/api/ops/custody/{shipment_id}")
def custody_evidence(
    shipment_id: str, session: ReadSession, caller: Caller = Depends(require(*VIEWS["custody"].roles))
) -> dict[str, Any]:
    """One shipment's custody with its evidence, and the map of its track."""
    found = custody_operations.custody(session, caller, shipment_id)
    journey = custody_operations.track(session, caller, shipment_id)
    placed = [
        {
            "kind": a["kind"],
            "severity": a["severity"],
            "at": a["at"],
            "lat": a["evidence"].get("lat"),
            "lon": a["evidence"].get("lon"),
        }
        for a in found["anomalies"]
        if isinstance(a.get("evidence"), dict)
    ]
    figure = figures.track_map(
        border_region(),
        journey["route"],
        journey["pings"],
        journey["events"],
        placed,
        journey["origin"],
        journey["port"],
    )
    return {
        "custody": found,
        "shipment": custody_operations.read_shipment(session, caller, shipment_id),
        "figure": clean(figure),
    }


@router.get("/dashboard/api/ops/targeting")
def targeting_board(
    session: ReadSession, caller: Caller = Depends(require(*VIEWS["targeting"].roles))
) -> dict[str, Any]:
    """The published statistics and the thresholds in force, with their charts."""
    stats = targeting_operations.stats(session)
    return {
        "stats": stats,
        "policy": targeting_operations.read_policy(session),
        "figures": {
            "hits": figures.targeting_chart(stats),
            "channels": figures.channels_chart(cast(dict[str, int], stats["channels"])),
        },
    }


@router.get("/dashboard/api/ops/permits")
def permit_queues(session: ReadSession, caller: Caller = Depends(require(*VIEWS["permits"].roles))) -> dict[str, Any]:
    """Applications to decide (pending) and those waiting for a year's cap, in filing order."""
    limit = 200
    queues = {
        status: permits_operations.list_applications(session, caller, status, limit=limit)["items"]
        for status in ("pending", "waiting")
    }
    return {"queues": queues, "limit": limit}


# --- assets and installation ---------------------------------------------------------------


@router.get(PLOTLY)
def plotly_js() -> FileResponse:
    """plotly.js as the plotly package ships it (served here: no CDN)."""
    return FileResponse(
        _plotly_path(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
    )


@lru_cache(maxsize=1)
def _plotly_path() -> str:
    return str(files("plotly") / "package_data" / "plotly.min.js")


@router.get("/favicon.ico", response_model=None)
def favicon() -> Response:
    return FileResponse(str(HERE / "static" / "favicon.svg"), media_type="image/svg+xml")


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "smartborder"


def install(app: FastAPI) -> None:
    """Add the dashboard to *app*: its pages, assets and the runner of its simulations."""
    settings = app.state.settings
    app.state.dashboard = JobRunner(Path(settings.cache_dir) if settings.cache_dir else default_cache_dir())
    app.mount(STATIC, StaticFiles(directory=str(HERE / "static")), name="dashboard-static")
    app.include_router(router)
    # Roles are named once (service.auth); a view naming a role that does not exist is a bug.
    assert all(role in {r.value for r in Role} for view in VIEWS.values() for role in view.roles)
