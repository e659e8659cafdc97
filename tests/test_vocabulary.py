"""The shared words exist once (smartborder.vocabulary): no module spells a total's label or a
class's display names itself."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

import smartborder
from smartborder import vocabulary
from smartborder.vocabulary import short_name

PACKAGE = Path(smartborder.__file__).parent
LABELS = {vocabulary.ALL_LANES, vocabulary.ALL_CROSSINGS, vocabulary.ALL_CLASSES}


def _literal(text: str) -> object:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):  # an f-string: not a bare copy
        return None


def _sources() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if p.name != "vocabulary.py"]


def test_no_module_spells_a_totals_label() -> None:
    """A string literal that is exactly a label (docstrings and longer texts may mention it)."""
    found = []
    for path in _sources():
        for token in tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline):
            if token.type == tokenize.STRING and _literal(token.string) in LABELS:
                found.append(f"{path.relative_to(PACKAGE)}:{token.start[0]} {token.string}")
    assert not found, "use smartborder.vocabulary: " + ", ".join(found)


def test_class_names_are_defined_once() -> None:
    """No other dict maps the class keys to display names of its own."""
    keys = set(vocabulary.CLASS_NAMES)
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys):
                literal = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                values = [
                    v.value.lower() for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
                ]
                if keys <= literal and {"cars", "trucks"} <= set(values):
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not found, "use smartborder.vocabulary.CLASS_NAMES: " + ", ".join(found)


def test_titles() -> None:
    assert vocabulary.class_title("pov") == "Cars" and vocabulary.class_title("other") == "Other"


def test_a_class_by_any_of_its_names() -> None:
    for name, key in (
        ("truck", "truck"),
        ("Trucks", "truck"),
        ("cars", "pov"),
        ("car", "pov"),
        ("pov", "pov"),
        ("pedestrians", "pedestrian"),
        ("buses", "bus"),
        ("bus", "bus"),
        ("boats", "boats"),
    ):
        assert vocabulary.class_key(name) == key


@pytest.mark.parametrize(
    ("name", "keep_kind", "short"),
    [
        ("Gateway to the Americas Bridge (Laredo Bridge I), Laredo TX", True, "Gateway to the Americas Bridge"),
        ("San Ysidro, CA (2504)", True, "San Ysidro"),
        ("World Trade Bridge, Laredo TX", False, "World Trade"),
        ("Veterans International Bridge (Los Tomates), Brownsville TX", False, "Veterans"),
        ("Otay Mesa", False, "Otay Mesa"),
    ],
)
def test_short_names(name: str, keep_kind: bool, short: str) -> None:
    assert short_name(name, keep_kind=keep_kind) == short
