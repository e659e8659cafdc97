"""Trusted traveller cards that a booth can check offline.

A card carries a short signed text: ``SB1.<payload>.<signature>`` (base64url), the payload a
compact JSON of card id, holder, program, issue and expiry dates; the signature is Ed25519
over the payload. A booth holding only the program's public key can tell a genuine card from
a forged or altered one and see whether it has expired, without the database. Revocation
needs the registry (or a revocation list the booth syncs): a signature cannot be un-signed.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

PREFIX = "SB1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class CardCheck:
    genuine: bool
    valid: bool
    claims: dict[str, str]
    reasons: list[str]

    def as_dict(self) -> dict[str, object]:
        return {"genuine": self.genuine, "valid": self.valid, "claims": self.claims, "reasons": self.reasons}


def sign_card(
    key: Ed25519PrivateKey, card_id: str, holder: str, program: str, issued: dt.date, expires: dt.date
) -> str:
    """The card's printable text (fits a QR code)."""
    claims = {
        "id": card_id,
        "holder": holder,
        "program": program,
        "issued": issued.isoformat(),
        "expires": expires.isoformat(),
    }
    payload = json.dumps(claims, separators=(",", ":"), sort_keys=True).encode()
    return f"{PREFIX}.{_b64(payload)}.{_b64(key.sign(payload))}"


def verify_card(public_key: Ed25519PublicKey, text: str, on: dt.date) -> CardCheck:
    """Is *text* a card the program signed, and is it in date on *on*? Never raises on bad input."""
    parts = text.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        return CardCheck(False, False, {}, [f"not a card: expected {PREFIX}.<payload>.<signature>"])
    try:
        payload, signature = _unb64(parts[1]), _unb64(parts[2])
        public_key.verify(signature, payload)
        claims = json.loads(payload)
        expires = dt.date.fromisoformat(claims["expires"])
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return CardCheck(False, False, {}, ["signature does not verify: forged, altered or another program's card"])
    if on > expires:
        return CardCheck(True, False, claims, [f"expired on {expires}"])
    if on < dt.date.fromisoformat(claims["issued"]):
        return CardCheck(True, False, claims, [f"not valid before {claims['issued']}"])
    return CardCheck(True, True, claims, [])


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The raw 32-byte public key, base64url: what a booth installs."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return _b64(public.public_bytes(Encoding.Raw, PublicFormat.Raw))


def load_public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_unb64(text))


def load_private_key(text: str) -> Ed25519PrivateKey:
    """From a base64url 32-byte seed (what ``SMARTBORDER_CARD_KEY`` holds)."""
    return Ed25519PrivateKey.from_private_bytes(_unb64(text))
