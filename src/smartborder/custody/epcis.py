"""GS1 EPCIS 2.0 JSON: custody events in, EPCIS documents out, and the standard event hash.

Only what custody needs is checked strictly — an ``ObjectEvent`` with an ``eventTime`` that has a
time zone, an ``eventTimeZoneOffset``, an ``action``, the objects (``epcList`` or
``quantityList``), a CBV 2.0 ``bizStep`` and a ``readPoint`` whose id is a ``geo:`` URI with the
coordinates of where it happened (CBV's location form). Every other EPCIS field and user
extension is kept as sent and exported back unchanged.

The seal a custody event is about travels in the extension field ``sb:sealNumber`` (EPCIS has no
seal field); documents declare the ``sb`` prefix in their ``@context``.

The idempotency key is the event's ``eventID`` when it has one, else the CBV 2.0 event hash
(``ni:///sha-256;…?ver=CBV2.0``) computed with GS1's reference implementation
(``epcis-event-hash-generator``), so a retried event is recognised however its JSON is laid out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from smartborder import clock
from smartborder.custody.errors import CustodyInputError
from smartborder.custody.route import check_coordinates
from smartborder.timestamps import Instant

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
SB_NAMESPACE = "urn:smartborder:epcis:"
CONTEXT: list[Any] = [EPCIS_CONTEXT, {"sb": SB_NAMESPACE}]
SEAL_FIELD = "sb:sealNumber"

#: CBV 2.0 business steps (section 7.1).
BIZ_STEPS = frozenset(
    [
        "accepting",
        "arriving",
        "assembling",
        "collecting",
        "commissioning",
        "consigning",
        "creating_class_instance",
        "cycle_counting",
        "decommissioning",
        "departing",
        "destroying",
        "disassembling",
        "dispensing",
        "encoding",
        "entering_exiting",
        "holding",
        "inspecting",
        "installing",
        "killing",
        "loading",
        "other",
        "packing",
        "picking",
        "receiving",
        "removing",
        "repackaging",
        "repairing",
        "replacing",
        "reserving",
        "retail_selling",
        "sampling",
        "sealing",
        "sensor_reporting",
        "shipping",
        "staging_outbound",
        "stock_taking",
        "stocking",
        "storing",
        "transporting",
        "unloading",
        "unpacking",
        "unsealing",
        "void_shipping",
    ]
)
_BIZ_STEP_FORMS = (
    re.compile(r"^urn:epcglobal:cbv:bizstep:(\w+)$"),
    re.compile(r"^https://ref\.gs1\.org/cbv/BizStep-(\w+)$"),
    re.compile(r"^(?:cbv:|gs1:)?BizStep-(\w+)$"),
    re.compile(r"^(\w+)$"),
)
_GEO = re.compile(r"^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?:[,;].*)?$")


def biz_step_name(value: str) -> str:
    """The bare CBV name of a bizStep in any of its CBV 2.0 forms (bare word, URN, web URI)."""
    for form in _BIZ_STEP_FORMS:
        match = form.match(value)
        if match and match.group(1) in BIZ_STEPS:
            return match.group(1)
    raise CustodyInputError(
        "bizStep",
        f"{value!r} is not a CBV 2.0 business step (e.g. 'sealing', "
        "'departing', 'arriving', 'inspecting', 'unsealing')",
    )


class SensorReport(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str | None = None
    value: float | None = None
    booleanValue: bool | None = None
    uom: str | None = None


class SensorElement(BaseModel):
    model_config = ConfigDict(extra="allow")
    sensorMetadata: dict[str, Any] | None = None
    sensorReport: list[SensorReport] = Field(min_length=1)


class ReadPoint(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str


class ObjectEvent(BaseModel):
    """The fields of an EPCIS 2.0 ObjectEvent that custody reads; the rest is kept as sent."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    type: Literal["ObjectEvent"]
    eventTime: Instant
    eventTimeZoneOffset: str = Field(pattern=r"^[+-](0\d|1[0-4]):[0-5]\d$")
    action: Literal["ADD", "OBSERVE", "DELETE"]
    epcList: list[str] = Field(default_factory=list)
    quantityList: list[dict[str, Any]] = Field(default_factory=list)
    bizStep: str
    disposition: str | None = None
    readPoint: ReadPoint
    eventID: str | None = Field(None, min_length=1, max_length=200)
    sensorElementList: list[SensorElement] | None = None
    seal_number: str | None = Field(None, alias="sb:sealNumber")  # SEAL_FIELD

    @model_validator(mode="after")
    def _objects(self) -> ObjectEvent:
        if not self.epcList and not self.quantityList:
            raise ValueError("an ObjectEvent names its objects in epcList or quantityList")
        return self


class EPCISBody(BaseModel):
    model_config = ConfigDict(extra="allow")
    eventList: list[dict[str, Any]] = Field(min_length=1, max_length=1000)


