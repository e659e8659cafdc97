"""POST /arrivals and the targeting service: lanes, channels, reasons, learning, roles."""

import datetime as dt
import uuid

import numpy as np
import pytest
from fastapi.testclient import TestClient

from smartborder.service.custody_models import AnomalyRow, Shipment
from smartborder.service.db import session_factory
from smartborder.targeting import HitRate, load

NO_RANDOM = {"red_threshold": 0.02, "yellow_threshold": 0.008, "random_rate": 0.0}


def add_shipment(db_url: str, **changes: object) -> str:
    """A shipment row as the custody service stores it (written directly: this tests targeting)."""
    values: dict[str, object] = dict(
        id=str(uuid.uuid4()),
        shipper_org="acme",
        carrier_org="fastfreight",
        consignor="Acme SA",
        consignee="Acme Inc",
        container_id="CSQU3054383",
        seal_number="TYD1234567",
        seal_class="H",
        goods_description="auto parts",
        goods_value_usd=1000,
        origin_facility_id="plant-1",
        origin_name="Plant",
        origin_lat=25.6,
        origin_lon=-100.3,
        origin_audit_status="certified",
        route={},
        planned_stops=[],
        thresholds={},
        destination_port="2304",
        expected_transit_min=240.0,
        phase="in_transit",
        custody_status="intact",
        state={},
        declared_by="shipper#1",
    )
    values.update(changes)
    with session_factory(db_url)() as session:
        session.add(Shipment(**values))
        session.commit()
    return str(values["id"])


@pytest.fixture
def booth(client: TestClient, token, db_url: str):  # type: ignore[no-untyped-def]
    """A booth officer's header, with random selection off so channels are deterministic."""
    response = client.put("/targeting/policy", json=NO_RANDOM, headers=token("analyst"))
    assert response.status_code == 201, response.text
    for k in range(3):  # acme and fastfreight are established
        add_shipment(db_url, id=f"old-{k}")
    return token("booth_officer")


def test_trusted_intact_audited_shipment_goes_green_through_fast(client, booth, db_url) -> None:  # type: ignore[no-untyped-def]
    shipment = add_shipment(db_url)
    response = client.post("/arrivals", json={"shipment_id": shipment, "port": "2304"}, headers=booth)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["channel"], body["lane"], body["reasons"]) == ("green", "FAST", [])
    assert body["facts"]["custody"] == "intact" and body["facts"]["facility_audited"] is True


def test_a_broken_seal_goes_red_whatever_its_score(client, booth, db_url, token) -> None:  # type: ignore[no-untyped-def]
    never = {"red_threshold": 1.0, "yellow_threshold": 1.0, "random_rate": 0.0}
    assert client.put("/targeting/policy", json=never, headers=token("admin")).status_code == 201
    shipment = add_shipment(db_url, custody_status="broken")
    body = client.post("/arrivals", json={"shipment_id": shipment}, headers=booth).json()
    assert (body["channel"], body["lane"]) == ("red", "standard")
    assert body["reasons"][0]["profile"] == "seal_broken" and body["reasons"][0]["forces"] == "red"


def test_reasons_explain_a_red_score(client, booth, db_url) -> None:  # type: ignore[no-untyped-def]
    shipment = add_shipment(
        db_url,
        shipper_org="newco",
        origin_audit_status="uncertified",
        goods_description="fresh avocados",
        custody_status="suspect",
    )
    with session_factory(db_url)() as session:
        session.add(
            AnomalyRow(
                shipment_id=shipment, kind="off_corridor", severity="suspect", at=dt.datetime.now(dt.UTC), evidence={}
            )
        )
        session.commit()
    body = client.post("/arrivals", json={"shipment_id": shipment}, headers=booth).json()
    assert body["channel"] == "red" and body["lane"] == "standard"
    assert {r["profile"] for r in body["reasons"]} == {
        "custody_suspect",
        "route_anomaly",
        "shipper_new",
        "unaudited_concealment_goods",
    }
    assert body["score"] > 0.02


