"""Things loaded on first use. Names a package loads when used (PEP 562 ``__getattr__``):
``smartborder.twin`` and ``smartborder.ports`` import their heavy modules (numba, scipy, the
engines) only when a name that needs them is used, so importing their errors or model types
stays light. And tables read once (``once``), however many threads ask for them first."""

from __future__ import annotations

import functools
import importlib
import threading
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

T = TypeVar("T")


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


class Once(Generic[T]):
    """A function of no arguments computed on its first call and kept (``once``)."""

    def __init__(self, function: Callable[[], T]) -> None:
        self._function = function
        self._lock = threading.Lock()
        self._value: list[T] = []
        functools.update_wrapper(self, function)

    def __call__(self) -> T:
        if not self._value:
            with self._lock:  # the others wait for the one computing it
                if not self._value:
                    self._value.append(self._function())
        return self._value[0]

    def cache_clear(self) -> None:
        with self._lock:
            self._value.clear()


def once(function: Callable[[], T]) -> Once[T]:
    """*function* computed on its first call and kept. Unlike ``functools.lru_cache``, callers
    that arrive while it is being computed wait for that one result instead of each computing
    their own: a server's request threads asking for the BTS table together after a start read
    it once, not once each (32 carriers posting pings at once spent ~3 s reading it 32 times)."""
    return Once(function)
