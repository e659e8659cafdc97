"""Measuring a matcher's false-match and false-non-match rates on the generated face set.

Protocol (after ISO/IEC 19795-1's vocabulary): one enrolment sample per identity, the other
samples are probes; every probe is compared with its own template (genuine) and with every
other identity's template (impostor). Images with no detected face count as failures to
acquire (FTA), reported apart from FNMR, which is over acquired probes only. The threshold is
chosen on *development* identities (a separate seed) for FMR ≤ the target, then measured on
*test* identities never used to choose it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from smartborder.trusted.biometrics.synthetic import face_set
from smartborder.trusted.errors import BiometricError


@dataclass(frozen=True)
class Rate:
    errors: int
    trials: int

    @property
    def value(self) -> float:
        return self.errors / self.trials if self.trials else float("nan")

    def upper95(self) -> float:
        """One-sided 95 % Clopper-Pearson upper bound (3/n when no errors: the rule of three)."""
        from scipy.stats import beta

        if self.errors >= self.trials:
            return 1.0
        return float(beta.ppf(0.95, self.errors + 1, self.trials - self.errors))


@dataclass(frozen=True)
class Evaluation:
    threshold: float
    chosen_threshold: float
    fmr: Rate
    fnmr: Rate
    fta: Rate
    identities: int
    samples: int
    ms_per_verify: float

    def as_dict(self) -> dict[str, Any]:
        def rate(r: Rate) -> dict[str, Any]:
            return {"errors": r.errors, "trials": r.trials, "rate": r.value, "upper95": r.upper95()}

        return {
            "threshold": self.threshold,
            "chosen_threshold_on_development_set": self.chosen_threshold,
            "fmr": rate(self.fmr),
            "fnmr": rate(self.fnmr),
            "failure_to_acquire": rate(self.fta),
            "test_identities": self.identities,
            "samples_per_identity": self.samples,
            "ms_per_verification": self.ms_per_verify,
        }


def _scores(matcher, identities: int, samples: int, seed: int):  # type: ignore[no-untyped-def]
    """Genuine and impostor distances, FTA count and trials, and the time per comparison."""
    import time

    images, labels = face_set(identities, samples, seed)
    hists: dict[int, list[np.ndarray]] = {}
    failures = 0
    start = time.perf_counter()
    for image, label in zip(images, labels, strict=True):
        try:
            hists.setdefault(label, []).append(matcher.histogram(matcher.face(image)))
        except BiometricError:
            failures += 1
    per_sample = (time.perf_counter() - start) / len(images)
    import cv2

    genuine: list[float] = []
    impostor: list[float] = []
    templates = {k: v[0] for k, v in hists.items() if v}
    for owner, template in templates.items():
        for label, probes in hists.items():
            for probe in probes[1:]:
                d = cv2.compareHist(template, probe, cv2.HISTCMP_CHISQR_ALT)
                (genuine if label == owner else impostor).append(d)
    return np.array(genuine), np.array(impostor), failures, len(images), per_sample * 1000


def choose_threshold(impostor: np.ndarray, target_fmr: float) -> float:
    """The largest distance that keeps the impostor acceptance rate at or below *target_fmr*."""
    ordered = np.sort(impostor)
    allowed = int(np.floor(target_fmr * len(ordered)))
    return float(ordered[allowed] - 1e-9) if allowed < len(ordered) else float(ordered[-1])


def evaluate(  # type: ignore[no-untyped-def]
    matcher,
    threshold: float | None = None,
    identities: int = 60,
    samples: int = 4,
    dev_identities: int = 40,
    target_fmr: float = 0.01,
    seed: int = 2,
    dev_seed: int = 1,
) -> Evaluation:
    """Choose a threshold on development identities, then measure FMR, FNMR and FTA on test ones.

    *threshold* None measures at the development choice; a number measures at that one (e.g. the
    configured threshold), reporting the development choice beside it.
    """
    _, dev_impostor, _, _, _ = _scores(matcher, dev_identities, samples, dev_seed)
    chosen = round(choose_threshold(dev_impostor, target_fmr), 2)
    used = chosen if threshold is None else threshold
    genuine, impostor, failures, images, ms = _scores(matcher, identities, samples, seed)
    return Evaluation(
        used,
        chosen,
        Rate(int((impostor <= used).sum()), len(impostor)),
        Rate(int((genuine > used).sum()), len(genuine)),
        Rate(failures, images),
        identities,
        samples,
        round(ms, 2),
    )
