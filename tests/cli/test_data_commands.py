import json
import subprocess
import sys
from pathlib import Path

import pytest

from smartborder.cli import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    assert "ports" in out and "volumes" in out


def test_ports_json_top_truck_ports(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["ports", "--json"], capsys)
    assert code == 0
    payload = json.loads(out)
    names = [p["name"] for p in payload["ports"][:8]]
    for expected in ["Laredo", "Otay Mesa", "Hidalgo", "Ysleta", "Calexico East", "Nogales"]:
        assert expected in names
    trucks = [p["trucks"] for p in payload["ports"]]
    assert trucks == sorted(trucks, reverse=True)
    assert payload["period"] == {"from": "2024-03", "to": "2025-02"}


def test_ports_crossings_lists_every_crossing_with_its_own_volumes(capsys: pytest.CaptureFixture[str]) -> None:
    from smartborder import data

    code, out, _ = run(["ports", "--crossings", "--json"], capsys)
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)["crossings"]}
    assert set(rows) == set(data.crossings())
    # The bridges of a port add up to the port's BTS total where both cover the year (2024).
    year = data.MonthRange.parse("2024-01", "2024-12")
    laredo = sum(int(c.series("Trucks", year).sum()) for c in data.crossings_of("2304"))
    assert laredo == pytest.approx(int(data.monthly_series("2304", "Trucks", year).sum()), rel=0.02)
    wtb = rows["world-trade-bridge"]
    assert wtb["port_code"] == "2304" and wtb["trucks"] > 2_000_000 and wtb["pedestrians"] == 0
    assert "Los Tomates" in rows["veterans"]["also_called"]
    code, out, _ = run(["ports", "--crossings"], capsys)
    assert code == 0 and "world-trade-bridge" in out and "b-and-m" in out


def test_volumes_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["volumes", "laredo", "--from", "2024-01", "--to", "2024-12", "--json"], capsys)
    assert code == 0
    payload = json.loads(out)
    assert payload["port"]["code"] == "2304"
    assert len(payload["series"]) == 12
    assert payload["summary"]["total"] == sum(r["value"] for r in payload["series"])
    assert set(payload["summary"]) >= {"total", "mean", "min", "max", "latest"}


def test_volumes_of_a_bridge_are_its_own_counts(capsys: pytest.CaptureFixture[str]) -> None:
    from smartborder import data

    code, out, _ = run(["volumes", "world trade bridge", "--from", "2024-01", "--to", "2024-12", "--json"], capsys)
    assert code == 0
    payload = json.loads(out)
    assert payload["crossing"] == "world-trade-bridge" and payload["port"]["code"] == "2304"
    bridge = data.crossings()["world-trade-bridge"].series("Trucks", data.MonthRange.parse("2024-01", "2024-12"))
    assert payload["summary"]["total"] == int(bridge.sum())
    code, out, _ = run(["volumes", "laredo", "--from", "2024-01", "--to", "2024-12", "--json"], capsys)
    assert json.loads(out)["crossing"] is None and json.loads(out)["summary"]["total"] > payload["summary"]["total"]


def test_volumes_plot_writes_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "laredo.png"
    code, _, _ = run(["volumes", "2304", "--from", "2023-01", "--plot", str(png)], capsys)
    assert code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["volumes", "laredo", "--measure", "lorries"], "measure"),
        (["volumes", "laredo", "--from", "2024-13"], "from"),
        (["volumes", "laredo", "--to", "March"], "to"),
        (["volumes", "laredo", "--from", "2024-05", "--to", "2024-01"], "reversed"),
        (["volumes", "Atlantis"], "port"),
        (["volumes", "cal"], "ambiguous"),
        (["volumes", "ysleta", "--to", "2007-12"], "from/to"),  # CBP's Ysleta bridge counts start 2008-01
        (["volumes", "2401", "--to", "2019-12"], "from/to"),  # BTS's port 2401 starts 2020-03
    ],
)
def test_bad_input_exits_nonzero_naming_argument(
    args: list[str], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(args, capsys)
    assert code != 0
    assert field in err
    assert out == ""


def test_console_script_is_installed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "smartborder", "volumes", "nogales", "--json", "--from", "2025-01"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["port"]["name"] == "Nogales"
