"""Command-line options turned into the analysis' objects; the refusals name the flags.

``FLAGS`` maps the fields the lower layers name in their messages to the options that set them,
so the CLI adds the flag to a message the analysis wrote in its own terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smartborder.cli.errors import UsageError

if TYPE_CHECKING:
    from smartborder.policy.studies.city import DriverChoice

#: Field named in a lower layer's message → the option that sets it.
FLAGS = {"allow_extra_booths": "--allow-extra-booths", "year/month": "--year / --month"}


def city_choice(asked: bool, share: float | None) -> DriverChoice | None:
    """The choice ``--city-choice`` and ``--city-share`` ask for (``None``: drivers stay put)."""
    if share is not None and not asked:
        raise UsageError("city-share: give it with --city-choice")
    if share is not None and not 0.0 <= share <= 1.0:
        raise UsageError(f"city-share: a share of drivers in [0, 1], got {share}")
    if not asked:
        return None
    from smartborder.policy.studies.city import DriverChoice

    return DriverChoice.defaults(share)


def with_flags(message: str) -> str:
    """*message* with the option for each field it names that the command line sets."""
    hints = [f"{field}: {flag}" for field, flag in FLAGS.items() if field in message and flag not in message]
    return f"{message} (option {'; '.join(hints)})" if hints else message
