"""Request bodies of the custody service (pydantic v2): what a declaration and a ping batch hold."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from smartborder.custody import (
    AUDIT_STATUSES,
    CustodyInputError,
    Thresholds,
    normalise_container,
    normalise_seal,
    seal_class,
)
from smartborder.custody.route import parse_linestring
from smartborder.timestamps import Instant

Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]
AuditStatus = Literal[AUDIT_STATUSES]  # type: ignore[valid-type]


def _checked(check: Callable[[Any, str], Any], value: Any, field: str) -> Any:
    """Run a custody check; its problem becomes pydantic's message (naming a sub-field if any)."""
    try:
        return check(value, field)
    except CustodyInputError as exc:
        where = exc.field.removeprefix(field).lstrip(".")
        raise ValueError(f"{where}: {exc.problem}" if where else exc.problem) from None


class PlaceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    lat: Lat
    lon: Lon


class OriginIn(PlaceIn):
    facility_id: str = Field(min_length=1, max_length=64)
    audit_status: AuditStatus = Field(
        description="the facility's security audit: only 'certified' counts for pre-inspection"
    )


class ShipmentIn(BaseModel):
    """A shipment declared at its origin facility."""

    model_config = ConfigDict(extra="forbid")
    consignor: str = Field(min_length=1, max_length=200)
    consignee: str = Field(min_length=1, max_length=200)
    carrier_org: str = Field(min_length=1, max_length=128, description="the carrier whose devices report")
    container_id: str = Field(description="ISO 6346 container code (check digit verified) or trailer id")
    seal_number: str = Field(description="ISO 17712 seal mark, e.g. 'TYD1234567'")
    seal_class: str = Field("H", description="ISO 17712 class: H, S or I (C-TPAT requires H)")
    goods_description: str = Field(min_length=1, max_length=2000)
    goods_value_usd: Decimal = Field(ge=0, le=Decimal("999999999999.99"), decimal_places=2)
    origin: OriginIn
    route: dict[str, Any] = Field(description="planned route, a GeoJSON LineString of [lon, lat]")
    planned_stops: list[PlaceIn] = Field(default_factory=list, max_length=50)
    destination_port: str = Field(pattern=r"^\d{4}$", description="BTS port code of the port of entry, e.g. 2304")
    expected_transit_min: float = Field(gt=0, le=14 * 24 * 60, description="origin to port of entry, minutes")
    thresholds: Thresholds = Field(Thresholds(), description="overrides of anomaly thresholds")
    shipper_org: str | None = Field(None, max_length=128, description="admins only: the shipper declared for")

    @field_validator("container_id")
    @classmethod
    def _container(cls, value: str) -> str:
        return str(_checked(normalise_container, value, "container_id"))

    @field_validator("seal_number")
    @classmethod
    def _seal(cls, value: str) -> str:
        return str(_checked(normalise_seal, value, "seal_number"))

    @field_validator("seal_class")
    @classmethod
    def _class(cls, value: str) -> str:
        return str(_checked(seal_class, value, "seal_class"))

    @field_validator("route")
    @classmethod
    def _route(cls, value: dict[str, Any]) -> dict[str, Any]:
        _checked(parse_linestring, value, "route")
        return value


class PingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: Instant
    lat: Lat
    lon: Lon
    speed_kmh: float | None = Field(None, ge=0, le=300)


class PingBatch(BaseModel):
    """Positions buffered on the carrier's device; any order within the batch."""

    model_config = ConfigDict(extra="forbid")
    device_id: str = Field(min_length=1, max_length=64)
    pings: list[PingIn] = Field(min_length=1, max_length=10_000)


# ---- responses ----------------------------------------------------------------------------------
# What the routes return, so the OpenAPI document types every field and clients can generate
# code. Fields the routes add later are allowed through (extra="allow") rather than dropped.


class OriginOut(BaseModel):
    facility_id: str
    name: str
    lat: float
    lon: float
    audit_status: str


class ShipmentOut(BaseModel):
    """A declared shipment as stored, with its phase and last recorded custody status."""

    model_config = ConfigDict(extra="allow")
    id: str
    shipper_org: str
    carrier_org: str
    consignor: str
    consignee: str
    container_id: str
    seal_number: str
    seal_class: str
    goods_description: str
    goods_value_usd: str = Field(description="decimal text, two places")
    origin: OriginOut
    route: dict[str, Any] = Field(description="the planned route, a GeoJSON LineString")
    planned_stops: list[dict[str, Any]]
    destination_port: str
    expected_transit_min: float
    thresholds: dict[str, Any]
    phase: Literal["declared", "sealed", "in_transit", "arrived", "delivered"]
    custody_status: Literal["intact", "suspect", "broken"]
    created_at: str


class ShipmentPage(BaseModel):
    items: list[ShipmentOut]
    total: int
    limit: int
    offset: int


class AnomalyOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    kind: str
    severity: str
    at: str
    meaning: str
    evidence: dict[str, Any]
    ongoing: bool


class CustodyOut(BaseModel):
    """Intact, suspect or broken, every finding with its evidence, and pre-inspection."""

    model_config = ConfigDict(extra="allow")
    shipment_id: str
    phase: str
    seal_number: str | None
    last_ping_at: str | None
    pings: int
    inspections: int
    status: Literal["intact", "suspect", "broken"]
    reasons: list[str]
    anomalies: list[AnomalyOut]
    pre_inspected: bool
    pre_inspection: list[str] = Field(description="why the shipment does or does not count as pre-inspected")


class IngestOut(BaseModel):
    """What a batch of events or pings did: accepted, recognised as already stored, found."""

    model_config = ConfigDict(extra="allow")
    shipment_id: str
    accepted: int
    duplicates: int
    anomalies: list[AnomalyOut]
    custody_status: Literal["intact", "suspect", "broken"]
    phase: str


class EPCISBodyOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    eventList: list[dict[str, Any]] = Field(description="the ObjectEvents as received, in time order (may be empty)")


class EPCISDocumentOut(BaseModel):
    """A shipment's custody events as an EPCIS 2.0 JSON-LD document."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    context: Any = Field(alias="@context")
    type: Literal["EPCISDocument"]
    schemaVersion: str
    creationDate: str
    epcisBody: EPCISBodyOut
