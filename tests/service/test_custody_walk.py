"""The README's custody walk (examples/custody_walk.sh) against a real `smartborder serve`."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.service.test_serve import free_port

SCRIPT = Path(__file__).parents[2] / "examples" / "custody_walk.sh"


@pytest.mark.skipif(shutil.which("curl") is None, reason="the example script uses curl")
def test_the_readme_custody_walk_ends_suspect_with_evidence(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'walk.db'}"

    def token(*args: str) -> str:
        return subprocess.run([sys.executable, "-m", "smartborder", "token", "create", *args, "--db", db],
                              capture_output=True, text=True, check=True).stdout.strip()

    env = dict(os.environ, SHIPPER=token("--role", "shipper", "--org", "aceros"),
               CARRIER=token("--role", "carrier", "--org", "transnorte"), OFFICER=token("--role", "officer"))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "smartborder", "serve", "--db", db, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        env["SB"] = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{env['SB']}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        walk = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
        assert walk.returncode == 0, walk.stderr
        assert "12 pings stored; custody suspect" in walk.stdout
        custody = json.loads(walk.stdout[walk.stdout.index("{"):])
        assert custody["status"] == "suspect" and not custody["pre_inspected"]
        (finding,) = custody["anomalies"]
        assert finding["kind"] == "off_corridor" and finding["evidence"]["distance_m"] > 4000
        checked = subprocess.run([sys.executable, "-m", "smartborder", "audit", "verify", "--db", db],
                                 capture_output=True, text=True)
        assert checked.returncode == 0 and "chain intact" in checked.stdout
    finally:
        server.terminate()
        server.wait(timeout=10)
