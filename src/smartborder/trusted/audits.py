"""Facility security audits scored against the criteria checklist (``criteria.toml``).

The checklist, weights and pass marks are data with their source; this module only applies
them, so an auditor's findings always give the same score and the same reasons.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

from smartborder.trusted.errors import CriteriaError


@dataclass(frozen=True)
class Criterion:
    id: str
    category: str
    level: str  # "must" or "should"
    text: str


@dataclass(frozen=True)
class Checklist:
    """The criteria, their categories and the scoring rules, as read from data."""

    version: str
    source: str
    categories: dict[str, str]
    criteria: dict[str, Criterion]
    weights: dict[str, int]
    overall_pass: float
    category_pass: float
    scoring_source: str
    revalidation_years: int
    certification_source: str


@lru_cache(maxsize=1)
def checklist() -> Checklist:
    """The shipped checklist (read once)."""
    raw: dict[str, Any] = tomllib.loads((files("smartborder.trusted") / "criteria.toml").read_text("utf-8"))
    criteria = {c["id"]: Criterion(c["id"], c["category"], c["level"], c["text"]) for c in raw["criteria"]}
    for c in criteria.values():  # the data file checks itself
        if c.category not in raw["categories"] or c.level not in raw["scoring"]["weights"]:
            raise CriteriaError("criteria", f"{c.id}: unknown category {c.category!r} or level {c.level!r}")
    s, cert = raw["scoring"], raw["certification"]
    return Checklist(
        raw["version"],
        raw["source"],
        {k: v["name"] for k, v in raw["categories"].items()},
        criteria,
        dict(s["weights"]),
        s["overall_pass"],
        s["category_pass"],
        s["source"],
        cert["revalidation_years"],
        cert["source"],
    )


@dataclass(frozen=True)
class Finding:
    """An auditor's verdict on one criterion, with a note saying what was seen."""

    criterion: str
    met: bool
    note: str = ""


@dataclass(frozen=True)
class AuditResult:
    """Score overall and per category, the pass decision and the reasons for it."""

    passed: bool
    score: float
    category_scores: dict[str, float]
    reasons: list[str] = field(default_factory=list)
    checklist_version: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "score": round(self.score, 4),
            "category_scores": {k: round(v, 4) for k, v in self.category_scores.items()},
            "reasons": self.reasons,
            "checklist_version": self.checklist_version,
        }


def score(findings: list[Finding], rules: Checklist | None = None) -> AuditResult:
    """Score a complete audit. Every criterion must be judged once; unknown ids are refused."""
    rules = rules or checklist()
    seen: dict[str, Finding] = {}
    for f in findings:
        if f.criterion not in rules.criteria:
            raise CriteriaError(
                "findings",
                f"unknown criterion {f.criterion!r}; "
                f"expected ids such as {', '.join(list(rules.criteria)[:3])} (GET the criteria list)",
            )
        if f.criterion in seen:
            raise CriteriaError("findings", f"criterion {f.criterion!r} is judged twice")
        seen[f.criterion] = f
    missing = [c for c in rules.criteria if c not in seen]
    if missing:
        raise CriteriaError("findings", f"an audit judges every criterion; missing {', '.join(missing)}")
    earned: dict[str, int] = dict.fromkeys(rules.categories, 0)
    possible: dict[str, int] = dict.fromkeys(rules.categories, 0)
    reasons = []
    for c in rules.criteria.values():
        w = rules.weights[c.level]
        possible[c.category] += w
        if seen[c.id].met:
            earned[c.category] += w
        elif c.level == "must":
            reasons.append(
                f"{c.id} ({rules.categories[c.category]}) not met: a 'must' criterion"
                + (f" — {seen[c.id].note}" if seen[c.id].note else "")
            )
    cats = {k: earned[k] / possible[k] for k in rules.categories if possible[k]}
    overall = sum(earned.values()) / sum(possible.values())
    for k, v in cats.items():
        if v < rules.category_pass:
            reasons.append(f"{rules.categories[k]} scores {v:.0%} (at least {rules.category_pass:.0%} required)")
    if overall < rules.overall_pass:
        reasons.append(f"overall score {overall:.0%} (at least {rules.overall_pass:.0%} required)")
    return AuditResult(not reasons, overall, cats, reasons, rules.version)
