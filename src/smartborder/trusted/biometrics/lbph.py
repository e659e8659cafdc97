"""A real face matcher on OpenCV (contrib wheel): Haar-cascade detection, then LBPH histograms.

Both models ship inside ``opencv-contrib-python-headless`` (the cascade XML in ``cv2.data``;
LBPH needs no trained weights), so nothing is downloaded at run time. OpenCV 5 wheels dropped
the cascade files, hence the ``<5`` pin. The template is the person's LBPH histogram (radius 2, 8 neighbours, 8x8 cells
of 256-bin uniform-LBP codes, float32); two samples are compared by the chi-square distance
that OpenCV's own LBPH ``predict`` uses. The threshold is data (``programs.toml``), chosen
and measured by ``smartborder trusted biometrics evaluate``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from smartborder.trusted.biometrics.matcher import MatchResult
from smartborder.trusted.errors import BiometricError
from smartborder.trusted.programs import parameters

MAGIC = b"LBPH1"
FACE = 64  # pixels of the normalised face crop (64 separated better than 96 on the development set)


@lru_cache(maxsize=1)
def _cascade() -> Any:
    import cv2

    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")  # type: ignore[attr-defined]
    if cascade.empty():  # pragma: no cover - a broken OpenCV install
        raise BiometricError("matcher", "OpenCV's face cascade is missing (opencv-contrib-python-headless<5 ships it)")
    return cascade


class LBPHMatcher:
    """Detect the largest face, normalise it, compare LBPH histograms by chi-square distance."""

    name = "opencv-lbph"

    def __init__(self, threshold: float | None = None) -> None:
        self.threshold = float(threshold if threshold is not None else parameters()["biometrics"]["lbph_threshold"])

    def face(self, image: np.ndarray) -> np.ndarray:
        """The normalised face crop; no face is a failure to acquire (BiometricError)."""
        import cv2

        if image.ndim != 2:
            image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        side = min(image.shape)
        found = _cascade().detectMultiScale(
            image, scaleFactor=1.1, minNeighbors=4, minSize=(max(24, side // 4), max(24, side // 4))
        )
        if len(found) == 0:
            raise BiometricError(
                "image", "no face found: the face must be frontal, lit and fill a quarter of the frame"
            )
        x, y, w, h = max(found, key=lambda r: r[2] * r[3])
        crop = cv2.resize(image[y : y + h, x : x + w], (FACE, FACE), interpolation=cv2.INTER_AREA)
        return cv2.equalizeHist(crop)

    def histogram(self, face: np.ndarray) -> np.ndarray:
        import cv2

        model = cv2.face.LBPHFaceRecognizer_create(radius=2, neighbors=8, grid_x=8, grid_y=8)  # type: ignore[attr-defined]
        model.train([face], np.array([0], np.int32))
        return np.asarray(model.getHistograms()[0], np.float32).ravel()

    def enrol(self, image: np.ndarray) -> bytes:
        return MAGIC + self.histogram(self.face(image)).tobytes()

    def distance(self, template: bytes, image: np.ndarray) -> float:
        import cv2

        if not template.startswith(MAGIC):
            raise BiometricError("template", "not an LBPH template of this matcher")
        enrolled = np.frombuffer(template[len(MAGIC) :], np.float32)
        live = self.histogram(self.face(image))
        if enrolled.shape != live.shape:
            raise BiometricError("template", "template size does not match this matcher's histograms")
        return float(cv2.compareHist(enrolled, live, cv2.HISTCMP_CHISQR_ALT))

    def verify(self, template: bytes, image: np.ndarray) -> MatchResult:
        d = self.distance(template, image)
        return MatchResult(d, self.threshold, d <= self.threshold)
