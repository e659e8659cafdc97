"""Operations of risk targeting: the lane decision at arrival, inspection outcomes that teach the
profiles, the profiles and thresholds analysts set, and the published statistics. Plain functions
of a session and a caller that raise domain errors, write their audit entry and commit; the HTTP
routes (``targeting_api``) check roles and call them. The scoring is ``smartborder.targeting`` —
the functions the twin runs on simulated arrivals.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import Integer, func, select, text
from sqlalchemy.orm import Session

from smartborder import clock, targeting
from smartborder.lazy import once
from smartborder.service.audit import record
from smartborder.service.auth import Caller
from smartborder.service.errors import Conflict, Invalid, NotFound
from smartborder.service.targeting_facts import card_facts, shipment_facts
from smartborder.service.targeting_models import (
    ArrivalRow,
    OutcomeRow,
    PolicyRow,
    ProfileSetRow,
    ProfileStat,
)
from smartborder.service.targeting_schemas import ArrivalIn, FitIn, OutcomeIn, PolicyIn
from smartborder.targeting import ChannelPolicy, TargetingError

#: Thresholds before an analyst sets or fits any: a starting point, not a fitted budget.
DEFAULT_POLICY = ChannelPolicy(red_threshold=0.02, red_tie=1.0, yellow_threshold=0.008, random_rate=0.005)


#: What is in force, in one round trip: the latest profile version, the learned counts (as
#: "id:hits:inspections,…") and the latest policy. {concat} is the dialect's string aggregate.
IN_FORCE = """
SELECT (SELECT document FROM targeting_profile_sets ORDER BY id DESC LIMIT 1),
       (SELECT {concat}(profile_id || ':' || hits || ':' || inspections, ',') FROM targeting_profile_stats),
       (SELECT red_threshold FROM targeting_policies ORDER BY id DESC LIMIT 1),
       (SELECT red_tie FROM targeting_policies ORDER BY id DESC LIMIT 1),
       (SELECT yellow_threshold FROM targeting_policies ORDER BY id DESC LIMIT 1),
       (SELECT random_rate FROM targeting_policies ORDER BY id DESC LIMIT 1)
