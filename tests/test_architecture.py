"""The package's shape, checked: the import contracts of ``pyproject.toml [tool.importlinter]``
(layers, the twin's one door, root utilities) hold, and the twin's public names load lazily."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import smartborder.twin

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_twins_public_names_resolve() -> None:
    for name in smartborder.twin.__all__:
        assert getattr(smartborder.twin, name) is not None
    assert smartborder.twin.__all__ == sorted(smartborder.twin.__all__)


def test_importing_the_twins_errors_loads_no_engine() -> None:
    """``smartborder.twin.errors`` (which tomlfiles and the service import) stays light, and the
    model's types do not bring the engines: they load on first use of a name that needs them."""
    probe = (
        "print(sorted(m for m in ('smartborder.twin.engine', 'smartborder.twin.lean', 'numba') if m in sys.modules))"
    )
    for module, loaded in (("smartborder.twin.errors", "[]"), ("smartborder.twin.model", "['numba']")):
        done = subprocess.run(
            [sys.executable, "-c", f"import sys, {module}; {probe}"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        assert done.stdout.strip() == loaded, module


def test_the_ports_public_names_resolve_on_first_use() -> None:
    """``smartborder.ports`` loads its names lazily (so ``ports.errors`` stays light); each resolves."""
    import smartborder.ports

    for name in smartborder.ports.__all__:
        assert getattr(smartborder.ports, name) is not None
    probe = (
        "import sys, smartborder.ports.errors; print('numba' in sys.modules, 'smartborder.ports.spec' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["False", "False"]
