"""The bounds every door of the rules shares (CLI, HTTP and Python answer the same), checked by
the rules themselves so that a call from Python cannot skip what the CLI and the API refuse."""

from __future__ import annotations

from smartborder.rules.errors import RuleInputError

#: The years a day in a person's record or a decision may fall in: seed 004's program is about
#: lives now, and a year outside these (0001, 9999) is a typing slip or an attempt to game order.
FIRST_YEAR, LAST_YEAR = 1900, 2199
#: The largest certified count of illegal crossings accepted: a sanity bound far above any year
#: on record (1.6 million apprehensions in 2000), so that every door answers a count above the
#: program's 200,000 the same way ('suspended').
MAX_CERTIFIED_CROSSINGS = 1_000_000_000
#: The highest tariff rate accepted, percent. Rates above 100 % are real, not typing slips: WTO
#: bound rates on some farm goods are several hundred percent ad valorem (Japan's rice tariff is
#: about 778 % as an equivalent), and US tariffs on Chinese goods reached 145 % in April 2025; so a
#: 101 % tariff is accepted (issue 27 listed it as a defect; this is the answer), and a rate past
#: ten times the goods' value is refused as no tariff schedule has one.
MAX_TARIFF_PCT = 1000


def check_year(year: object, field: str = "year") -> int:
    """*year* as a whole number within FIRST_YEAR..LAST_YEAR, or a RuleInputError naming *field*."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise RuleInputError(f"{field}: expected a whole year, got {year!r}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise RuleInputError(f"{field}: {year} is outside the years {FIRST_YEAR}..{LAST_YEAR}")
    return year


def check_count(value: object, field: str, largest: int) -> int:
    """*value* as a whole number within 0..*largest*, or a RuleInputError naming *field*."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleInputError(f"{field}: expected a whole number, got {value!r}")
    if not 0 <= value <= largest:
        raise RuleInputError(f"{field}: {value:,} is outside 0..{largest:,}")
    return value
