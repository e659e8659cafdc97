"""The README's commands and outputs, checked so that they cannot drift.

* The first lines give exactly two commands; the second is the one CI runs.
* Every ``$ smartborder …`` example in a fenced block is run in-process (80 columns, as the
  README was captured) and every output line shown must appear in what it prints: text exactly
  (spaces collapsed), numbers within 3 % or 0.3 (the simulations are seeded, so a larger move
  is a change of behaviour the README has to follow). A line ``...`` marks output left out.
  Examples too slow for the test suite are listed in ``SLOW`` with their cost; the first
  command is run by CI's fresh-machine check instead.
* Every ```python block runs.

Run ``python tests/test_readme.py`` to print what each example prints now.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

#: Examples not run here, with the reason (each is run by hand before a release).
SLOW = {
    "smartborder compare laredo double-fast --year 2024 --out report": "a port-year, 35 s: README's first command",
    "smartborder simulate --border mexico --year 2024 --out border/": "every crossing for a year, 30 s",
    "smartborder calibrate san-ysidro --observations shipped:san-ysidro": "2 min",
    "smartborder targeting curve laredo --month 2024-06 -r 2 --out curve": "seven targeting runs, ~1 min",
    "smartborder trusted biometrics evaluate": "face matching over 60 identities, ~1 min",
    'smartborder plan "otay mesa" --year 2024 --budget 50000000 --out plan': "a port-year, 11 options, ~35 s",
}

#: Examples that show a core-only install (no extras); CI runs them in a venv of its own with
#: ``python tests/test_readme.py --core PATH`` (with the first command), not here, where every
#: extra is installed.
CORE_ONLY = {
    "smartborder token list": "what a command needing the service extra says without it",
}

NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


@dataclass
class Example:
    command: str
    expected: list[str]
    line: int


def examples() -> list[Example]:
    """Each ``$ smartborder …`` line of a fenced block and the output lines under it."""
    out: list[Example] = []
    block: list[tuple[int, str]] | None = None
    for number, text in enumerate(README.read_text("utf-8").splitlines(), 1):
        if text.startswith("```"):
            if block is None:
                block = []
            else:
                out.extend(_split(block))
                block = None
        elif block is not None:
            block.append((number, text))
    return out


def _split(block: list[tuple[int, str]]) -> list[Example]:
    found: list[Example] = []
    for number, text in block:
        if text.startswith("$ smartborder"):
            found.append(Example(text[2:].strip(), [], number))
        elif found and not text.startswith("$ "):
            found[-1].expected.append(text)
    return found


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"(" + NUMBER.pattern + r")|\s+", text) if t]


def _number(token: str) -> float | None:
    if NUMBER.fullmatch(token):
        return float(token.replace(",", ""))
    return None


def matches(expected: str, actual: str) -> bool:
    """Same text (spaces collapsed), numbers within 3 % or 0.3."""
    want, got = _tokens(expected), _tokens(actual)
    if len(want) != len(got):
        return False
    for a, b in zip(want, got, strict=True):
        x, y = _number(a), _number(b)
        if x is None or y is None:
            if a != b:
                return False
        elif abs(x - y) > max(0.3, 0.03 * abs(x)):
            return False
    return True


def run(command: str, cwd: Path, script: Path | None = None) -> str:
    """The command's stdout and stderr, as a user would see them at 80 columns (*script*: the
    console script to run, by default this interpreter's)."""
    args = shlex.split(command)
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    script = script or Path(sys.executable).with_name("smartborder")  # the console script, as installed
    done = subprocess.run(
        [str(script), *args[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    return done.stdout + done.stderr


def test_the_first_lines_give_two_commands_and_ci_runs_the_second() -> None:
    text = README.read_text("utf-8")
    first = text.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(first) == 2, first
    assert "pip install -e ." in first[0] and "smartborder compare laredo double-fast --year 2024" in first[0]
    assert first[1] == ".venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    ci = (ROOT / ".ci" / "run").read_text("utf-8").replace(" --quiet", "")  # CI runs it quietly
    steps = [step.strip() for step in first[1].split("&&")]  # CI runs the gates between the two
    where = [ci.find(step) for step in steps]
    assert -1 not in where and where == sorted(where), (steps, where)


def test_the_first_commands_output_is_shown() -> None:
    """CI runs the README's first command in a core-only install and checks these lines."""
    example = first_command_example()
    assert example.command.startswith("smartborder compare laredo") and len(example.expected) > 20


def test_every_slow_example_is_still_in_the_readme() -> None:
    commands = {e.command for e in examples()}
    assert set(SLOW) <= commands, set(SLOW) - commands
    assert set(CORE_ONLY) <= commands, set(CORE_ONLY) - commands


CHECKED = [e for e in examples() if e.command not in SLOW and e.command not in CORE_ONLY]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory for all examples, run in README order (the calibration walk's steps use
    the files the step before wrote)."""
    return _workdir(tmp_path_factory.mktemp("readme"))


@pytest.mark.parametrize("example", CHECKED, ids=[f"line{e.line}" for e in CHECKED])
def test_readme_example_prints_what_the_readme_shows(example: Example, workdir: Path) -> None:
    actual = [line.rstrip() for line in run(example.command, workdir).splitlines() if line.strip()]
    for line in example.expected:
        if not line.strip() or line.strip() in ("...", "…"):
            continue
        assert any(matches(line, got) for got in actual), (
            f"README line {example.line}: `{example.command}` no longer prints\n  {line!r}\n"
            "It prints:\n" + "\n".join(actual)
        )


def _workdir(tmp_path: Path) -> Path:
    """A directory where the README's relative paths (examples/, out/) work."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    return tmp_path


PYTHON = re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), flags=re.S)


@pytest.mark.parametrize("code", PYTHON, ids=[f"python{i}" for i in range(len(PYTHON))])
def test_readme_python_runs(code: str, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    exec(compile(code, "README.md", "exec"), {})


def first_command_example() -> Example:
    """The example showing what the README's first command (set-up block, first line) prints."""
    first = README.read_text("utf-8").split("```bash\n", 1)[1].split("\n", 1)[0]
    command = "smartborder " + first.split("smartborder ", 2)[-1].strip()
    return next(e for e in examples() if e.command == command)


def check_core(script: Path) -> list[str]:
    """Run the README's first command and the ``CORE_ONLY`` examples with *script* (CI: a
    core-only install) in a scratch directory; the README lines they no longer print."""
    import tempfile

    wanted = [first_command_example(), *(e for e in examples() if e.command in CORE_ONLY)]
    missing = []
    with tempfile.TemporaryDirectory() as scratch:
        for example in wanted:
            actual = [
                line.rstrip() for line in run(example.command, Path(scratch), script).splitlines() if line.strip()
            ]
            missing += [
                f"{example.command}: {line}"
                for line in example.expected
                if line.strip() and line.strip() not in ("...", "…") and not any(matches(line, got) for got in actual)
            ]
    return missing


if __name__ == "__main__" and sys.argv[1:2] == ["--core"]:  # CI: as a new user with the core install runs them
    missing = check_core(Path(sys.argv[2]))
    if missing:
        sys.exit("the README's core examples no longer print:\n" + "\n".join(missing))
    print(
        f"README's first command ({len(first_command_example().expected)} lines) and {len(CORE_ONLY)} core-only "
        "example(s): every line as shown"
    )
elif __name__ == "__main__":  # print what every example prints now, to update the README
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        where = _workdir(Path(scratch))
        wanted = sys.argv[1:]
        for example in examples():
            if wanted and not any(w in example.command for w in wanted):
                continue
            print(f"$ {example.command}")
            print(run(example.command, where).rstrip())
            print()


@pytest.mark.parametrize(
    ("expected", "actual", "same"),
    [
        (" truck   3,007   10.0±0.5    40", " truck 3,007 10.0±0.5 40", True),  # spacing is free
        (" truck   3,007   10.0±0.5    40", " truck 3,050 10.1±0.5 40", True),  # within 3 % / 0.3
        (" truck   3,007   10.0±0.5    40", " truck 3,007 12.0±0.5 40", False),  # a wait that moved
        (" truck   3,007   10.0±0.5    40", " pov 3,007 10.0±0.5 40", False),  # other text
        ("report: out/donna/calibration.html", "report: out/donna/calibration.html", True),
        ("1 h: 5.8 vs 8.8", "1 h: 5.8 vs 8.8; 2 h", False),  # a line is whole
    ],
)
def test_the_line_matcher(expected: str, actual: str, same: bool) -> None:
    assert matches(expected, actual) is same


def _service_walks() -> list[str]:
    """The ```bash blocks that start a server and can run as written (no '…' placeholders)."""
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text("utf-8"), flags=re.S)
    return [b for b in blocks if "smartborder serve &" in b and "…" not in b]


def test_the_service_walks_run_in_order_as_written(tmp_path: Path) -> None:
    """Followed top to bottom in one shell, each walk starts its server, gets its answers and stops
    it, so the next one starts cleanly (the port is moved off 8000 so a test never meets a
    server a person is running)."""
    import socket

    walks = _service_walks()
    assert len(walks) >= 2  # the permit registry and the custody walk
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = "set -euo pipefail\n" + "\n".join(walks)
    script = script.replace("smartborder serve &", f"smartborder serve --port {port} &")
    script = script.replace("localhost:8000", f"127.0.0.1:{port}").replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTBORDER_")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", SB=f"http://127.0.0.1:{port}")
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    for expected in ("ineligible until 2027-05-01", "1. declare (shipper)", "custody suspect", '"status": "suspect"'):
        assert expected in output, output
    for wrong in ("Traceback", "address already in use", "401 Unauthorized", "error:"):  # not "401": ports and pids
        assert wrong not in output, output
