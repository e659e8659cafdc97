"""schemathesis against a real `smartborder serve`, as one caller: what the contract test and
``bench/bench_contract.py`` both run.

A run seeds the records path parameters point at (so that generated requests reach real rows),
then drives ``st run`` over every operation with the given phases, and reads back how many
cases it generated and which checks failed (its JUnit report).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx

from tests.custody.journeys import declaration

#: What a response must never do: a 5xx, a body outside the documented schema, an undocumented
#: status code or content type.
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
#: The phases, in schemathesis' order: the schema's own boundary values, random generation, and
#: sequences of calls chained by the responses' links (create, then read, change, delete it).
PHASES = "coverage,fuzzing,stateful"


def schemathesis() -> Path | None:
    """The ``st`` command of this environment (schemathesis is in the test extras), if any."""
    path = Path(sys.executable).parent / "st"
    return path if path.exists() else None


def card_keys() -> dict[str, str]:
    """Fresh signing keys (``smartborder trusted keys``), so the card routes work: without them
    they answer a documented 503."""
    printed = subprocess.run(
        [sys.executable, "-m", "smartborder", "trusted", "keys"], capture_output=True, text=True, check=True
    ).stdout
    pairs = (line.removeprefix("export ").split("=", 1) for line in printed.splitlines() if "=" in line)
    return dict(pairs)  # type: ignore[arg-type]


def seed_records(base: str, admin: str) -> dict[str, str]:
    """Records the path parameters point at: a person, a company and its facility, a shipment,
    a trusted-traveller application and a waiver; returns the parameters' values."""
    headers = {"Authorization": f"Bearer {admin}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:

        def post(path: str, body: dict[str, object]) -> dict[str, object]:
            response = client.post(path, json=body)
            assert response.status_code == 201, f"{path}: {response.status_code} {response.text}"
            answer: dict[str, object] = response.json()
            return answer

        post("/persons", {"person_id": "p1", "background_check": "passed"})
        post("/trusted/companies", {"id": "c1", "name": "Maquila", "kind": "manufacturer", "country": "MX"})
        post("/trusted/companies/c1/facilities", {"id": "f1", "name": "Planta", "kind": "plant", "country": "MX"})
        shipment = post("/shipments", declaration(shipper_org="aceros"))
        application = post(
            "/trusted/applications",
            {
                "person_id": "p1",
                "program": "SENTRI",
                "full_name": "Ana Lucía Pérez",
                "dob": "1990-01-01",
                "nationality": "MX",
                "document_number": "M7654321",
                "document_expires": (dt.date.today() + dt.timedelta(days=3000)).isoformat(),
            },
        )
    return {
        "person_id": "p1",
        "company_id": "c1",
        "facility_id": "f1",
        "shipment_id": str(shipment["id"]),
        "application_id": str(application["id"]),
    }


@dataclass
class ContractRun:
    """One caller's run: cases generated, failures by check, and what ``st`` printed."""

    caller: str
    returncode: int
    cases: int
    failures: Counter[str] = field(default_factory=Counter)
    output: str = ""

    @property
    def server_errors(self) -> int:
        return self.failures["server error"]

    @property
    def schema_violations(self) -> int:
        return sum(n for kind, n in self.failures.items() if kind != "server error")


def _failures(report_dir: Path) -> Counter[str]:
    """Failed checks in the run's JUnit report, by kind: 'server error', 'schema' (a response
    outside its documented schema), 'status code', 'content type', or the message's first line."""
    found: Counter[str] = Counter()
    for report in report_dir.glob("junit*.xml"):
        for failure in ElementTree.parse(report).iter("failure"):
            message = (failure.get("message") or failure.text or "").lower()
            kind = next(
                (
                    name
                    for name, words in (
                        ("server error", ("server error",)),
                        ("schema", ("schema",)),
                        ("status code", ("status code",)),
                        ("content type", ("content type", "content-type")),
                    )
                    if any(word in message for word in words)
                ),
                message.strip().splitlines()[0][:80] if message.strip() else "unknown",
            )
            found[kind] += 1
    return found


def run_schemathesis(
    base: str,
    token: str,
    caller: str,
    parameters: dict[str, str],
    workdir: Path,
    *,
    examples: int,
    phases: str = PHASES,
    seed: int | None = None,
    workers: int = 2,
    timeout: float = 3600,
) -> ContractRun:
    """``st run`` against *base*'s OpenAPI document with *token*, path parameters from
    *parameters*; deterministic generation unless a *seed* is given."""
    st = schemathesis()
    if st is None:
        raise RuntimeError("schemathesis is not installed (pip install -e '.[test]')")
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "schemathesis.toml"
    config.write_text("[parameters]\n" + "".join(f'{k} = "{v}"\n' for k, v in parameters.items()))
    reports = workdir / f"reports-{caller}"
    result = subprocess.run(
        [
            str(st),
            "--config-file",
            str(config),
            "run",
            f"{base}/openapi.json",
            "-H",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--max-examples",
            str(examples),
            "--phases",
            phases,
            "--workers",
            str(workers),
            "--continue-on-failure",
            "--no-color",
            "--report",
            "junit",
            "--report-dir",
            str(reports),
            *(["--seed", str(seed)] if seed is not None else ["--generation-deterministic"]),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=workdir,
    )
    counted = re.search(r"Test cases:\s*\n\s*(\d+) generated", result.stdout)
    return ContractRun(
        caller=caller,
        returncode=result.returncode,
        cases=int(counted.group(1)) if counted else 0,
        failures=_failures(reports),
        output=result.stdout[-6000:] + result.stderr[-2000:],
    )
