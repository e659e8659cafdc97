import pytest

from smartborder.custody import CustodyInputError, normalise_container, normalise_seal, seal_class
from smartborder.custody.seal import iso6346_check_digit


@pytest.mark.parametrize(
    ("mark", "canonical"),
    [
        ("TYD1234567", "TYD1234567"),
        ("tyd-123 4567", "TYD1234567"),
        ("AB12345", "AB12345"),
        ("MSKU A 9876543210", "MSKUA9876543210"),
    ],
)
def test_seal_marks_accepted_in_canonical_form(mark: str, canonical: str) -> None:
    assert normalise_seal(mark) == canonical


@pytest.mark.parametrize(
    "mark", ["", "1234567", "T1234567", "A-1234567", "ABCDEF1234", "AB1234", "AB12C3D", "AB12345!", "AB" + "1" * 17]
)
def test_malformed_seal_marks_name_the_field(mark: str) -> None:
    with pytest.raises(CustodyInputError) as err:
        normalise_seal(mark)
    assert err.value.field == "seal_number" and "ISO 17712" in err.value.problem


def test_seal_classes() -> None:
    assert [seal_class(c) for c in ("h", "S", " i ")] == ["H", "S", "I"]
    with pytest.raises(CustodyInputError, match="class H, S or I"):
        seal_class("X")


@pytest.mark.parametrize(("code", "digit"), [("CSQU305438", 3), ("MSKU907032", 3), ("TGHU661722", 9)])
def test_iso6346_check_digits(code: str, digit: int) -> None:
    # CSQU3054383 is the standard's worked example
    assert iso6346_check_digit(code) == digit


def test_container_codes_are_checked_and_trailers_accepted() -> None:
    assert normalise_container("csqu 305438 3") == "CSQU3054383"
    assert normalise_container("TRL-0042") == "TRL-0042"
    with pytest.raises(CustodyInputError, match="check digit"):
        normalise_container("CSQU3054384")
    with pytest.raises(CustodyInputError, match="neither"):
        normalise_container("x")
