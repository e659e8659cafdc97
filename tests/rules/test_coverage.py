"""Seed 004's coverage table (docs/seed004.md) is what the generator makes of the parameters and
proposals today, and every parameter quoting the seed has a test that says it covers it."""

from __future__ import annotations

from pathlib import Path

from smartborder.rules.coverage import markdown, rows
from smartborder.rules.parameters import shipped_parameters

ROOT = Path(__file__).resolve().parents[2]


def test_the_coverage_table_is_generated_not_typed() -> None:
    generated = markdown(rows(ROOT / "src", ROOT / "tests"))
    written = (ROOT / "docs" / "seed004.md").read_text("utf-8")
    assert written == generated, (
        "docs/seed004.md is stale: python -m smartborder.rules.coverage src tests > docs/seed004.md"
    )


def test_every_parameter_quoting_the_seed_has_a_test() -> None:
    table = {r.key: r for r in rows(ROOT / "src", ROOT / "tests") if r.kind == "parameter"}
    quoting = [key for key, p in shipped_parameters().items() if p.seed.strip()]
    assert len(quoting) == len(table) > 10  # the table lists every one
    untested = [key for key in quoting if not table[key].tests]
    assert untested == []
    unread = [key for key in quoting if not table[key].encoded_in]  # a parameter no rule reads is not a rule
    assert unread == []
    for row in table.values():
        for test in row.tests:
            path, name = test.split("::")
            assert f"def {name}(" in (ROOT / path).read_text("utf-8")


def test_each_proposal_says_what_is_encoded_and_the_files_it_names_exist() -> None:
    proposals = [r for r in rows(ROOT / "src", ROOT / "tests") if r.kind == "proposal"]
    assert {"retirement_visa", "benefits_portability", "identity_cards"} <= {r.key for r in proposals}
    for row in proposals:
        assert row.seed and row.decision
        assert all((ROOT / "src" / module).exists() for module in row.encoded_in)
        assert all((ROOT / test.split("::")[0]).exists() for test in row.tests)
        assert bool(row.encoded_in) == bool(row.tests)  # what is encoded is tested, and only that
