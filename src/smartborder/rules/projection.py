"""Projecting the temporary work permit program for an applicant population, year by year.

Each year: applicants become eligible (background check passed, the three-year bar over),
join the queue in filing order, and new permits are issued up to the annual cap (renewals do
not count against it — the seed caps new visas, "300,000 persons ... annually"). Holders renew
at the renewal share; those reaching a cumulative five years apply for residency at the uptake
share and leave the temporary program. Shares are documented estimates (parameters.toml). An
applicant whose ``nationality`` (optional column, ISO 3166-1 alpha-2) is not the cap's
(``work_permit.cap_nationality``) is issued outside the cap, as ``rules.cap.allocate`` does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from smartborder.rules.bounds import check_year
from smartborder.rules.calendar import add_years
from smartborder.rules.cap import cap_nationality
from smartborder.rules.errors import RuleInputError
from smartborder.rules.parameters import param

COLUMNS = {"applicant_id", "filed", "skill", "background_check"}


def load_applicants(path: Path) -> pd.DataFrame:
    """CSV with applicant_id, filed (YYYY-MM-DD), skill, background_check and optionally
    last_illegal_crossing and nationality (ISO 3166-1 alpha-2 on the day filed; empty: not on
    record); every row is checked and the first bad one named."""
    try:
        frame = pd.read_csv(path, dtype=str)
    except FileNotFoundError:
        raise RuleInputError(f"applicants: file {path} does not exist") from None
    missing = COLUMNS - set(frame.columns)
    if missing:
        raise RuleInputError(f"applicants: missing column(s) {sorted(missing)}; expected {sorted(COLUMNS)}")
    for column in ("filed", "last_illegal_crossing"):
        if column in frame:
            parsed = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")
            bad = frame[column].notna() & parsed.isna()
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise RuleInputError(
                    f"applicants row {row + 2}: {column} {frame[column].iloc[row]!r} is not YYYY-MM-DD"
                )
            frame[column] = [d.date() if pd.notna(d) else None for d in parsed]
    if any(d is None for d in frame["filed"]):
        first = next(i for i, d in enumerate(frame["filed"]) if d is None)
        raise RuleInputError(f"applicants row {first + 2}: filed is required")
    bad_skill = ~frame["skill"].isin(["skilled", "unskilled"])
    if bad_skill.any():
        raise RuleInputError(
            f"applicants: skill must be skilled or unskilled, got {frame['skill'][bad_skill].iloc[0]!r}"
        )
    if "nationality" in frame:
        given = frame["nationality"].notna()
        bad_code = given & ~frame["nationality"].fillna("").str.fullmatch(r"[A-Z]{2}")
        if bad_code.any():
            row = int(np.flatnonzero(bad_code)[0])
            raise RuleInputError(
                f"applicants row {row + 2}: nationality {frame['nationality'].iloc[row]!r} is not an ISO 3166-1 "
                "alpha-2 code (two capital letters, e.g. MX)"
            )
    if frame["applicant_id"].duplicated().any():
        raise RuleInputError(
            f"applicants: applicant_id {frame['applicant_id'][frame['applicant_id'].duplicated()].iloc[0]!r} appears twice"
        )
    return frame


def project(applicants: pd.DataFrame, start_year: int, years: int, cap: int | None = None) -> pd.DataFrame:
    """One row per year: issued, waiting, holders, renewed, lapsed, newly eligible for residency."""
    if years < 1:
        raise RuleInputError(f"years: must be >= 1, got {years}")
    check_year(start_year, "start_year")
    check_year(start_year + years - 1, "years")
    bar = param("work_permit.ineligibility_years_after_illegal_crossing", dt.date(start_year, 1, 1))
    frame = applicants.copy()
    if "last_illegal_crossing" not in frame:
        frame["last_illegal_crossing"] = None
    if "nationality" not in frame:
        frame["nationality"] = None
    frame["eligible_from"] = [
        max(filed, add_years(crossing, bar)) if crossing is not None and pd.notna(crossing) else filed
        for filed, crossing in zip(frame["filed"], frame["last_illegal_crossing"], strict=True)
    ]
    frame = frame[frame["background_check"] == "passed"].sort_values(["filed", "applicant_id"])
    queue = list(frame.itertuples(index=False))
    cohorts: list[float] = []  # holders by years held (index 0 = first year)
    rows = []
    for k in range(years):
        year = start_year + k
        on = dt.date(year, 1, 1)
        cap_year = param("work_permit.annual_cap", on) if cap is None else cap
        counted = cap_nationality(on)
        renew = param("projection.renewal_share", on)
        uptake = param("projection.residency_uptake", on)
        five = param("work_permit.residency_after_years", on)
        # As ``rules.cap.allocate`` judges: on 1 January, or on the filing day for a filing later
        # in the year; a bar that ends after that day waits for the next year's cap.
        ready = [a for a in queue if a.filed.year <= year and a.eligible_from <= max(on, a.filed)]
        outside = [a for a in ready if isinstance(a.nationality, str) and a.nationality != counted]
        issued = [a for a in ready if not (isinstance(a.nationality, str) and a.nationality != counted)][:cap_year]
        issued_ids = {a.applicant_id for a in issued + outside}
        queue = [a for a in queue if a.applicant_id not in issued_ids]
        # Holders move one year on; renewals apply to those continuing.
        continuing = [c * renew for c in cohorts]
        lapsed = sum(cohorts) - sum(continuing)
        reaching = continuing[five - 1] if len(continuing) >= five else 0.0
        to_residency = reaching * uptake
        if len(continuing) >= five:
            continuing[five - 1] -= to_residency
        cohorts = [float(len(issued) + len(outside)), *continuing]
        rows.append(
            {
                "year": year,
                "issued": len(issued),
                "issued_outside_cap": len(outside),
                "waiting": len([a for a in queue if a.filed.year <= year and a.eligible_from <= max(on, a.filed)]),
                "not_yet_eligible": len(queue)
                - len([a for a in queue if a.filed.year <= year and a.eligible_from <= max(on, a.filed)]),
                "holders": round(sum(cohorts)),
                "lapsed": round(lapsed),
                "eligible_for_residency": round(to_residency),
                "cap": cap_year,
            }
        )
    return pd.DataFrame(rows).set_index("year")
