"""The real server: `smartborder serve` starts uvicorn on a port and answers over HTTP."""

from pathlib import Path

import httpx2 as httpx

from tests.service.live import new_token, served


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'served.db'}"
    token = new_token(db, "--role", "officer")
    with served(db) as base:
        headers = {"Authorization": f"Bearer {token}"}
        created = httpx.post(f"{base}/persons", json={"person_id": "p1", "background_check": "passed"},
                             headers=headers, timeout=5)
        assert created.status_code == 201
        decision = httpx.get(f"{base}/persons/p1/eligibility", params={"question": "apply", "on": "2025-01-01"},
                             headers=headers, timeout=5).json()
        assert decision["granted"] is True
        assert "paths" in httpx.get(f"{base}/openapi.json", timeout=5).json()


def test_serve_refuses_the_public_test_keys(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "SMARTBORDER_TRUSTED_TEST_KEYS": "1"}
    started = subprocess.run([sys.executable, "-m", "smartborder", "serve", "--db", f"sqlite:///{tmp_path / 'x.db'}",
                              "--port", "1"], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert started.returncode != 0
    assert "SMARTBORDER_TRUSTED_TEST_KEYS" in started.stderr and "forgeable" in started.stderr
    assert not (tmp_path / "x.db").exists()