"""
IN_FORCE_BY_DIALECT = {
    "postgresql": text(IN_FORCE.format(concat="string_agg")),
    "sqlite": text(IN_FORCE.format(concat="group_concat")),
}


def in_force(session: Session) -> tuple[targeting.ProfileSet, ChannelPolicy]:
    """The latest profiles (the shipped ones until an analyst writes some), with their learned
    counts, and the latest channel policy (a default until one is set or fitted)."""
    statement = IN_FORCE_BY_DIALECT[session.get_bind().dialect.name]
    document, stats, *policy = session.execute(statement).one()
    if document is None:
        base = _shipped()
    else:
        base = _parsed(document if isinstance(document, str) else json.dumps(document, sort_keys=True))
    counts = {}
    for item in (stats or "").split(","):
        if item:
            profile_id, hits, inspections = item.rsplit(":", 2)
            counts[profile_id] = (int(hits), int(inspections))
    profiles = base.with_outcomes(counts) if counts else base
    return profiles, DEFAULT_POLICY if policy[0] is None else ChannelPolicy(*policy)


@lru_cache(maxsize=64)
def _parsed(document: str) -> targeting.ProfileSet:
    """Each stored profile document is parsed once per process (keyed by its text)."""
    return targeting.parse(json.loads(document))


@once
def _shipped() -> targeting.ProfileSet:
    return targeting.load()


def arrival(session: Session, caller: Caller, body: ArrivalIn, rng: np.random.Generator) -> dict[str, object]:
    """Lane, channel, score and the reasons for one arriving shipment or card."""
    today = clock.today()
    shipper = carrier = None
    if body.shipment_id is not None:
        found_shipment = shipment_facts(session, body.shipment_id, today)
        if found_shipment is None:
            raise NotFound("shipment_id", f"no shipment {body.shipment_id!r} in the custody service")
        facts, shipper, carrier = found_shipment
    else:
        found = card_facts(session, str(body.card_id), today)
        if found is None:
            raise NotFound("card_id", f"no card {body.card_id!r} in the trusted-traveller registry")
        facts = found
    profiles, policy = in_force(session)
    columns = targeting.from_records([facts])
    scores = targeting.score(columns, profiles, keep_matches=True)
    decision = targeting.decide(columns, scores, policy, rng.random(1))
    assert decision.lane is not None  # asked for (with_lanes defaults to True)
    channel = targeting.CHANNELS[int(decision.channel[0])]
    reasons = targeting.reasons(profiles, scores)
    row = ArrivalRow(
        id=str(uuid.uuid4()),
        shipment_id=body.shipment_id,
        card_id=body.card_id,
        port=body.port,
        shipper_org=shipper,
        carrier_org=carrier,
        attributes=targeting.record(columns),
        score=float(scores.score[0]),
        channel=channel,
        lane=str(decision.lane[0]),
        random=bool(decision.random[0]),
        matched=[str(r["profile"]) for r in reasons],
        profile_version=profiles.version,
        decided_by=caller.label,
    )
    session.add(row)
    out = {
        "arrival_id": row.id,
        "lane": row.lane,
        "channel": channel,
        "score": round(row.score, 6),
        "random_selection": row.random,
        "reasons": reasons,
        "profile_version": profiles.version,
        "facts": row.attributes,
        "shipment_id": body.shipment_id,
        "card_id": body.card_id,
    }
    record(
        session,
        caller.label,
        "arrival.decide",
        row.id,
        {k: out[k] for k in ("lane", "channel", "score", "random_selection", "shipment_id", "card_id")},
    )
    session.commit()
    return out


def outcome(session: Session, caller: Caller, arrival_id: str, body: OutcomeIn) -> dict[str, object]:
    """Record what an inspection found; every profile the arrival matched learns from it."""
    row = session.get(ArrivalRow, arrival_id)
    if row is None:
        raise NotFound("arrival_id", f"no arrival {arrival_id!r}")
    if row.found is not None:
        raise Conflict("arrival_id", f"the outcome of arrival {arrival_id} is already recorded")
    row.found = body.found
    session.add(OutcomeRow(arrival_id=arrival_id, found=body.found, note=body.note, recorded_by=caller.label))
    for profile_id in row.matched:
        stat = session.get(ProfileStat, profile_id, with_for_update=True) or ProfileStat(
            profile_id=profile_id, hits=0, inspections=0
        )
        stat.inspections += 1
        stat.hits += int(body.found)
        session.add(stat)
    record(
        session,
        caller.label,
        "arrival.outcome",
        arrival_id,
        {"found": body.found, "note": body.note, "profiles": row.matched, "random": row.random},
    )
    session.commit()
    return {"arrival_id": arrival_id, "found": body.found, "profiles": row.matched}


def read_profiles(session: Session) -> dict[str, object]:
    """Profiles in force, with the learned hit rate of each (posterior mean and 90 % interval)."""
    profiles = in_force(session)[0]
    out = profiles.to_dict()
    for item, p in zip(out["profile"], profiles.profiles, strict=True):  # type: ignore[call-overload]
        rate = p.hit_rate
        item["hit_rate"] = {"mean": rate.mean, "sd": rate.variance**0.5, "interval_90": list(rate.interval(0.9))}
    return out


def write_profiles(session: Session, caller: Caller, body: dict[str, Any]) -> dict[str, object]:
    """A new version of the profiles (the whole set); learned counts carry over by profile id."""
    items = body.get("profile")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and ("hits" in item or "inspections" in item):
            raise Invalid("profile.hits", "counts are learned from recorded outcomes, not written")
    try:
        profiles = targeting.parse(body)
    except TargetingError as exc:
        raise Invalid(exc.field, exc.problem) from None
    if session.scalar(select(ProfileSetRow.id).where(ProfileSetRow.version == profiles.version)):
        raise Conflict("version", f"version {profiles.version!r} exists; profile versions are never rewritten")
    document = profiles.to_dict()
    session.add(
        ProfileSetRow(
            version=profiles.version, effective=profiles.effective, document=document, created_by=caller.label
        )
    )
    record(session, caller.label, "targeting.profiles", profiles.version, document)
    session.commit()
    return {
        "version": profiles.version,
        "effective": profiles.effective.isoformat(),
        "profiles": [p.id for p in profiles.profiles],
    }


def read_policy(session: Session) -> dict[str, object]:
    policy = in_force(session)[1]
    return {
        "red_threshold": policy.red_threshold,
        "red_tie": policy.red_tie,
        "yellow_threshold": policy.yellow_threshold,
        "random_rate": policy.random_rate,
    }


def _save_policy(session: Session, caller: Caller, policy: ChannelPolicy, basis: dict[str, Any]) -> dict[str, object]:
    # Scores lie in [0, 1): a threshold of 1 selects no one, 0 everyone (fits give ±inf).
    values = {
        "red_threshold": float(np.clip(policy.red_threshold, 0, 1)),
        "red_tie": policy.red_tie,
        "yellow_threshold": float(np.clip(policy.yellow_threshold, 0, 1)),
        "random_rate": policy.random_rate,
    }
    session.add(PolicyRow(**values, basis=basis, created_by=caller.label))
    record(session, caller.label, "targeting.policy", "policy", {**values, "basis": basis})
    session.commit()
    return {**values, "basis": basis}


def write_policy(session: Session, caller: Caller, body: PolicyIn) -> dict[str, object]:
    """Thresholds set by hand."""
    policy = ChannelPolicy(body.red_threshold, body.red_tie, body.yellow_threshold, body.random_rate)
    return _save_policy(session, caller, policy, {"set": "by hand"})


def fit(session: Session, caller: Caller, body: FitIn) -> dict[str, object]:
    """Thresholds that spend *inspection_rate* on recent arrivals, rescored with today's profiles."""
    rows = session.scalars(select(ArrivalRow.attributes).order_by(ArrivalRow.at.desc()).limit(body.window)).all()
    if len(rows) < 100:
        raise Invalid("window", f"need at least 100 recorded arrivals to fit on, have {len(rows)}")
    scores = targeting.score(targeting.from_records(list(rows)), in_force(session)[0])
    policy = targeting.fit_policy(scores, body.inspection_rate, body.random_share, body.document_rate)
    basis = {
        **body.model_dump(),
        "arrivals": len(rows),
        "expected_red_rate": targeting.expected_red_rate(scores, policy),
    }
    return _save_policy(session, caller, policy, basis)


