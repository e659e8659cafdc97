"""Names a package loads on first use (PEP 562 ``__getattr__``): ``smartborder.twin`` and
``smartborder.ports`` import their heavy modules (numba, scipy, the engines) only when a name that
needs them is used, so importing their errors or model types stays light."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def loader(package: str, names: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for *package*: each name of *names* (name → submodule) is imported
    from its submodule on first use and kept in *namespace* (the package's globals)."""

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    return __getattr__