class EPCISDocument(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    context: Any = Field(alias="@context")
    type: Literal["EPCISDocument"]
    schemaVersion: Literal["2.0"]
    creationDate: Instant
    epcisBody: EPCISBody


class CustodyEvent(BaseModel):
    """A checked event: what custody rules read, and the event as sent."""

    model_config = ConfigDict(frozen=True)
    event_time: dt.datetime
    biz_step: str
    lat: float
    lon: float
    seal_number: str | None
    light_lux: float | None
    seal_intact: bool | None
    raw: dict[str, Any]


def _problem(error: ValidationError, prefix: str) -> CustodyInputError:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return CustodyInputError(f"{prefix}.{where}" if where else prefix, first["msg"])


def parse_event(raw: Any, field: str = "event") -> CustodyEvent:
    """Check one EPCIS 2.0 ObjectEvent; the error names the field and the problem."""
    if not isinstance(raw, dict):
        raise CustodyInputError(field, "expected an EPCIS 2.0 ObjectEvent (a JSON object)")
    if raw.get("type") != "ObjectEvent":
        raise CustodyInputError(f"{field}.type", f"custody accepts EPCIS ObjectEvents, got {raw.get('type')!r}")
    try:
        event = ObjectEvent.model_validate(raw)
    except ValidationError as exc:
        raise _problem(exc, field) from None
    try:
        step = biz_step_name(event.bizStep)
    except CustodyInputError as exc:
        raise CustodyInputError(f"{field}.bizStep", exc.problem) from None
    match = _GEO.match(event.readPoint.id)
    if not match:
        raise CustodyInputError(
            f"{field}.readPoint.id",
            f"expected a geo: URI with the coordinates, e.g. 'geo:25.6866,-100.3161', got {event.readPoint.id!r}",
        )
    lat, lon = float(match.group(1)), float(match.group(2))
    check_coordinates(lat, lon, f"{field}.readPoint.id")
    from smartborder.custody.seal import normalise_seal

    seal = normalise_seal(event.seal_number, f"{field}.{SEAL_FIELD}") if event.seal_number else None
    light, intact = None, None
    for element in event.sensorElementList or []:
        for report in element.sensorReport:
            kind = (report.type or "").rsplit("MT-", 1)[-1]
            if kind == "Illuminance" and report.value is not None:
                light = max(light or 0.0, report.value)
            elif kind == "SealIntact" and report.booleanValue is not None:
                intact = report.booleanValue if intact is None else intact and report.booleanValue
    return CustodyEvent(
        event_time=event.eventTime.astimezone(dt.UTC),
        biz_step=step,
        lat=lat,
        lon=lon,
        seal_number=seal,
        light_lux=light,
        seal_intact=intact,
        raw=raw,
    )


def events_of(body: Any) -> list[dict[str, Any]]:
    """The events of a request body: one ObjectEvent, or an EPCISDocument's eventList."""
    if isinstance(body, dict) and body.get("type") == "EPCISDocument":
        try:
            document = EPCISDocument.model_validate(body)
        except ValidationError as exc:
            raise _problem(exc, "document") from None
        return document.epcisBody.eventList
    if isinstance(body, dict) and body.get("type") == "ObjectEvent":
        return [body]
    raise CustodyInputError(
        "type",
        'expected an EPCIS 2.0 ObjectEvent or EPCISDocument (JSON with "type": "ObjectEvent" or "EPCISDocument")',
    )


@lru_cache(maxsize=1)
def _hasher() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """GS1's reference hash functions, with JSON-LD contexts served from the package only.

    The library installs a loader that opens its bundled contexts with a deprecated API and falls
    back to the network; ours reads the same bundled files and never goes online.
    """
    import json
    from importlib.resources import files

    from epcis_event_hash_generator.hash_generator import epcis_hashes_from_events
    from epcis_event_hash_generator.json_to_py import event_list_from_epcis_document_json
    from pyld import jsonld

    bundled = {
        "https://gs1.github.io/EPCIS/epcis-context.jsonld": "14b10c9d3e92d35f577bfc610fe5ec15aa2941124987919389d7cd9998516861.jsonld",
        EPCIS_CONTEXT: "e532647e8eb371379b8b0e8602d8981c8566bc60f7351f22c76a5bc865962008.jsonld",
    }

    def loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if url not in bundled:
            raise jsonld.JsonLdError(
                f"remote JSON-LD context {url} is not bundled; use {EPCIS_CONTEXT}",
                "jsonld.LoadDocumentError",
                code="loading document failed",
            )
        data = json.loads((files("epcis_event_hash_generator") / bundled[url]).read_text(encoding="utf-8"))
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": data}

    jsonld.set_document_loader(loader)
    return epcis_hashes_from_events, event_list_from_epcis_document_json


def event_hashes(events: list[dict[str, Any]]) -> list[str]:
    """The CBV 2.0 event hash of each event (GS1's reference algorithm), in order."""
    epcis_hashes_from_events, event_list_from_epcis_document_json = _hasher()
    stripped = [{k: v for k, v in e.items() if k not in ("eventID", "@context")} for e in events]
    return list(epcis_hashes_from_events(event_list_from_epcis_document_json(document(stripped))))


def document(events: list[dict[str, Any]], created: dt.datetime | None = None) -> dict[str, Any]:
    """A valid EPCIS 2.0 JSON document holding *events*."""
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": (created or clock.now()).isoformat().replace("+00:00", "Z"),
        "epcisBody": {"eventList": events},
    }
