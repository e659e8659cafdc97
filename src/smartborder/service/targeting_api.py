"""Risk targeting and the lane decision at arrival.

Over HTTP; each route checks the caller's role and calls its operation in
``targeting_operations``. ``POST /arrivals`` reads the arrival's stored facts (the custody service's shipment, or a
trusted-traveller card), scores them with the profiles in force and picks channel and lane with
``smartborder.targeting`` — the functions the twin runs on simulated arrivals. Outcomes of
inspections feed the profiles' hit rates; analysts edit profiles and thresholds, every change
in the audit log. Every write is one transaction with its audit entry.
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Depends, Query, Request

from smartborder.service import targeting_operations as ops
from smartborder.service.app import ReadSession, WriteSession, require
from smartborder.service.auth import ANALYSTS, BOOTH, TARGETING_READERS, Caller
from smartborder.service.targeting_schemas import (
    ArrivalIn,
    ArrivalOut,
    FitIn,
    OutcomeIn,
    OutcomeOut,
    PolicyIn,
    PolicyOut,
    PolicyWritten,
    ProfilesOut,
    ProfilesWritten,
    StatsOut,
)
from smartborder.timestamps import Day

router = APIRouter(tags=["targeting"])
READERS = TARGETING_READERS


def _rng(request: Request) -> np.random.Generator:
    """The app's generator (seeded from the OS; tests may put a seeded one in app.state)."""
    rng = getattr(request.app.state, "targeting_rng", None)
    if rng is None:
        rng = request.app.state.targeting_rng = np.random.default_rng()
    return rng


@router.post("/arrivals", status_code=201, response_model=ArrivalOut)
def arrival(
    *, body: ArrivalIn, request: Request, session: WriteSession, caller: Caller = Depends(require(*BOOTH))
) -> dict[str, object]:
    """Lane, channel, score and the reasons for one arriving shipment or card."""
    return ops.arrival(session, caller, body, _rng(request))


@router.post("/arrivals/{arrival_id}/outcome", status_code=201, response_model=OutcomeOut)
def outcome(
    *, arrival_id: str, body: OutcomeIn, session: WriteSession, caller: Caller = Depends(require(*BOOTH))
) -> dict[str, object]:
    """Record what an inspection found; every profile the arrival matched learns from it."""
    return ops.outcome(session, caller, arrival_id, body)


@router.get("/targeting/profiles", response_model=ProfilesOut)
def read_profiles(*, session: ReadSession, caller: Caller = Depends(require(*READERS))) -> dict[str, object]:
    """Profiles in force, with the learned hit rate of each (posterior mean and 90 % interval)."""
    return ops.read_profiles(session)


@router.put("/targeting/profiles", status_code=201, response_model=ProfilesWritten)
def write_profiles(
    *, body: dict[str, Any], session: WriteSession, caller: Caller = Depends(require(*ANALYSTS))
) -> dict[str, object]:
    """A new version of the profiles (the whole set); learned counts carry over by profile id."""
    return ops.write_profiles(session, caller, body)


@router.get("/targeting/policy", response_model=PolicyOut)
def read_policy(*, session: ReadSession, caller: Caller = Depends(require(*READERS))) -> dict[str, object]:
    return ops.read_policy(session)


@router.put("/targeting/policy", status_code=201, response_model=PolicyWritten)
def write_policy(
    *, body: PolicyIn, session: WriteSession, caller: Caller = Depends(require(*ANALYSTS))
) -> dict[str, object]:
    """Thresholds set by hand."""
    return ops.write_policy(session, caller, body)


@router.post("/targeting/policy/fit", status_code=201, response_model=PolicyWritten)
def fit(*, body: FitIn, session: WriteSession, caller: Caller = Depends(require(*ANALYSTS))) -> dict[str, object]:
    """Thresholds that spend *inspection_rate* on recent arrivals, rescored with today's profiles."""
    return ops.fit(session, caller, body)


@router.get("/targeting/stats", response_model=StatsOut)
def stats(
    *,
    since: Annotated[Day | None, Query(description="first day counted")] = None,
    session: ReadSession,
    caller: Caller = Depends(require(*READERS)),
) -> dict[str, object]:
    """What customs services publish: inspection rate, targeted and random hit rates apart,
    and minutes from the lane decision to the recorded outcome (time to release).

    *targeted*: red arrivals the score sent; *random*: arrivals the random quota picked (an
    unbiased sample, whatever their score); *other*: outcomes recorded for arrivals not sent to
    secondary (document checks, post-clearance audits of blue releases, later discoveries)."""
    return ops.stats(session, since)
