"""The temporary work permit program of seed 004, one small rule per question.

Each function answers one question for one person on one date and returns a ``Decision``
whose reasons say which rule decided and why (``renewal refused: employed 7 of the 12 months
ending 2027-03``). Parameters and the seed sentences they come from are in parameters.toml.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

from smartborder.rules.calendar import add_months, add_years, days_in, months_between, years_held
from smartborder.rules.decision import Decision, decide
from smartborder.rules.history import History, Spell
from smartborder.rules.parameters import param, parameter


def not_barred_by_illegal_crossing(h: History, on: dt.date) -> tuple[str, bool, str]:
    """Seed: 'ineligibility for a temporary work permit for three years after an illegal crossing'."""
    years = param("work_permit.ineligibility_years_after_illegal_crossing", on)
    recent = [c for c in h.illegal_crossings if on < add_years(c, years)]
    if recent:
        last = max(recent)
        return ("illegal_crossing_bar", False, f"illegal crossing on {last}: ineligible until {add_years(last, years)}")
    return ("illegal_crossing_bar", True, f"no illegal crossing in the {years} years before {on}")


def background_check(h: History) -> tuple[str, bool, str]:
    """Seed: 'the Mexican applicant will have to undergo a background check'."""
    if h.background_check == "passed":
        return ("background_check", True, "background check passed")
    return ("background_check", False, f"background check {h.background_check}")


def work_skill_basis(h: History) -> tuple[str, bool, str]:
    """Seed: 'issued on a work skill basis (including unskilled workers), not on a family
    reunification basis'."""
    if h.basis == "work_skill":
        return ("work_skill_basis", True, "applies on a work-skill basis")
    return ("work_skill_basis", False, "permits are issued on a work-skill basis, not family reunification")


def no_felony(h: History, since: dt.date | None = None) -> tuple[str, bool, str]:
    """Seed: renewal only if the holder 'had no felony convictions'."""
    convictions = [c for c in h.felony_convictions if since is None or c >= since]
    if convictions:
        return ("no_felony", False, f"felony conviction on {min(convictions)}")
    return ("no_felony", True, "no felony conviction" + (f" since {since}" if since else ""))


def reports_kept_up(h: History, since: dt.date, on: dt.date, residence_only: bool = False) -> tuple[str, bool, str]:
    """Seed: holders 'reported regularly to the INS' — 'electronically of their address and place
    of employment' (interval: a parameter, see its choice). Only reports stating both count.
    *residence_only*: the deportation protection's duty, 'periodically reported a place of
    residence' — a report stating the address counts, an employer is not asked for."""
    interval = param("work_permit.report_interval_months", on)  # the rule as the decision states it
    in_range = [r for r in h.reports if since <= r.on <= on]
    counts = (lambda r: bool(r.address and r.address.strip())) if residence_only else (lambda r: r.complete)
    what = "place of residence" if residence_only else "address and employer"
    name = "residence_reported" if residence_only else "reports_kept_up"
    bare = [r.on for r in in_range if not counts(r)]
    marks = [since, *sorted(r.on for r in in_range if counts(r)), on]
    unstated = (
        f" ({len(bare)} report(s) stating no {'address' if residence_only else 'address or employer'} "
        f"not counted, first {min(bare)})"
        if bare
        else ""
    )
    for a, b in itertools.pairwise(marks):
        due, months = report_due(a)
        if b > due:
            why = (
                f"no report of {what} between {a} and {b} (one was due by {due}: at least every "
                f"{months} months){unstated}"
            )
            return (name, False, why)
    return (name, True, f"reported {what} at least every {interval} months since {since}")


def report_due(last: dt.date) -> tuple[dt.date, int]:
    """The day the next report is due after one on *last*, and the interval that sets it, each
    day judged by the rule in force on that day: under the interval in force on *last*, unless a
    reform in force later asks sooner, and then never before the reform's own date (conduct is
    judged by the rule of its time: a reform from 1 July does not reach back to 1 January)."""
    interval = parameter("work_permit.report_interval_months")
    months = interval.at(last)
    due = add_months(last, months)
    for start, value in sorted(interval.values.items()):
        if last < start < due:  # a reform while this report's interval runs
            later = max(start, add_months(last, value))
            if later < due:
                due, months = later, value
    return due, months


