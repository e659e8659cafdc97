"""The optional parts of the install: a command or a request that needs a missing extra says
which one to install (CI also runs the README's first command in a core-only venv)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from smartborder import extras
from smartborder.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_an_extra_provides_is_in_that_extra() -> None:
    """The map the messages come from agrees with pyproject's extras, and the core needs none."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    optional = project["optional-dependencies"]
    core = " ".join(project["dependencies"]).lower().replace("-", "_")
    for module, extra in extras.PROVIDED_BY.items():
        listed = " ".join(optional[extra]).lower().replace("-", "_")
        name = {"cv2": "opencv", "distributed": "dask"}.get(module, module)
        assert name in listed, (module, extra)
        assert name not in core, module


def _command_missing(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI app, replaced by one whose command fails to import *module*."""
    import smartborder.cli

    def app(**_: object) -> None:
        raise ModuleNotFoundError(f"No module named {module!r}", name=module)

    monkeypatch.setattr(smartborder.cli, "app", app)


@pytest.mark.parametrize(
    ("module", "extra"),
    [("sqlalchemy", "service"), ("cv2.face", "biometrics"), ("distributed", "sweep"), ("plotly", "dashboard")],
)
def test_the_cli_names_the_extra_to_install(
    module: str, extra: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _command_missing(module, monkeypatch)
    with pytest.raises(SystemExit) as info:
        main(["anything"])
    assert info.value.code == 2
    assert f"pip install 'smartborder[{extra}]'" in " ".join(capsys.readouterr().err.split())


def test_a_module_no_extra_provides_is_a_real_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _command_missing("nothing_we_ship", monkeypatch)
    with pytest.raises(ModuleNotFoundError):
        main(["anything"])


def test_the_api_answers_501_naming_the_extra(tmp_path: Path) -> None:
    from smartborder.service.app import create_app

    app = create_app(f"sqlite:///{tmp_path / 'x.db'}")

    @app.get("/needs-biometrics")
    def needs() -> None:
        raise ModuleNotFoundError("No module named 'cv2'", name="cv2")

    with TestClient(app) as client:
        answer = client.get("/needs-biometrics")
    assert answer.status_code == 501
    assert "smartborder[biometrics]" in answer.json()["detail"][0]["problem"]


def test_the_api_stands_without_the_dashboard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from smartborder.service import app as served

    monkeypatch.setattr(served, "dashboard_installed", lambda: False)
    with TestClient(served.create_app(f"sqlite:///{tmp_path / 'x.db'}")) as client:
        assert client.get("/health").status_code == 200
        assert client.get("/").status_code == 404
    monkeypatch.undo()
    with TestClient(served.create_app(f"sqlite:///{tmp_path / 'y.db'}")) as client:
        assert client.get("/").status_code == 200
