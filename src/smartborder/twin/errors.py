"""Errors of the twin.

TwinError
├── ModelError        a port model, staffing plan or distribution is invalid
└── KernelInputError  arrays given to a kernel are malformed (unsorted, negative, mismatched)
"""

from smartborder.errors import SmartborderError


class TwinError(SmartborderError):
    """Root of the twin's errors."""


class ModelError(TwinError, ValueError):
    """A port model, staffing plan, distribution or scenario is invalid."""


class KernelInputError(TwinError, ValueError):
    """Arrays passed to a simulation kernel are malformed."""
