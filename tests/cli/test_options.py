"""The CLI's own translation of options: the refusals name the flags, and a lower layer's message
that names a field the command line sets gets its flag added."""

from __future__ import annotations

import pytest

from smartborder.cli.errors import UsageError
from smartborder.cli.options import city_choice, with_flags


def test_city_options_become_a_choice_or_a_refusal_naming_the_flag() -> None:
    assert city_choice(False, None) is None
    choice = city_choice(True, 0.4)
    assert choice is not None and choice.share == 0.4
    with pytest.raises(UsageError, match=r"^city-share: give it with --city-choice"):
        city_choice(False, 0.4)
    with pytest.raises(UsageError, match=r"^city-share: a share of drivers in \[0, 1\]"):
        city_choice(True, 1.5)


def test_the_flag_is_added_to_a_message_in_the_analysis_terms() -> None:
    message = "staffing: s.csv staffs 9 lanes but 7 booth(s) are installed; allow extra booths (allow_extra_booths)"
    assert with_flags(message).endswith("(option allow_extra_booths: --allow-extra-booths)")
    assert with_flags("port: no such port") == "port: no such port"
