"""The API contract gate: schemathesis against the real server (`smartborder serve`), every
operation, in its three phases (the schema's boundary values, random generation, and sequences of
calls chained by the responses' links), on SQLite and on PostgreSQL where the tests have one, as
an admin and as two unprivileged callers: an applicant speaking for one person and a carrier for
its org. Known records are seeded so that path parameters reach real rows. It must end with no
server error (5xx) and no response that breaks the documented schema, status codes or content type.

Bounded here (a few examples per operation, ~1 min a database); ``bench/bench_contract.py`` runs
the same with over 10,000 cases per caller.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.service.contract import card_keys, run_schemathesis, schemathesis, seed_records
from tests.service.live import new_token, served

pytestmark = pytest.mark.skipif(schemathesis() is None, reason="schemathesis is in the test extras")

#: A deeper run by hand: SMARTBORDER_CONTRACT_EXAMPLES=200 SMARTBORDER_CONTRACT_SEED=7 pytest tests/service/test_contract.py
EXAMPLES = int(os.environ.get("SMARTBORDER_CONTRACT_EXAMPLES", "6"))
SEED = os.environ.get("SMARTBORDER_CONTRACT_SEED")


def test_no_server_errors_and_responses_match_the_documented_contract(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in card_keys().items():  # real keys: the card routes work (their absence is a documented 503)
        monkeypatch.setenv(name, value)
    callers = {
        "admin": new_token(db_url, "--role", "admin"),
        "applicant": new_token(db_url, "--role", "applicant", "--subject", "p1"),
        "carrier": new_token(db_url, "--role", "carrier", "--org", "transportes"),
    }
    with served(db_url) as base:
        parameters = seed_records(base, callers["admin"])
        for caller, token in callers.items():
            run = run_schemathesis(
                base,
                token,
                caller,
                parameters,
                tmp_path,
                examples=EXAMPLES,
                seed=int(SEED) if SEED else None,
                timeout=600,
            )
            assert run.cases > 0, f"as {caller}: schemathesis ran no case\n{run.output}"
            assert run.returncode == 0 and not run.failures, f"as {caller}: {dict(run.failures)}\n{run.output}"
