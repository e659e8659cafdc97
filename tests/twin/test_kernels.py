"""The FCFS kernel against a naive reference, queueing invariants and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder.twin import KernelInputError, fcfs
from smartborder.twin.kernels import fcfs_starts


def naive_starts(arrivals: np.ndarray, services: np.ndarray, servers: np.ndarray, block: float) -> list[float]:
    """O(n²) reference written from the definition, not from the kernel's heap logic.

    Candidate start instants for customer i are max(arrival, previous start), every departure
    after it and every block boundary after it; the first at which fewer than servers(t)
    customers are in service wins.
    """
    starts: list[float] = []
    ends: list[float] = []
    for i, a in enumerate(arrivals):
        earliest = max(a, starts[-1]) if starts else a
        bounds = [k * block for k in range(1, servers.size) if k * block > earliest]
        candidates = sorted({earliest, *[e for e in ends if e > earliest], *bounds})
        chosen = np.inf
        for t in candidates:
            count = servers[min(int(t // block), servers.size - 1)]
            busy = sum(1 for s, e in zip(starts, ends, strict=True) if s <= t < e)
            if busy < count:
                chosen = t
                break
        starts.append(chosen)
        ends.append(chosen + services[i])
    return starts


queues = st.integers(min_value=1, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0, 30, allow_nan=False), min_size=n, max_size=n),
        st.lists(st.floats(0, 25, allow_nan=False), min_size=n, max_size=n),
        st.lists(st.integers(0, 4), min_size=1, max_size=8),
    )
)


def _arrays(case):  # type: ignore[no-untyped-def]
    gaps, services, servers = case
    servers = list(servers)
    if servers[-1] == 0:
        servers.append(1)  # keep the run finite; closed-forever is tested separately
    return np.cumsum(gaps), np.asarray(services), np.asarray(servers, dtype=np.int64)


@settings(max_examples=300, deadline=None)
@given(queues)
def test_kernel_equals_naive_reference(case) -> None:  # type: ignore[no-untyped-def]
    arrivals, services, servers = _arrays(case)
    got = fcfs_starts(arrivals, services, servers, 20.0)
    np.testing.assert_allclose(got, naive_starts(arrivals, services, servers, 20.0), rtol=0, atol=1e-9)


@settings(max_examples=300, deadline=None)
@given(queues)
def test_queueing_invariants(case) -> None:  # type: ignore[no-untyped-def]
    arrivals, services, servers = _arrays(case)
    block = 20.0
    waits = fcfs(arrivals, services, servers, block)
    starts = fcfs_starts(arrivals, services, servers, block)  # exact, no a + w round-off
    ends = starts + services
    assert (waits >= 0).all()
    assert (np.diff(starts) >= 0).all(), "FCFS: nobody overtakes the head of the queue"
    for i, s in enumerate(starts):
        open_now = servers[min(int(s // block), servers.size - 1)]
        assert open_now > 0, "no service starts while every server is closed"
        in_service = np.sum((starts[: i + 1] <= s) & (ends[: i + 1] > s))
        assert in_service <= open_now or services[i] == 0, "no server serves two vehicles at once"


def test_closed_forever_gives_inf() -> None:
    waits = fcfs(np.array([0.0, 1.0, 100.0]), np.array([30.0, 1.0, 1.0]), np.array([1, 0]), block=60.0)
    assert waits[0] == 0.0
    assert waits[1] == 29.0  # starts at 30, while the booth is still open
    assert np.isinf(waits[2])  # arrives after the port closed for good


def test_closing_booth_finishes_its_vehicle() -> None:
    # Two booths until minute 60, then one. Both vehicles in service at 60 finish; the third
    # starts when the first of them leaves and only one is in service after that.
    arrivals = np.array([50.0, 55.0, 58.0, 59.0])
    services = np.array([20.0, 20.0, 5.0, 5.0])
    waits = fcfs(arrivals, services, np.array([2, 1]), 60.0)
    starts = arrivals + waits
    np.testing.assert_allclose(starts, [50.0, 55.0, 75.0, 80.0])


def test_opening_at_block_boundary() -> None:
    waits = fcfs(np.array([10.0, 20.0]), np.array([5.0, 5.0]), np.array([0, 0, 1]), 60.0)
    np.testing.assert_allclose(waits, [110.0, 105.0])


def test_constant_servers_int_equals_array() -> None:
    rng = np.random.default_rng(3)
    a = np.cumsum(rng.exponential(1.0, 5000))
    s = rng.exponential(2.5, 5000)
    np.testing.assert_array_equal(fcfs(a, s, 3), fcfs(a, s, np.array([3, 3, 3])))


@pytest.mark.parametrize(
    ("arrivals", "services", "servers", "field"),
    [
        ([2.0, 1.0], [1.0, 1.0], 1, "arrival_times"),
        ([1.0, 2.0], [1.0], 1, "service_times"),
        ([1.0, 2.0], [1.0, -1.0], 1, "service_times"),
        ([1.0, 2.0], [1.0, 1.0], -1, "servers"),
        ([1.0, 2.0], [1.0, 1.0], np.array([1.5]), "servers"),
        ([1.0, np.nan], [1.0, 1.0], 1, "arrival_times"),
    ],
)
def test_bad_input_names_the_argument(arrivals, services, servers, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KernelInputError, match=field):
        fcfs(np.asarray(arrivals), np.asarray(services), servers)


def test_empty_input() -> None:
    assert fcfs(np.empty(0), np.empty(0), 2).size == 0


def test_queue_area_by_bin_matches_sorted_formula() -> None:
    from smartborder.twin.kernels import queue_area_by_bin
    from smartborder.twin.metrics import queue_area

    rng = np.random.default_rng(8)
    reach = rng.uniform(0, 500, 2000)
    start = reach + rng.exponential(40, 2000)
    bins = queue_area_by_bin(reach, start, 60.0, 9)
    edges = np.arange(0.0, 601.0, 60.0)[:10]
    np.testing.assert_allclose(bins, np.diff(queue_area(reach, start, edges)), rtol=1e-9)
    assert queue_area_by_bin(reach, start, 540.0, 1)[0] == pytest.approx(queue_area(reach, start, np.array([540.0]))[0])
