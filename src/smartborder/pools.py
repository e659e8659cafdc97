"""Processes for work that splits into independent runs: a border's crossing-years, a sweep's
chunks, a staffing plan's classes, a scorecard's port-years. One recipe for all of them."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor


def keep_freed_memory() -> None:
    """Worker initializer: serve big arrays from the heap and keep freed memory (glibc only).

    A port-year allocates gigabytes that the next port needs again; by default glibc maps and
    unmaps each big array, so every port pays the page faults anew (~10 % of a border-year).
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-4, 0)  # M_MMAP_MAX = 0
        libc.mallopt(-1, 2**31 - 1)  # M_TRIM_THRESHOLD: do not give freed memory back
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass


def process_pool(workers: int) -> ProcessPoolExecutor:
    """*workers* processes, forked where the platform can (the parent's loaded data and compiled
    kernels come for free), each keeping its freed memory for the next run."""
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=keep_freed_memory)
