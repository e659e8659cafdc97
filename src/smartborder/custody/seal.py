"""Seal and container identifiers: ISO 17712 seal marks and ISO 6346 container codes.

ISO 17712 asks that every seal carry a unique identification mark and its issuer's name or logo,
and classes seals by strength: **I** (indicative), **S** (security), **H** (high security).
C-TPAT's minimum security criteria require class H seals affixed at the point of origin on every
loaded container or trailer bound for the US. The standard does not define a check digit, so the
form accepted here is an explicit choice (``SEAL_PATTERN``): a 2–4 letter issuer prefix followed
by 4–16 letters or digits that include at least 5 digits (``"TYD1234567"``), with spaces and
hyphens ignored.

ISO 6346 container codes (``"CSQU3054383"``) carry a check digit, which is verified; a trailer id
that is not an ISO 6346 code (US/MX plates, carrier unit numbers) is accepted as 2–17 letters,
digits or hyphens.
"""

from __future__ import annotations

import re

from smartborder.custody.errors import CustodyInputError

SEAL_CLASSES = {"H": "high security", "S": "security", "I": "indicative"}
#: The class C-TPAT requires for a loaded container or trailer bound for the US.
CTPAT_SEAL_CLASS = "H"
SEAL_PATTERN = re.compile(r"^[A-Z]{2,4}(?=(?:[A-Z]*\d){5})[A-Z0-9]{4,16}$")
CONTAINER_PATTERN = re.compile(r"^[A-Z]{3}[UJZR]\d{7}$")
TRAILER_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,16}$")


def normalise_seal(number: str, field: str = "seal_number") -> str:
    """The seal mark in canonical form (upper case, no spaces or hyphens), or an error saying why."""
    mark = re.sub(r"[\s-]+", "", number).upper()
    if not SEAL_PATTERN.match(mark):
        raise CustodyInputError(
            field,
            f"{number!r} is not an ISO 17712 seal mark as accepted here: expected a 2–4 letter issuer "
            "prefix and 4–16 letters or digits with at least 5 digits, e.g. 'TYD1234567'",
        )
    return mark


def seal_class(value: str, field: str = "seal_class") -> str:
    """The ISO 17712 class letter (H, S or I)."""
    letter = value.strip().upper()
    if letter not in SEAL_CLASSES:
        raise CustodyInputError(field, f"expected an ISO 17712 class H, S or I, got {value!r}")
    return letter


def iso6346_check_digit(code: str) -> int:
    """The check digit of the first 10 characters of an ISO 6346 container code."""
    values: dict[str, int] = {}
    value = 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if value % 11 == 0:  # the standard skips multiples of 11
            value += 1
        values[letter] = value
        value += 1
    total = sum((values[ch] if ch.isalpha() else int(ch)) * 2**i for i, ch in enumerate(code[:10]))
    return int(total % 11 % 10)


def normalise_container(identifier: str, field: str = "container_id") -> str:
    """An ISO 6346 container code with a correct check digit, or a trailer id."""
    ident = re.sub(r"\s+", "", identifier).upper()
    if CONTAINER_PATTERN.match(ident):
        expected = iso6346_check_digit(ident)
        if int(ident[10]) != expected:
            raise CustodyInputError(
                field, f"{identifier!r} fails the ISO 6346 check digit (expected {expected}, found {ident[10]})"
            )
        return ident
    if not TRAILER_PATTERN.match(ident):
        raise CustodyInputError(
            field,
            f"{identifier!r} is neither an ISO 6346 container code "
            "(e.g. 'CSQU3054383') nor a trailer id (2–17 letters, digits, hyphens)",
        )
    return ident
