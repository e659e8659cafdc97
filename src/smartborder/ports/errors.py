"""Errors of the port models.

PortError   a crossing's model cannot be built or changed as asked: a year outside its data, a
            class it does not report, a staffing file or scenario lever that does not fit it
"""

from smartborder.errors import SmartborderError


class PortError(SmartborderError, ValueError):
    """A port model cannot be built or changed as asked; the message names the field."""
