"""Benchmark: schemathesis at depth against a real `smartborder serve`, per database and caller.

Why it exists: issue 27 asks for the API's contract to hold under a fuzzer's worth of requests —
the coverage, fuzzing and stateful phases, on SQLite and on PostgreSQL, as an admin and as two
unprivileged callers (an applicant speaking for one person, a carrier for its org), at least
10,000 cases a run, with no server error and no response outside the documented schema. CI runs
the same (``tests/service/test_contract.py``) with a few examples per operation; this runs it deep
and prints, per database and caller, the cases generated, the failures by kind and the seconds.

Run from the repository root::

    .venv/bin/python bench/bench_contract.py [--pg URL] [--examples 160] [--callers admin,applicant,carrier]

``--pg`` adds a PostgreSQL run (the database is emptied first: never point it at data you keep).
Other callers: vetting_officer, auditor, booth_officer, officer, shipper, analyst (each reaches
operations only its role may do). Exit status 1 if any run failed a check or ran under
``--least-cases`` cases.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.service: the real server and the runner

from smartborder.service.db import dispose, engine_for
from tests.service.contract import ContractRun, card_keys, run_schemathesis, seed_records
from tests.service.live import new_token, served

#: What each caller's token is made with (``token create``).
TOKENS = {
    "admin": ["--role", "admin"],
    "applicant": ["--role", "applicant", "--subject", "p1"],
    "carrier": ["--role", "carrier", "--org", "transportes"],
    "shipper": ["--role", "shipper", "--org", "aceros"],
    "officer": ["--role", "officer"],
    "booth_officer": ["--role", "booth_officer"],
    "vetting_officer": ["--role", "vetting_officer"],
    "auditor": ["--role", "auditor"],
    "analyst": ["--role", "analyst"],
}


def run_database(url: str, callers: list[str], examples: int, workdir: Path) -> list[tuple[ContractRun, float]]:
    """Every caller against one fresh database, one server."""
    if url.startswith("postgresql"):
        with engine_for(url).begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        dispose(url)
    tokens = {caller: new_token(url, *TOKENS[caller]) for caller in ["admin", *callers]}
    results = []
    with served(url) as base:
        parameters = seed_records(base, tokens["admin"])
        for caller in callers:
            began = time.perf_counter()
            run = run_schemathesis(base, tokens[caller], caller, parameters, workdir / caller, examples=examples)
            results.append((run, time.perf_counter() - began))
            print(f"  {caller}: {run.cases:,} cases, {dict(run.failures) or 'no failure'}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL to run on too (emptied first)")
    parser.add_argument("--examples", type=int, default=160, help="schemathesis --max-examples per operation")
    parser.add_argument("--callers", default="admin,applicant,carrier")
    parser.add_argument("--least-cases", type=int, default=10_000)
    args = parser.parse_args()
    callers = [c.strip() for c in args.callers.split(",") if c.strip()]
    unknown = sorted(set(callers) - set(TOKENS))
    if unknown:
        parser.error(f"--callers: unknown {unknown}; known: {', '.join(TOKENS)}")
    os.environ.update(card_keys())  # the card routes need keys (else a documented 503)
    rows: list[tuple[str, ContractRun, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        urls = [("sqlite", f"sqlite:///{Path(scratch) / 'contract.db'}")]
        if args.pg:
            urls.append(("postgresql", args.pg))
        for backend, url in urls:
            print(f"{backend}:", flush=True)
            rows += [
                (backend, run, seconds) for run, seconds in run_database(url, callers, args.examples, Path(scratch))
            ]
    print(f"\nschemathesis coverage, fuzzing and stateful phases; --max-examples {args.examples}")
    print(f"{'database':<12}{'caller':<17}{'cases':>8}{'server errors':>15}{'schema etc.':>13}{'seconds':>9}")
    for backend, run, seconds in rows:
        print(
            f"{backend:<12}{run.caller:<17}{run.cases:>8,}{run.server_errors:>15}{run.schema_violations:>13}{seconds:>9.0f}"
        )
    bad = [run for _, run, _ in rows if run.failures or run.returncode or run.cases < args.least_cases]
    for run in bad:
        print(f"\n{run.caller}: return code {run.returncode}, {run.cases} cases\n{run.output}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
