"""Watch-list screening: spelling variants are flagged for review, unrelated names are clear."""

import datetime as dt

import pytest

from smartborder.trusted import WatchEntry, screen
from smartborder.trusted.vetting import normalise

LIST = [
    WatchEntry("w1", "Mohammed Al-Rashid", aliases=("Abu Karim",), dob=dt.date(1980, 4, 2)),
    WatchEntry("w2", "Juan García López", dob=dt.date(1975, 1, 9), document_number="G1234567"),
    WatchEntry("w3", "John Smith", dob=dt.date(1990, 7, 7)),
    WatchEntry("w4", "Ana Pérez", dob=dt.date(1985, 3, 3)),
]
DOB = dt.date(2000, 1, 1)


@pytest.mark.parametrize(
    "name, dob, document, flagged, why",
    [
        ("Muhammad Al Rashid", DOB, "X1", ["w1"], "transliteration: 89/100"),
        ("abu karim", DOB, "X1", ["w1"], "an alias"),
        ("Lopez Juan Garcia", DOB, "X1", ["w2"], "name order and accents ignored"),
        ("Maria Fernanda Ortiz", DOB, "g-123 4567", ["w2"], "document number, however typed"),
        (
            "Jon Smyth",
            dt.date(1990, 7, 7),
            "X1",
            ["w3"],
            "84/100 alone is not enough, with the same date of birth it is",
        ),
        ("Jon Smyth", DOB, "X1", [], "84/100 with another date of birth"),
        ("Ana Maria Perez", dt.date(1985, 3, 3), "X1", ["w4"], "middle name added, same date of birth"),
        ("Maria Fernanda Ortiz", DOB, "X1", [], "unrelated"),
    ],
)
def test_screen(name: str, dob: dt.date, document: str, flagged: list[str], why: str) -> None:
    report = screen(name, dob, document, LIST)
    assert [c.entry_id for c in report.candidates] == flagged, why
    assert report.outcome == ("possible_match" if flagged else "clear")


def test_report_is_reviewable() -> None:
    report = screen("Lopez Juan Garcia", dt.date(1975, 1, 9), "G1234567", LIST).as_dict()
    (candidate,) = report["candidates"]
    assert candidate["entry_id"] == "w2" and candidate["dob_match"] and candidate["document_match"]
    assert candidate["name_score"] == 100.0
    assert len(candidate["reasons"]) == 3
    assert report["thresholds"] == {"name_flag": 85.0, "name_with_dob": 70.0}


def test_normalise() -> None:
    assert normalise("  José  Ángel O'Brien ") == "jose angel o brien"
