"""The biometric 1:1 matcher interface: enrol a sample into a template, verify a live sample.

The card says who the traveller claims to be; the booth compares the live sample with that
person's enrolled template only (1:1), never searches everyone. Any matcher that fits
``Matcher`` can stand behind the service: the LBPH face matcher (``lbph.py``) is the real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from smartborder.trusted.errors import BiometricError

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class MatchResult:
    """A distance (lower = more alike), the threshold it was judged against, and the verdict."""

    distance: float
    threshold: float
    match: bool

    def as_dict(self) -> dict[str, object]:
        return {"distance": round(self.distance, 4), "threshold": self.threshold, "match": self.match}


class Matcher(Protocol):
    name: str
    threshold: float

    def enrol(self, image: np.ndarray) -> bytes:
        """A template (opaque bytes) from one enrolment sample."""
        ...

    def verify(self, template: bytes, image: np.ndarray) -> MatchResult:
        """Compare a live sample with an enrolled template."""
        ...


def decode_image(data: bytes) -> np.ndarray:
    """PNG or JPEG bytes → a grayscale array; anything else is a BiometricError on ``image``."""
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE) if data else None
    if image is None:
        raise BiometricError("image", "not a PNG or JPEG image")
    return image


def encode_png(image: np.ndarray) -> bytes:
    import cv2

    ok, buffer = cv2.imencode(".png", image)
    if not ok:
        raise BiometricError("image", "could not encode the image as PNG")
    return bytes(buffer)
