"""The traveller application's steps, card validity and offline card checks."""

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from smartborder.trusted import (
    TransitionError,
    TrustedError,
    advance,
    card_expiry,
    check_document,
    sign_card,
    verify_card,
)
from smartborder.trusted.cards import load_public_key, public_key_text
from smartborder.trusted.travellers import card_state, check_renewal

D = dt.date


def test_the_whole_walk() -> None:
    state = "submitted"
    for step in ["vet_match", "review_cleared", "interview_passed", "enrol", "issue"]:
        state = advance(state, step)
    assert state == "issued"


@pytest.mark.parametrize(
    "state, step, expected",
    [
        ("submitted", "vet_clear", "clear"),
        ("possible_match", "review_denied", "denied"),
        ("clear", "interview_failed", "denied"),
        ("enrolled", "withdraw", "withdrawn"),
    ],
)
def test_steps(state: str, step: str, expected: str) -> None:
    assert advance(state, step) == expected


@pytest.mark.parametrize(
    "state, step",
    [
        ("possible_match", "interview_passed"),  # no approval past a possible match without review
        ("submitted", "issue"),
        ("issued", "withdraw"),
        ("denied", "review_cleared"),
    ],
)
def test_steps_out_of_order(state: str, step: str) -> None:
    with pytest.raises(TransitionError, match=f"the application is {state}") as exc:
        advance(state, step)
    assert exc.value.field == "state"


def test_documents_and_expiry() -> None:
    with pytest.raises(TrustedError, match="expired on 2024-01-01") as exc:
        check_document(D(2024, 1, 1), D(2024, 6, 1))
    assert exc.value.field == "document_expires"
    check_document(D(2024, 6, 1), D(2024, 6, 1))
    assert card_expiry("SENTRI", D(2024, 6, 1)) == D(2029, 6, 1)
    assert card_expiry("FAST", D(2024, 6, 1), document_expires=D(2027, 1, 1)) == D(2027, 1, 1)
    assert card_state("active", D(2029, 6, 1), D(2029, 6, 2)) == "expired"
    assert card_state("revoked", D(2029, 6, 1), D(2025, 1, 1)) == "revoked"


def test_renewal_window() -> None:
    with pytest.raises(TransitionError, match="renewal opens on 2028-06-01"):
        check_renewal(D(2029, 6, 1), D(2028, 1, 1), "active")
    check_renewal(D(2029, 6, 1), D(2028, 6, 1), "active")
    with pytest.raises(TransitionError, match="revoked card cannot be renewed"):
        check_renewal(D(2029, 6, 1), D(2029, 1, 1), "revoked")


def test_cards_verify_offline() -> None:
    key = Ed25519PrivateKey.generate()
    booth_key = load_public_key(public_key_text(key))  # all a booth needs
    text = sign_card(key, "c1", "p1", "SENTRI", D(2024, 6, 1), D(2029, 6, 1))
    ok = verify_card(booth_key, text, D(2025, 1, 1))
    assert ok.genuine and ok.valid and ok.claims["holder"] == "p1"
    late = verify_card(booth_key, text, D(2029, 6, 2))
    assert late.genuine and not late.valid and late.reasons == ["expired on 2029-06-01"]
    prefix, _payload, signature = text.split(".")
    forged = sign_card(Ed25519PrivateKey.generate(), "c1", "p1", "SENTRI", D(2024, 6, 1), D(2039, 6, 1))
    altered = ".".join([prefix, forged.split(".")[1], signature])  # later expiry, original signature
    for bad in (forged, altered, "SB1.xx.yy", "hello", ""):
        check = verify_card(booth_key, bad, D(2025, 1, 1))
        assert not check.genuine and not check.valid and check.reasons
