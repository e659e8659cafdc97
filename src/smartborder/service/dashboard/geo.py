"""The maps' geography: the international boundary, coasts, state lines, land and state names
from ``smartborder.data.geography`` (shipped with the package; nothing is fetched when a page is
drawn), in the plain-list form a web map draws: ``{"source", "bbox", "lines": [{"kind", "name",
"lon", "lat"}], "labels": [{"name", "country", "at"}], "land": [{"name", "rings": [{"lon",
"lat"}]}]}``, lines back to front (``KINDS``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

#: Kinds of line the maps draw, back to front.
KINDS = ("state", "coast", "boundary")


@lru_cache(maxsize=1)
def border_region() -> dict[str, Any]:
    from smartborder.data.geography import border_region as shipped

    geography = shipped()
    return {**geography.as_json(), "land": geography.land_json()}
