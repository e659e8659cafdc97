"""Biometric templates encrypted at rest (AES-256-GCM, ``cryptography``).

The person's id is bound in as associated data, so a template copied onto another person's row
fails to decrypt rather than verifying the wrong traveller. The key comes from the service's
settings (``SMARTBORDER_TEMPLATE_KEY``), never from the database that holds the ciphertext.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from smartborder.trusted.errors import BiometricError

VERSION = b"\x01"


class TemplateCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise BiometricError("SMARTBORDER_TEMPLATE_KEY", f"expected 32 bytes (base64url), got {len(key)}")
        self._aead = AESGCM(key)

    @classmethod
    def from_text(cls, text: str) -> TemplateCipher:
        return cls(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))

    def seal(self, template: bytes, person_id: str) -> bytes:
        nonce = os.urandom(12)
        return VERSION + nonce + self._aead.encrypt(nonce, template, person_id.encode())

    def open(self, sealed: bytes, person_id: str) -> bytes:
        if not sealed.startswith(VERSION):
            raise BiometricError("template", "unknown template encryption version")
        try:
            return self._aead.decrypt(sealed[1:13], sealed[13:], person_id.encode())
        except InvalidTag:
            raise BiometricError(
                "template", "cannot decrypt: wrong key, or the template belongs to someone else"
            ) from None


def new_key_text() -> str:
    """A fresh 256-bit key as base64url, for ``SMARTBORDER_TEMPLATE_KEY``."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).rstrip(b"=").decode()
