"""The README's custody walk (examples/custody_walk.sh) against a real `smartborder serve`."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.service.test_serve import new_token, served

SCRIPT = Path(__file__).parents[2] / "examples" / "custody_walk.sh"


@pytest.mark.skipif(shutil.which("curl") is None, reason="the example script uses curl")
def test_the_readme_custody_walk_ends_suspect_with_evidence(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'walk.db'}"
    env = dict(
        os.environ,
        SHIPPER=new_token(db, "--role", "shipper", "--org", "aceros"),
        CARRIER=new_token(db, "--role", "carrier", "--org", "transnorte"),
        OFFICER=new_token(db, "--role", "officer"),
    )
    with served(db) as env["SB"]:
        walk = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert walk.returncode == 0, walk.stderr
    assert "12 pings stored; custody suspect" in walk.stdout
    custody = json.loads(walk.stdout[walk.stdout.index("{") :])
    assert custody["status"] == "suspect" and not custody["pre_inspected"]
    (finding,) = custody["anomalies"]
    assert finding["kind"] == "off_corridor" and finding["evidence"]["distance_m"] > 4000
    checked = subprocess.run(
        [sys.executable, "-m", "smartborder", "audit", "verify", "--db", db],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0 and "chain intact" in checked.stdout