def test_recorded_outcomes_move_the_hit_rate_as_the_math_says(client, booth, db_url, token) -> None:  # type: ignore[no-untyped-def]
    officer = token("officer")
    found = [True, False, False]
    for hit in found:
        shipment = add_shipment(db_url, custody_status="suspect")
        arrival = client.post("/arrivals", json={"shipment_id": shipment}, headers=booth).json()
        response = client.post(f"/arrivals/{arrival['arrival_id']}/outcome", json={"found": hit}, headers=officer)
        assert response.status_code == 201, response.text
    again = client.post(f"/arrivals/{arrival['arrival_id']}/outcome", json={"found": True}, headers=officer)
    assert again.status_code == 409
    profiles = client.get("/targeting/profiles", headers=token("analyst")).json()
    item = next(p for p in profiles["profile"] if p["id"] == "custody_suspect")
    prior = load().profile("custody_suspect")
    expected = HitRate.prior(prior.prior_hit_rate, prior.prior_strength).update(1, 3)
    assert (item["hits"], item["inspections"]) == (1, 3)
    assert item["hit_rate"]["mean"] == pytest.approx(expected.mean)
    assert item["hit_rate"]["sd"] == pytest.approx(np.sqrt(expected.variance))
    stats = client.get("/targeting/stats", headers=token("auditor")).json()
    assert stats["targeted"]["inspections_recorded"] == 3 and stats["targeted"]["hits"] == 1
    assert stats["random"]["inspections_recorded"] == 0 and stats["arrivals"] == 3
    assert stats["inspection_rate"] == 1.0 and stats["minutes_to_release_median"] >= 0
    released = client.post(
        "/arrivals", json={"shipment_id": add_shipment(db_url, shipper_org="clean")}, headers=booth
    ).json()
    assert released["channel"] == "blue"  # trusted; the carrier now has a violation on record
    client.post(f"/arrivals/{released['arrival_id']}/outcome", json={"found": False, "note": "audit"}, headers=officer)
    stats = client.get("/targeting/stats", headers=token("auditor")).json()
    assert stats["other"]["inspections_recorded"] == 1 and stats["targeted"]["inspections_recorded"] == 3
    # the shipper now has a violation on record
    body = client.post("/arrivals", json={"shipment_id": add_shipment(db_url)}, headers=booth).json()
    assert body["facts"]["shipper_history"] == "violation"


@pytest.mark.parametrize("role", ["analyst", "auditor", "applicant", "shipper", "carrier", "vetting_officer"])
def test_arrivals_deny_non_officers(client, token, db_url, role) -> None:  # type: ignore[no-untyped-def]
    shipment = add_shipment(db_url)
    response = client.post("/arrivals", json={"shipment_id": shipment}, headers=token(role))
    assert response.status_code == 403
    assert response.json()["detail"][0]["field"] == "role"


def test_arrivals_need_a_token(client, db_url) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/arrivals", json={"shipment_id": add_shipment(db_url)}).status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, ""),
        ({"shipment_id": "a", "card_id": "b"}, 422, ""),
        ({"shipment_id": "nope"}, 404, "shipment_id"),
        ({"shipment_id": "x", "colour": 1}, 422, "colour"),
    ],
)
def test_bad_arrivals_name_the_field(client, booth, body, status, field) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/arrivals", json=body, headers=booth)
    assert response.status_code == status
    detail = response.json()["detail"][0]
    assert detail["field"] == field and detail["problem"]