def employment_kept_up(h: History, held: Spell, on: dt.date) -> tuple[str, bool, str]:
    """Seed: 'employed a certain number of months (say eight months) in each rolling
    twelve-month period'. A month counts with at least N employed days (parameter)."""
    need = param("work_permit.renewal_min_months_employed", on)
    window = param("work_permit.renewal_window_months", on)
    min_days = param("work_permit.employed_month_min_days", on)
    end = min(held.end or on, on)
    months = [m for m in months_between(held.start, end) if m.end_time.date() < on]
    employed = [
        days_in(h.employment, max(m.start_time.date(), held.start), m.end_time.date()) >= min_days for m in months
    ]
    if len(months) < window:
        required = math.ceil(need * len(months) / window)
        count = sum(employed)
        ok = count >= required
        return (
            "employment_kept_up",
            ok,
            (
                f"employed {count} of the {len(months)} months held (at least {required} required, "
                f"{need} of {window} prorated)"
            ),
        )
    for k in range(window, len(months) + 1):
        count = sum(employed[k - window : k])
        if count < need:
            return (
                "employment_kept_up",
                False,
                f"employed {count} of the {window} months ending {months[k - 1]} (at least {need} required)",
            )
    return (
        "employment_kept_up",
        True,
        f"employed at least {need} months in every {window}-month period since {held.start}",
    )


def may_apply(h: History, on: dt.date) -> Decision:
    """Can this person be issued a temporary work permit on *on* (cap aside)?"""
    h, left_out = h.as_of(on)
    return decide(
        "temporary work permit", on, [work_skill_basis(h), background_check(h), not_barred_by_illegal_crossing(h, on)]
    ).noting(left_out)


def current_permit(h: History, on: dt.date) -> Spell | None:
    """The latest holding period that started on or before *on*."""
    started = [p for p in h.permits if p.start <= on]
    return max(started, key=lambda p: p.start) if started else None


def may_renew(h: History, on: dt.date) -> Decision:
    """Can the holder renew on *on*? Employment, no felony, reports kept up."""
    h, left_out = h.as_of(on)
    held = current_permit(h, on)
    if held is None:
        return Decision("renewal", on, False, ["holds no temporary work permit"], ["holds_permit"], left_out)
    return decide(
        "renewal", on, [employment_kept_up(h, held, on), no_felony(h), reports_kept_up(h, held.start, on)]
    ).noting(left_out)


def may_apply_for_residency(h: History, on: dt.date) -> Decision:
    """Seed: 'apply for residency after ... a cumulative five years as temporary permit holders'.

    Holding before *on* is added over all holding periods in calendar years (``years_held``):
    an unbroken holding qualifies on its fifth anniversary, three years plus two years qualify
    whatever leap days they span, and a holding one day short does not.
    """
    h, left_out = h.as_of(on)
    years = param("work_permit.residency_after_years", on)
    held = years_held(h.permits, on)
    days = days_in(h.permits, dt.date.min, on - dt.timedelta(days=1)) if on > dt.date.min else 0
    ok = held >= years
    return decide(
        "residency application",
        on,
        [
            (
                "cumulative_holding",
                ok,
                f"held a temporary permit {float(held):.3f} years in all ({days:,} days; {years} calendar years required)",
            )
        ],
    ).noting(left_out)


def accrued_rights(h: History, on: dt.date) -> dict[str, Any]:
    """Seed: 'In the meantime, they should accumulate public Social Security and Medicare rights,
    as well as any private health or pension benefits.'

    Rights accrue for every month employed while holding a permit (a month counts with the same
    minimum days as for renewal); the figure is what a benefits office would credit.
    """
    h, _ = h.as_of(on)
    min_days = param("work_permit.employed_month_min_days", on)
    months = 0
    for held in h.permits:
        end = min(held.end or on, on)
        for month in months_between(held.start, end):
            first = max(month.start_time.date(), held.start)
            last = min(month.end_time.date(), end)
            if days_in(h.employment, first, last) >= min_days:
                months += 1
    return {
        "months_credited": months,
        "accruing": ["Social Security", "Medicare", "private health benefits", "private pension benefits"],
    }