def stats(session: Session, since: dt.date | None = None) -> dict[str, object]:
    """What customs services publish: inspection rate, targeted and random hit rates apart,
    and minutes from the lane decision to the recorded outcome (time to release).

    *targeted*: red arrivals the score sent; *random*: arrivals the random quota picked (an
    unbiased sample, whatever their score); *other*: outcomes recorded for arrivals not sent to
    secondary (document checks, post-clearance audits of blue releases, later discoveries)."""
    where = [ArrivalRow.at >= dt.datetime.combine(since, dt.time(), dt.UTC)] if since else []
    total = session.scalar(select(func.count()).select_from(ArrivalRow).where(*where)) or 0
    by_channel = dict(
        session.execute(select(ArrivalRow.channel, func.count()).where(*where).group_by(ArrivalRow.channel)).all()
    )
    split: dict[str, dict[str, object]] = {}
    groups: dict[str, list[Any]] = {
        "targeted": [ArrivalRow.random.is_(False), ArrivalRow.channel == "red"],
        "random": [ArrivalRow.random.is_(True)],
        "other": [ArrivalRow.random.is_(False), ArrivalRow.channel != "red"],
    }
    for label, conditions in groups.items():
        query = (
            select(func.count(), func.sum(func.cast(OutcomeRow.found, Integer)))
            .select_from(OutcomeRow)
            .join(ArrivalRow, ArrivalRow.id == OutcomeRow.arrival_id)
            .where(*conditions, *where)
        )
        n, hits = session.execute(query).one()
        split[label] = {
            "inspections_recorded": int(n or 0),
            "hits": int(hits or 0),
            "hit_rate": (int(hits or 0) / n) if n else None,
        }
    waits = [
        (o - a).total_seconds() / 60
        for a, o in session.execute(
            select(ArrivalRow.at, OutcomeRow.at)
            .join(OutcomeRow, OutcomeRow.arrival_id == ArrivalRow.id)
            .where(*where)
            .order_by(OutcomeRow.id.desc())
            .limit(10_000)
        )
    ]
    return {
        "arrivals": total,
        "channels": by_channel,
        "inspection_rate": by_channel.get("red", 0) / total if total else None,
        **split,
        "minutes_to_release_median": float(np.median(waits)) if waits else None,
    }