def test_analysts_edit_profiles_with_an_audit_entry(client, token, db_url) -> None:  # type: ignore[no-untyped-def]
    analyst = token("analyst")
    document = client.get("/targeting/profiles", headers=analyst).json()
    for item in document["profile"]:
        for key in ("hit_rate", "hits", "inspections"):
            item.pop(key)
    document["version"] = "2026-11-b"
    document["profile"][1]["prior_hit_rate"] = 0.05
    response = client.put("/targeting/profiles", json=document, headers=analyst)
    assert response.status_code == 201, response.text
    assert client.put("/targeting/profiles", json=document, headers=analyst).status_code == 409
    assert client.put("/targeting/profiles", json=document, headers=token("booth_officer")).status_code == 403
    current = client.get("/targeting/profiles", headers=analyst).json()
    assert current["version"] == "2026-11-b" and current["profile"][1]["prior_hit_rate"] == 0.05
    document["version"] = "2026-11-c"
    document["profile"][0]["when"] = {"custody": "lost"}
    bad = client.put("/targeting/profiles", json=document, headers=analyst)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "profile.0.when"
    from sqlalchemy import select

    from smartborder.service.audit import verify
    from smartborder.service.models import AuditEntry

    with session_factory(db_url)() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "targeting.profiles")).all()
        assert [e.subject for e in entries] == ["2026-11-b"] and '"prior_hit_rate": 0.05' in entries[0].payload
        assert verify(session)[0]


def test_fitted_thresholds_spend_the_budget_on_recent_arrivals(client, booth, db_url, token) -> None:  # type: ignore[no-untyped-def]
    analyst = token("analyst")
    short = client.post("/targeting/policy/fit", json={"inspection_rate": 0.1}, headers=analyst)
    assert short.status_code == 422 and short.json()["detail"][0]["field"] == "window"
    rng = np.random.default_rng(0)
    for k in range(100):
        status = "suspect" if rng.random() < 0.1 else "intact"
        ids = add_shipment(db_url, custody_status=status, shipper_org=f"org{k % 7}")
        assert client.post("/arrivals", json={"shipment_id": ids}, headers=booth).status_code == 201
    fitted = client.post(
        "/targeting/policy/fit", json={"inspection_rate": 0.1, "random_share": 0.2}, headers=analyst
    ).json()
    assert fitted["basis"]["expected_red_rate"] == pytest.approx(0.1)
    assert client.get("/targeting/policy", headers=analyst).json()["random_rate"] == fitted["random_rate"] > 0


def add_card(db_url: str, program: str = "SENTRI", crossings: int = 0, status: str = "active") -> str:
    """A trusted-traveller card (issue 6's registry) with *crossings* in the last year."""
    from smartborder.service import trusted_models as models

    today = dt.date.today()
    person, card_id = f"p-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    with session_factory(db_url)() as session:
        session.add(
            models.TravellerApplication(
                id=card_id,
                person_id=person,
                program=program,
                full_name="Ana Test",
                dob=dt.date(1990, 1, 1),
                nationality="MX",
                document_number="X1",
                document_expires=today + dt.timedelta(days=900),
                state="approved",
                filed=today - dt.timedelta(days=400),
            )
        )
        session.flush()
        session.add(
            models.Card(
                id=card_id,
                person_id=person,
                application_id=card_id,
                program=program,
                issued=today - dt.timedelta(days=365),
                expires=today + dt.timedelta(days=800),
                status=status,
                signed="test",
            )
        )
        session.flush()
        for k in range(crossings):
            session.add(
                models.Crossing(
                    card_id=card_id,
                    port_code="2504",
                    vehicle="pov",
                    lane=program,
                    on=today - dt.timedelta(days=k + 1),
                    verified=True,
                    outcome="trusted_lane",
                    reasons=[],
                    recorded_by="booth#1",
                )
            )
        session.commit()
    return card_id


def test_a_sentri_card_with_a_crossing_history_goes_green_through_sentri(client, booth, db_url) -> None:  # type: ignore[no-untyped-def]
    card = add_card(db_url, crossings=5)
    body = client.post("/arrivals", json={"card_id": card}, headers=booth).json()
    assert (body["channel"], body["lane"]) == ("green", "SENTRI")
    assert body["facts"]["crossings_last_year"] == 5 and body["facts"]["trusted"] is True


