"""Request and response bodies of risk targeting and the lane decision at arrival (pydantic v2)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ArrivalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shipment_id: str | None = Field(default=None, max_length=36, description="a shipment in the custody service")
    card_id: str | None = Field(default=None, max_length=36, description="a trusted-traveller card")
    port: str | None = Field(default=None, max_length=8, description="port code, for the record")

    @model_validator(mode="after")
    def _one(self) -> ArrivalIn:
        if (self.shipment_id is None) == (self.card_id is None):
            raise ValueError("give exactly one of shipment_id or card_id")
        return self


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    found: bool = Field(description="the inspection found something illicit")
    note: str = Field(default="", max_length=2000)


class PolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    red_threshold: float = Field(ge=0, le=1)
    yellow_threshold: float = Field(ge=0, le=1)
    random_rate: float = Field(ge=0, le=1)
    red_tie: float = Field(default=1.0, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> PolicyIn:
        if self.yellow_threshold > self.red_threshold:
            raise ValueError(
                f"yellow_threshold: {self.yellow_threshold} is above red_threshold "
                f"{self.red_threshold}; a score that earns yellow must not outrank red"
            )
        return self


class FitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inspection_rate: float = Field(ge=0, le=1, description="share of arrivals the port can send to secondary")
    random_share: float = Field(default=0.1, ge=0, le=1, description="share of that budget selected at random")
    document_rate: float = Field(default=0.0, ge=0, le=1, description="extra share given a document check")
    window: int = Field(default=10_000, ge=100, le=1_000_000, description="recent arrivals to fit on")


# ---- responses ----------------------------------------------------------------------------------

Channel = Literal["green", "blue", "yellow", "red"]


class ReasonOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    profile: str


class ArrivalOut(BaseModel):
    """The lane decision at arrival: lane, channel, score, why, and the facts it rested on."""

    arrival_id: str
    lane: str
    channel: Channel
    score: float
    random_selection: bool
    reasons: list[ReasonOut]
    profile_version: str
    facts: dict[str, Any]
    shipment_id: str | None
    card_id: str | None


class OutcomeOut(BaseModel):
    arrival_id: str
    found: bool
    profiles: list[str] = Field(description="the profiles that learned from this outcome")


class ProfilesOut(BaseModel):
    """The profile set in force (each profile with its learned hit rate)."""

    model_config = ConfigDict(extra="allow")
    version: str
    effective: str
    profile: list[dict[str, Any]]


class ProfilesWritten(BaseModel):
    version: str
    effective: str
    profiles: list[str]


class PolicyOut(BaseModel):
    red_threshold: float
    red_tie: float
    yellow_threshold: float
    random_rate: float


class PolicyWritten(PolicyOut):
    basis: dict[str, Any] = Field(description="how the thresholds were set (by hand, or fitted on which arrivals)")


class HitRates(BaseModel):
    inspections_recorded: int
    hits: int
    hit_rate: float | None


class StatsOut(BaseModel):
    arrivals: int
    channels: dict[str, int]
    inspection_rate: float | None
    targeted: HitRates
    random: HitRates
    other: HitRates
    minutes_to_release_median: float | None
