"""Seed 004's migration and trade programs as rules-as-code.

Each rule is a small function named after the question it answers, returning a ``Decision``
that explains itself; parameters are dated data quoting the seed (``parameters.toml``).
OpenFisca-core was considered: its dated parameters inspired ``parameters.py``, but these rules
judge one person's dated history (spells, reports, anniversaries) rather than vectorised
populations over fixed periods, which plain functions express more directly.
"""

from smartborder.rules import parameters
from smartborder.rules.cap import Application, allocate
from smartborder.rules.decision import Decision
from smartborder.rules.history import History, Nationality, Report, Spell
from smartborder.rules.program import Announcement, Certification, ProgramState, TradeArea
from smartborder.rules.resident_permit import (
    may_apply_for_citizenship,
    may_get_resident_permit,
    program_active,
    protected_from_deportation,
)
from smartborder.rules.trade import InputImport, mfn_convergence, roo_waiver
from smartborder.rules.work_permit import may_apply, may_apply_for_residency, may_renew

__all__ = [
    "Announcement",
    "Application",
    "Certification",
    "Decision",
    "History",
    "InputImport",
    "Nationality",
    "ProgramState",
    "Report",
    "Spell",
    "TradeArea",
    "allocate",
    "may_apply",
    "may_apply_for_citizenship",
    "may_apply_for_residency",
    "may_get_resident_permit",
    "may_renew",
    "mfn_convergence",
    "parameters",
    "program_active",
    "protected_from_deportation",
    "roo_waiver",
]