def test_a_revoked_card_loses_its_lane_and_unknown_cards_are_404(client, booth, db_url) -> None:  # type: ignore[no-untyped-def]
    card = add_card(db_url, status="revoked")
    body = client.post("/arrivals", json={"card_id": card}, headers=booth).json()
    assert body["lane"] == "standard" and "first_time_traveller" in [r["profile"] for r in body["reasons"]]
    missing = client.post("/arrivals", json={"card_id": "nope"}, headers=booth)
    assert missing.status_code == 404 and missing.json()["detail"][0]["field"] == "card_id"


def certify(db_url: str, facility: str, events: list[tuple[str, int]]) -> None:
    """A facility in the trusted registry with certification events (kind, days ago)."""
    from smartborder.service import trusted_models as models

    today = dt.date.today()
    with session_factory(db_url)() as session:
        session.add(models.Company(id=f"co-{facility}", name="Acme", kind="manufacturer", country="MX"))
        session.flush()
        session.add(models.Facility(id=facility, company_id=f"co-{facility}", name="Plant", kind="plant", country="MX"))
        session.flush()
        for kind, days in events:
            session.add(
                models.CertEventRow(
                    facility_id=facility,
                    kind=kind,
                    on=today - dt.timedelta(days=days),
                    reason="test" if kind == "suspended" else "",
                    decided_by="vetting#1",
                )
            )
        session.commit()


def test_trust_comes_from_the_registry_when_the_facility_is_there(client, booth, db_url) -> None:  # type: ignore[no-untyped-def]
    certify(db_url, "plant-new", [("certified", 60)])
    certify(db_url, "plant-suspended", [("certified", 900), ("suspended", 10)])
    new = client.post(
        "/arrivals", json={"shipment_id": add_shipment(db_url, origin_facility_id="plant-new")}, headers=booth
    ).json()
    assert new["facts"]["trusted"] is True and new["lane"] == "FAST"
    assert new["facts"]["months_since_certification"] == pytest.approx(60 / 30.44, abs=0.1)
    assert [r["profile"] for r in new["reasons"]] == ["new_member"]
    suspended = client.post(
        "/arrivals", json={"shipment_id": add_shipment(db_url, origin_facility_id="plant-suspended")}, headers=booth
    ).json()
    assert suspended["facts"]["trusted"] is False and suspended["lane"] == "standard"


def test_a_shipment_whose_tracker_went_quiet_is_not_waved_through(client, booth, db_url) -> None:  # type: ignore[no-untyped-def]
    """Recorded as intact, but departed hours ago with no ping since: the custody rules' ongoing
    gap and overdue transit make it suspect at the booth, so it loses FAST."""
    departed = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=8)).isoformat()
    quiet = add_shipment(
        db_url,
        state={
            "seal_number": "TYD1234567",
            "sealed": True,
            "departed_at": departed,
            "last_event_at": departed,
            "worst": None,
        },
    )
    body = client.post("/arrivals", json={"shipment_id": quiet, "port": "2304"}, headers=booth).json()
    assert body["facts"]["custody"] == "suspect" and body["lane"] == "standard"
    fresh = add_shipment(db_url, state={"seal_number": "TYD1234567", "sealed": True})
    assert (
        client.post("/arrivals", json={"shipment_id": fresh, "port": "2304"}, headers=booth).json()["facts"]["custody"]
        == "intact"
    )


def test_a_policy_with_yellow_above_red_is_refused(client, token) -> None:  # type: ignore[no-untyped-def]
    upside_down = {"red_threshold": 0.2, "yellow_threshold": 0.5, "random_rate": 0.0}
    response = client.put("/targeting/policy", json=upside_down, headers=token("admin"))
    assert response.status_code == 422, response.text
    assert "yellow_threshold" in response.text and "above red_threshold" in response.text
