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


#: The largest image decoded: 16.8 megapixels (4096 × 4096). A face sample needs a fraction of
#: that (ICAO 9303 portraits are about 0.5 MP); without a bound a 1.25 MB PNG that claims
#: 20,000 × 20,000 pixels costs about 0.8 GB and seconds to decode (a decompression bomb).
MAX_PIXELS = 4096 * 4096


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) as a PNG's IHDR or a JPEG's start-of-frame states it, read from the header
    without decoding; None if the bytes are neither."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24 and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length: start, TEM, restarts
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start-of-frame
            return int.from_bytes(data[i + 7 : i + 9], "big"), int.from_bytes(data[i + 5 : i + 7], "big")
        i += 2 + length
    return None


def decode_image(data: bytes, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """PNG or JPEG bytes → a grayscale array; anything else, or an image over *max_pixels* (read
    from its header before any decoding), is a BiometricError on ``image``."""
    import cv2
    import numpy as np

    size = image_size(data) if data else None
    if size is None:
        raise BiometricError("image", "not a PNG or JPEG image")
    if size[0] * size[1] > max_pixels:
        raise BiometricError(
            "image",
            f"{size[0]} × {size[1]} pixels is more than a face sample needs "
            f"(at most {max_pixels:,} pixels, e.g. 4096 × 4096)",
        )
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise BiometricError("image", "not a PNG or JPEG image")
    return image


def encode_png(image: np.ndarray) -> bytes:
    import cv2

    ok, buffer = cv2.imencode(".png", image)
    if not ok:
        raise BiometricError("image", "could not encode the image as PNG")
    return bytes(buffer)
