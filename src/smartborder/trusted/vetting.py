"""Screening an applicant against a watch list: fuzzy names, date of birth, document number.

Names are compared with rapidfuzz on a normalised form (accents stripped, case folded, name
order ignored via ``token_sort_ratio``), against every alias of an entry. The result is a report
an officer can read: each candidate entry, the name score, which other identifiers agree, and
why it was flagged. Any flagged candidate means "possible match": the application waits for a
person's review, never an automatic approval. Thresholds live in ``programs.toml``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from smartborder.trusted.programs import parameters


@dataclass(frozen=True)
class WatchEntry:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    dob: dt.date | None = None
    document_number: str | None = None


@dataclass(frozen=True)
class Candidate:
    """One watch-list entry that came close, with the evidence."""

    entry_id: str
    matched_name: str
    name_score: float
    dob_match: bool
    document_match: bool
    reasons: list[str]


@dataclass(frozen=True)
class VettingReport:
    outcome: str  # "clear" or "possible_match"
    candidates: list[Candidate] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "thresholds": self.thresholds,
            "candidates": [c.__dict__ for c in self.candidates],
        }


def normalise(name: str) -> str:
    """'  José  Ángel O'Brien ' → 'jose angel o brien': accents, case and punctuation ignored."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def normalise_document(number: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", number.upper())


def screen(name: str, dob: dt.date, document_number: str, watch_list: list[WatchEntry]) -> VettingReport:
    """Compare one applicant with every entry; flag by name score, or name + date of birth, or document."""
    p = parameters()["vetting"]
    flag, with_dob = float(p["name_flag"]), float(p["name_with_dob"])
    wanted, doc = normalise(name), normalise_document(document_number)
    candidates = []
    for entry in watch_list:
        names = [entry.name, *entry.aliases]
        best = process.extractOne(wanted, [normalise(n) for n in names], scorer=fuzz.token_sort_ratio)
        score, matched = (best[1], names[best[2]]) if best else (0.0, entry.name)
        dob_match = entry.dob is not None and entry.dob == dob
        doc_match = bool(entry.document_number) and normalise_document(entry.document_number or "") == doc
        reasons = []
        if score >= flag:
            reasons.append(f"name {name!r} is {score:.0f}/100 like {matched!r} (flag at {flag:.0f})")
        if score >= with_dob and dob_match:
            reasons.append(f"name {score:.0f}/100 like {matched!r} and the same date of birth {dob}")
        if doc_match:
            reasons.append(f"document number {document_number!r} is on the list")
        if reasons:
            candidates.append(Candidate(entry.id, matched, round(float(score), 1), dob_match, doc_match, reasons))
    candidates.sort(key=lambda c: (-c.document_match, -c.name_score))
    return VettingReport(
        "possible_match" if candidates else "clear", candidates, {"name_flag": flag, "name_with_dob": with_dob}
    )
