"""A mistyped place is refused before the crossing models, the twin or scipy load.

What a user waits for on a typo is the imports, not the work: the twin's types pull in numba, the
analyses scipy.stats, and each costs a fraction of a second (`simulate atlantis` took 2.1 s on a
2-core machine, 0.9 s after). Timing is the benchmarks' business; this test holds the cause
instead: in a fresh interpreter, the command answers with its one-line error and none of the
heavy modules has been imported.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = [
    "numba",
    "scipy.stats",
    "smartborder.ports.spec",
    "smartborder.twin.engine",
    "smartborder.policy.studies.place",
]

PROBE = """
import json, sys
from smartborder.cli import main
args, heavy = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sys.argv = ["smartborder", *args]
code = 0
try:
    main()
except SystemExit as stop:
    code = stop.code
print(json.dumps({"code": code, "loaded": [m for m in heavy if m in sys.modules]}))
"""


@pytest.mark.parametrize(
    "args",
    [
        ["simulate", "atlantis"],
        ["compare", "atlantis", "double-fast"],
        ["port", "show", "atlantis"],
        ["calibrate", "atlantis", "--observations", "shipped:brownsville"],
    ],
)
def test_an_unknown_place_is_refused_before_the_models_load(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # the command exits 2: its code is read below
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 2
    assert "no US–Mexico port matches 'atlantis'" in done.stderr
    assert result["loaded"] == []


@pytest.mark.parametrize("args", [["--help"], ["simulate", "--help"], ["permits", "--help"]])
def test_help_answers_without_pandas_or_the_data(args: list[str]) -> None:
    """``--help`` reads no data: pandas (0.4-0.5 s to import on a 2-core machine) and the data
    package's modules stay unloaded (measured: --help 1.2 s before, 0.55 s after)."""
    heavy = [*HEAVY, "pandas", "smartborder.data.bts", "smartborder.data.ports"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(heavy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # --help exits 0: read below
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] in (0, None)
    assert result["loaded"] == []
