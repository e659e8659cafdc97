"""Closed-form queueing results the engine is checked against (and that users can call).

Erlang-C for M/M/c, Pollaczek–Khinchine for M/G/1 (M/D/1 as a case). Times in the same unit
as the rates' inverse (minutes throughout smartborder).
"""

from __future__ import annotations

from smartborder.twin.errors import ModelError


def _check_stable(arrival_rate: float, service_rate: float, servers: int) -> float:
    if arrival_rate <= 0 or service_rate <= 0 or servers < 1:
        raise ModelError("rates must be > 0 and servers >= 1.")
    rho = arrival_rate / (servers * service_rate)
    if rho >= 1:
        raise ModelError(f"utilisation rho = {rho:.3f} >= 1: the queue is unstable, no steady state.")
    return rho


def erlang_c(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang's C formula)."""
    rho = _check_stable(arrival_rate, service_rate, servers)
    load = arrival_rate / service_rate
    # Stable recursion on Erlang-B, then convert: avoids factorial overflow for large c.
    erlang_b = 1.0
    for k in range(1, servers + 1):
        erlang_b = load * erlang_b / (k + load * erlang_b)
    return erlang_b / (1 - rho * (1 - erlang_b))


def mmc_mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean time in queue (before service) of an M/M/c queue."""
    return erlang_c(arrival_rate, service_rate, servers) / (servers * service_rate - arrival_rate)


def mg1_mean_wait(arrival_rate: float, mean_service: float, service_scv: float) -> float:
    """Pollaczek–Khinchine mean wait of M/G/1; *service_scv* is the squared coefficient of
    variation of service (0 for deterministic, 1 for exponential)."""
    rho = _check_stable(arrival_rate, 1.0 / mean_service, 1)
    return rho * mean_service * (1 + service_scv) / (2 * (1 - rho))


def md1_mean_wait(arrival_rate: float, service_time: float) -> float:
    """Mean wait of M/D/1 (P–K with zero service variance)."""
    return mg1_mean_wait(arrival_rate, service_time, 0.0)
