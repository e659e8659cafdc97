"""The optional parts of the install (``pyproject.toml [project.optional-dependencies]``) and
the packages each brings, so that a command or a request that needs a missing one says which
extra to install instead of failing on an import.

The core (data, ports, twin, policy, report, CLI) needs none of them: ``pip install smartborder``
simulates, compares, plans and calibrates. The faces and heavy parts are extras.
"""

from __future__ import annotations

#: Top-level import name → the extra that installs it.
PROVIDED_BY = {
    "fastapi": "service",
    "fastapi_offline": "service",
    "uvicorn": "service",
    "pydantic_settings": "service",
    "sqlalchemy": "service",
    "alembic": "service",
    "psycopg": "service",
    "shapely": "service",
    "pyproj": "service",
    "epcis_event_hash_generator": "service",
    "jinja2": "dashboard",
    "plotly": "dashboard",
    "cv2": "biometrics",
    "distributed": "sweep",
    "dask": "sweep",
}


def extra_for(error: ModuleNotFoundError) -> str | None:
    """The extra that would have provided the module *error* could not import, or None."""
    return PROVIDED_BY.get((error.name or "").split(".")[0])


def advice(error: ModuleNotFoundError) -> str | None:
    """One line saying which extra to install, or None if no extra provides the module."""
    extra = extra_for(error)
    if extra is None:
        return None
    return f"this needs the '{extra}' extra ({error.name} is not installed): pip install 'smartborder[{extra}]'"
