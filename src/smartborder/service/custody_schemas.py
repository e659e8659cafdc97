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
    audit_status: AuditStatus = Field(description="the facility's security audit: only 'certified' counts "
                                                  "for pre-inspection")


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
        return _checked(normalise_container, value, "container_id")

    @field_validator("seal_number")
    @classmethod
    def _seal(cls, value: str) -> str:
        return _checked(normalise_seal, value, "seal_number")

    @field_validator("seal_class")
    @classmethod
    def _class(cls, value: str) -> str:
        return _checked(seal_class, value, "seal_class")

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
