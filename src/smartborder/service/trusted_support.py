"""What the trusted operations share: keys from settings, rule errors as domain errors, images from JSON.

Keys (never in the database):
- ``SMARTBORDER_CARD_KEY``: the Ed25519 signing seed for cards (base64url, 32 bytes);
- ``SMARTBORDER_TEMPLATE_KEY``: the AES-256-GCM key for biometric templates (base64url, 32 bytes).
``smartborder trusted keys`` prints fresh ones. Without them the routes that need them answer
503 naming the variable. ``SMARTBORDER_TRUSTED_TEST_KEYS=1`` switches to fixed, public test keys
— for the test suite only: anyone can derive them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from smartborder.service.errors import Conflict, Invalid, TooLarge, Unavailable
from smartborder.trusted.errors import BiometricError, CriteriaError, TransitionError, TrustedError

if TYPE_CHECKING:
    import numpy as np
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from smartborder.trusted.biometrics.templates import TemplateCipher

TEST_SWITCH = "SMARTBORDER_TRUSTED_TEST_KEYS"
MAX_IMAGE_BYTES = 2_000_000


#: The keys the services sign and encrypt with; a public test key for each.
KEY_VARIABLES = ("SMARTBORDER_CARD_KEY", "SMARTBORDER_TEMPLATE_KEY")


def public_test_key(variable: str) -> str:
    """The fixed test key for *variable*: derived from its name, so anyone can derive it; for
    the test suite only (``SMARTBORDER_TRUSTED_TEST_KEYS``), never as a served key."""
    seed = hashlib.sha256(f"smartborder public test key {variable}".encode()).digest()
    return base64.urlsafe_b64encode(seed).rstrip(b"=").decode()


def _key_text(variable: str) -> str:
    """The key named by *variable*, from the service's settings (``SMARTBORDER_CARD_KEY``, …)."""
    from smartborder.service.settings import load_settings

    settings = load_settings()
    secret = {"SMARTBORDER_CARD_KEY": settings.card_key, "SMARTBORDER_TEMPLATE_KEY": settings.template_key}[variable]
    if secret is not None and secret.get_secret_value():
        return secret.get_secret_value()
    if settings.trusted_test_keys:
        return public_test_key(variable)
    raise Unavailable(
        variable,
        f"not set: the service has no key for this; run `smartborder trusted keys` "
        f"and set {variable} (tests set {TEST_SWITCH}=1)",
    )


def card_key() -> Ed25519PrivateKey:
    from smartborder.trusted.cards import load_private_key

    try:
        return load_private_key(_key_text("SMARTBORDER_CARD_KEY"))
    except (ValueError, binascii.Error):
        raise Unavailable("SMARTBORDER_CARD_KEY", "not a base64url 32-byte Ed25519 seed") from None


def template_cipher() -> TemplateCipher:
    from smartborder.trusted.biometrics.templates import TemplateCipher

    try:
        return TemplateCipher.from_text(_key_text("SMARTBORDER_TEMPLATE_KEY"))
    except (ValueError, binascii.Error):
        raise Unavailable("SMARTBORDER_TEMPLATE_KEY", "not base64url") from None
    except BiometricError as exc:
        raise Unavailable(exc.field, exc.problem) from None


@contextmanager
def domain_errors() -> Iterator[None]:
    """A rule that refuses its input becomes a 4xx naming the field: 409 for a step out of
    order (the resource's state conflicts), 422 for input the rules cannot use."""
    try:
        yield
    except TransitionError as exc:
        raise Conflict(exc.field, exc.problem) from None
    except (CriteriaError, BiometricError, TrustedError) as exc:
        raise Invalid(exc.field, exc.problem) from None


def image_from(text: str, field: str = "image_base64") -> np.ndarray:
    from smartborder.trusted.biometrics import decode_image

    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(field, "not base64 text") from None
    if len(data) > MAX_IMAGE_BYTES:
        raise TooLarge(field, f"{len(data):,} bytes; at most {MAX_IMAGE_BYTES:,}")
    try:
        return decode_image(data)
    except BiometricError as exc:
        raise Invalid(field, exc.problem) from None
