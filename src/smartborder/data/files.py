"""Where the shipped real data lives inside the installed package.

The files are copies of ``shared/data`` with their provenance in ``files/PROVENANCE.md``;
shipping them makes an installed smartborder work without the source tree.
"""

from importlib.resources import files
from pathlib import Path

_DIR = files("smartborder.data") / "files"

BTS_CROSSINGS = "bts_border_crossing_us_mexico.csv.gz"
TEXAS_BRIDGES = "cbp_texas_bridge_monthly_northbound.csv.gz"
SAN_YSIDRO_WAITS = "cbp_bwt_historical_avg_san_ysidro.csv.gz"
PORT_FACTS = "port_infrastructure_facts.csv"


def data_file(name: str) -> Path:
    """Path of a shipped data file by its file name."""
    path = Path(str(_DIR / name))
    if not path.exists():  # pragma: no cover - only on a broken install
        raise FileNotFoundError(f"smartborder data file {name!r} is missing from the install")
    return path
