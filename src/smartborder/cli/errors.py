"""The command line's own refusal.

UsageError   the options given cannot be used together, or one needs another (the messages name
             the flags: this is the one layer that knows them)
"""

from smartborder.errors import SmartborderError


class UsageError(SmartborderError, ValueError):
    """The command line asks for something inconsistent; the message names the flags."""
