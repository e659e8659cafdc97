"""A decision that explains itself: which rule decided, and the facts that made it so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from smartborder.rules.parameters import version_on


@dataclass(frozen=True)
class Decision:
    question: str
    on: dt.date
    granted: bool
    reasons: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. records dated after the day asked, left out
    version: str = ""  # the dated parameters in force on the day decided (``parameters.version_on``)

    def __post_init__(self) -> None:
        if not self.version:
            object.__setattr__(self, "version", version_on(self.on))

    def __str__(self) -> str:
        verdict = "granted" if self.granted else "refused"
        text = f"{self.question} {verdict} on {self.on}: " + "; ".join(self.reasons)
        return text + (f" ({'; '.join(self.notes)})" if self.notes else "")

    def noting(self, notes: list[str]) -> Decision:
        """The same decision with *notes* added."""
        return replace(self, notes=[*self.notes, *notes]) if notes else self

    def as_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "on": self.on.isoformat(),
            "granted": self.granted,
            "reasons": self.reasons,
            "rules": self.rules,
            "notes": self.notes,
            "version": self.version,
        }


def decide(question: str, on: dt.date, checks: list[tuple[str, bool, str]]) -> Decision:
    """Grant when every check passes; the reasons list the failing checks (or all, if granted)."""
    failed = [(rule, why) for rule, ok, why in checks if not ok]
    if failed:
        return Decision(question, on, False, [why for _, why in failed], [rule for rule, _ in failed])
    return Decision(question, on, True, [why for _, _, why in checks], [rule for rule, _, _ in checks])
