"""Errors of the rules.

RuleError
└── RuleInputError   a history or application that cannot be judged (dates, overlaps)
"""

from smartborder.errors import SmartborderError


class RuleError(SmartborderError):
    """Root of the rules' errors."""


class RuleInputError(RuleError, ValueError):
    """Input that no rule can judge: a future report, overlapping spells, a missing date."""
