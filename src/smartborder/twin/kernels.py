"""Compiled FCFS station kernel: the hot path of the twin.

A station is a pool of identical servers with one FCFS queue. Customers start service in arrival
order (so start times never decrease). Customer *i* starts at the earliest time
``t >= max(arrival_i, start_{i-1})`` at which fewer than ``servers(t)`` customers are in
service. When the open-server count drops, customers already in service finish (a closing booth
completes its vehicle), so the result does not depend on which booth closes.

The kernel keeps a binary min-heap of the end times of customers in service, so the cost is
O(log c) per customer plus O(1) per capacity block crossed: no Python per vehicle.

*After closing* (``overtime``): a port does not turn away vehicles already in its queue when a
lane closes. With ``overtime=1`` a customer who arrived while the station was open is still
served after it closes, by as many servers as were open in the last open block; a customer who
arrived while it was closed waits for it to open. ``overtime=2`` serves everyone that way (a
secondary inspection area serves whoever primary sent it, whatever the hour). ``overtime=0``:
closed means closed.

``choice_starts`` runs several stations side by side for vehicles that may choose among them
(a SENTRI car may use the SENTRI, Ready or standard lanes): in arrival order, each vehicle
joins the open station where it would start soonest given the queues ahead of it — what a
driver sees — or, if it is one who never switches, the first open station of its preference.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from smartborder.twin.errors import KernelInputError

INF = np.inf
#: Up to this many servers the constant-staffing kernel scans instead of keeping a heap.
SCAN_MAX = 12


@njit(cache=True, inline="always")
def _sift_down(heap: np.ndarray, size: int, pos: int) -> None:
    item = heap[pos]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        right = child + 1
        if right < size and heap[right] < heap[child]:
            child = right
        if heap[child] < item:
            heap[pos] = heap[child]
            pos = child
        else:
            break
    heap[pos] = item


@njit(cache=True, inline="always")
def _sift_up(heap: np.ndarray, pos: int) -> None:
    item = heap[pos]
    while pos > 0:
        parent = (pos - 1) >> 1
        if item < heap[parent]:
            heap[pos] = heap[parent]
            pos = parent
        else:
            break
    heap[pos] = item


@njit(cache=True)
def _capacity(servers: np.ndarray, block: float, t: float) -> int:
    k = int(t // block)
    if k >= servers.size:
        k = servers.size - 1
    return servers[k]


@njit(cache=True, nogil=True)
def _fcfs_constant(arrivals: np.ndarray, services: np.ndarray, c: int) -> np.ndarray:
    """Kiefer–Wolfowitz recursion for a constant pool of *c* servers.

    The heap holds each server's next free time: the head of the queue starts when it has
    arrived, the previous customer has started (FCFS) and the earliest server is free. One
    sift-down per customer.
    """
    n = arrivals.size
    starts = np.empty(n)
    if c <= 0:
        starts[:] = INF
        return starts
    free = np.zeros(c)
    for j in range(c):
        free[j] = -INF
    last_start = -INF
    if c <= SCAN_MAX:
        # Few servers (booths): a linear scan for the earliest free server beats the heap.
        for i in range(n):
            j = 0
            earliest = free[0]
            for k in range(1, c):
                if free[k] < earliest:
                    earliest = free[k]
                    j = k
            t = arrivals[i]
            t = max(t, last_start)
            t = max(t, earliest)
            starts[i] = t
            last_start = t
            free[j] = t + services[i]
        return starts
    for i in range(n):
        t = arrivals[i]
        t = max(t, last_start)
        t = max(t, free[0])
        starts[i] = t
        last_start = t
        free[0] = t + services[i]
        _sift_down(free, c, 0)
    return starts


@njit(cache=True, nogil=True)
def _carry(servers: np.ndarray) -> np.ndarray:
    """Per block, the server count of the last open block at or before it (0 before any)."""
    out = np.empty(servers.size, dtype=np.int64)
    last = 0
    for k in range(servers.size):
        if servers[k] > 0:
            last = servers[k]
        out[k] = last
    return out


@njit(cache=True, nogil=True)
def fcfs_starts(
    arrivals: np.ndarray, services: np.ndarray, servers: np.ndarray, block: float, overtime: int = 0
) -> np.ndarray:
    """Service start times (same order as *arrivals*); ``inf`` if a customer is never served.

    *overtime*: 0 closed means closed; 1 customers who arrived while open are served after
    closing by the last open block's servers; 2 everyone is (see the module docstring).
    """
    constant = True
    for k in range(1, servers.size):
        if servers[k] != servers[0]:
            constant = False
            break
    if constant:
        return _fcfs_constant(arrivals, services, servers[0])
    n = arrivals.size
    starts = np.empty(n)
    cmax = 1
    for k in range(servers.size):
        cmax = max(cmax, servers[k])
    heap = np.empty(cmax + 1)
    size = 0
    nblocks = servers.size
    carry = _carry(servers)
    last_start = -INF
    # Times only move forward (arrivals sorted, FCFS starts non-decreasing), so the current
    # block is tracked, not divided out: a float floor division per customer costs more than
    # the rest of the step.
    k = 0
    edge = block  # end of block k
    ka = 0
    arrival_edge = block
    for i in range(n):
        t = arrivals[i]
        owed = overtime == 2
        if overtime == 1:
            while t >= arrival_edge and ka < nblocks - 1:
                ka += 1
                arrival_edge = (ka + 1) * block
            owed = servers[ka] > 0
        t = max(t, last_start)
        while t >= edge and k < nblocks - 1:
            k += 1
            edge = (k + 1) * block
        cap = servers[k]
        # Fast paths (most customers): one heap operation, same result as the general loop.
        # The heap holds one end time per server used, idle ones included (end <= t).
        if cap > 0 and size <= cap:
            if size > 0 and heap[0] <= t:  # an idle server: start now, reuse it
                starts[i] = t
                last_start = t
                heap[0] = t + services[i]
                _sift_down(heap, size, 0)
                continue
            if size < cap:  # a server never used yet
                starts[i] = t
                last_start = t
                heap[size] = t + services[i]
                _sift_up(heap, size)
                size += 1
                continue
            if heap[0] < edge or k == nblocks - 1:  # all busy: the first to finish, same staffing
                t = heap[0]
                starts[i] = t
                last_start = t
                heap[0] = t + services[i]
                _sift_down(heap, size, 0)
                continue
        while True:
            # Free the servers whose customers have finished by t.
            while size > 0 and heap[0] <= t:
                size -= 1
                heap[0] = heap[size]
                _sift_down(heap, size, 0)
            while t >= edge and k < nblocks - 1:
                k += 1
                edge = (k + 1) * block
            cap = servers[k]
            if cap == 0 and owed:
                cap = carry[k]
            if size < cap:
                break
            # Blocked: wait for the next departure or the next capacity change.
            nxt = heap[0] if size > 0 else INF
            if k < nblocks - 1:
                nxt = min(nxt, edge)
            if nxt == INF:
                t = INF
                break
            t = nxt
        if t == INF:
            for j in range(i, n):
                starts[j] = INF
            return starts
        starts[i] = t
        last_start = t
        heap[size] = t + services[i]
        _sift_up(heap, size)
        size += 1
    return starts


@njit(cache=True, nogil=True)
def _problems(arrivals: np.ndarray, services: np.ndarray) -> int:
    """0 if inputs are fine; 1 unsorted/NaN arrivals; 2 negative/NaN services. One pass."""
    previous = -INF
    for i in range(arrivals.size):
        a = arrivals[i]
        if not a >= previous:  # catches NaN too
            return 1
        previous = a
        if not services[i] >= 0:
            return 2
    return 0


def _as_servers(servers: int | np.ndarray) -> np.ndarray:
    counts = np.atleast_1d(np.asarray(servers))
    if counts.ndim != 1 or counts.size == 0:
        raise KernelInputError("servers: expected an int or a 1-D array of open-server counts.")
    if not np.issubdtype(counts.dtype, np.integer):
        if not np.all(np.equal(np.mod(counts, 1), 0)):
            raise KernelInputError("servers: counts must be whole numbers.")
    counts = counts.astype(np.int64)
    if counts.min() < 0:
        raise KernelInputError(f"servers: counts must be >= 0, got minimum {counts.min()}.")
    return counts


def fcfs(
    arrival_times: np.ndarray,
    service_times: np.ndarray,
    servers: int | np.ndarray,
    block: float = 60.0,
    overtime: int = 0,
) -> np.ndarray:
    """Per-customer waits (minutes) at one FCFS station with a time-varying server count.

    *arrival_times* are sorted minutes; *service_times* align with them; *servers* is an int or
    the open-server count for successive blocks of *block* minutes from time 0 (the last count
    holds after the array ends). A customer who can never be served (all servers closed from
    some point on) gets ``inf``. *overtime* says who is served after a station closes (module
    docstring).
    """
    arrivals = np.ascontiguousarray(arrival_times, dtype=np.float64)
    services = np.ascontiguousarray(service_times, dtype=np.float64)
    if arrivals.ndim != 1 or services.shape != arrivals.shape:
        raise KernelInputError(
            f"arrival_times/service_times: expected two 1-D arrays of equal length, got shapes "
            f"{arrivals.shape} and {services.shape}."
        )
    problem = _problems(arrivals, services)
    if problem == 1:
        raise KernelInputError("arrival_times: must be sorted ascending and contain no NaN.")
    if problem == 2:
        raise KernelInputError("service_times: must be >= 0 and contain no NaN.")
    if not block > 0:
        raise KernelInputError(f"block: must be > 0 minutes, got {block}.")
    if overtime not in (0, 1, 2):
        raise KernelInputError(f"overtime: must be 0, 1 or 2, got {overtime!r}.")
    starts = fcfs_starts(arrivals, services, _as_servers(servers), float(block), int(overtime))
    return starts - arrivals


@njit(cache=True, nogil=True)
def queue_area_by_bin(reach: np.ndarray, start: np.ndarray, width: float, nbins: int) -> np.ndarray:
    """Integral of the number waiting over each bin ``[k·width, (k+1)·width)``, k < nbins.

    Each vehicle waits over ``[reach, start)``; its overlap with every bin it spans is added.
    Waiting past the last bin is dropped. O(n + bins spanned), no sort.
    """
    area = np.zeros(nbins)
    end_of_bins = nbins * width
    for i in range(reach.size):
        lo = reach[i]
        hi = start[i]
        hi = min(hi, end_of_bins)
        if not hi > lo:
            continue
        k = int(lo // width)
        while lo < hi:
            edge = (k + 1) * width
            upper = min(edge, hi)
            area[k] += upper - lo
            lo = upper
            k += 1
    return area


@njit(cache=True, inline="always")
def _row_sift_down(heap: np.ndarray, row: int, size: int, pos: int) -> None:
    item = heap[row, pos]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        right = child + 1
        if right < size and heap[row, right] < heap[row, child]:
            child = right
        if heap[row, child] < item:
            heap[row, pos] = heap[row, child]
            pos = child
        else:
            break
    heap[row, pos] = item


@njit(cache=True, inline="always")
def _row_sift_up(heap: np.ndarray, row: int, pos: int) -> None:
    item = heap[row, pos]
    while pos > 0:
        parent = (pos - 1) >> 1
        if item < heap[row, parent]:
            heap[row, pos] = heap[row, parent]
            pos = parent
        else:
            break
    heap[row, pos] = item


@njit(cache=True, inline="always")
def _row_pop(heap: np.ndarray, row: int, size: int, t: float) -> int:
    """Drop the end times <= t from row *row* of the heaps; the new size."""
    while size > 0 and heap[row, 0] <= t:
        size -= 1
        heap[row, 0] = heap[row, size]
        _row_sift_down(heap, row, size, 0)
    return size


@njit(cache=True, nogil=True)
def choice_starts(
    reach: np.ndarray,
    service: np.ndarray,
    part_start: np.ndarray,
    part_option: np.ndarray,
    options: np.ndarray,
    n_options: np.ndarray,
    loyal: np.ndarray,
    servers: np.ndarray,
    block: float,
    overtime: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Stations run side by side for vehicles that choose among them; (station, start) each.

    Vehicles come in *parts* (one per flow): part p is ``reach[part_start[p]:part_start[p+1]]``,
    sorted, all with the stations ``options[part_option[p], :n_options[part_option[p]]]``
    (indices into the rows of *servers*, preferred first). Parts are merged in time order (ties:
    lower part first). A vehicle with ``loyal`` set takes the first station of its list that is
    open when it arrives; any other takes the open station where it would start soonest — the
    later of its arrival and the last start there, or the next server to free up when all are
    busy — preferring the earlier station on ties. With none open, the station of its list that
    opens first (the earlier one on ties).
    Each station is then FCFS with *servers[s]* open per *block* (``overtime[s]`` as in
    ``fcfs_starts``).
    """
    n = reach.size
    n_stations, nblocks = servers.shape
    station = np.empty(n, dtype=np.int32)
    starts = np.empty(n)
    cmax = 1
    for s in range(n_stations):
        for k in range(nblocks):
            if servers[s, k] > cmax:
                cmax = servers[s, k]
    heaps = np.empty((n_stations, cmax + 1))
    size = np.zeros(n_stations, dtype=np.int64)
    last = np.full(n_stations, -INF)
    block_of = np.zeros(n_stations, dtype=np.int64)  # each station's current block (times only grow)
    carry = np.empty((n_stations, nblocks), dtype=np.int64)
    for s in range(n_stations):
        carry[s] = _carry(servers[s])
    n_parts = part_start.size - 1
    head = part_start[:-1].copy()
    head_time = np.empty(n_parts)
    for q in range(n_parts):
        head_time[q] = reach[head[q]] if head[q] < part_start[q + 1] else INF
    kb = 0  # the block of the current arrival
    for _ in range(n):
        p = 0
        for q in range(1, n_parts):
            if head_time[q] < head_time[p]:
                p = q
        i = head[p]
        head[p] += 1
        head_time[p] = reach[head[p]] if head[p] < part_start[p + 1] else INF
        t = reach[i]
        while kb < nblocks - 1 and t >= (kb + 1) * block:
            kb += 1
        row = part_option[p]
        m = n_options[row]
        chosen = -1
        if m == 1:
            if servers[options[row, 0], kb] > 0:
                chosen = options[row, 0]
        elif loyal[i]:
            for j in range(m):
                s = options[row, j]
                if servers[s, kb] > 0:
                    chosen = s
                    break
        else:
            best = INF
            for j in range(m):
                s = options[row, j]
                cap = servers[s, kb]
                if cap <= 0:
                    continue
                # The heap keeps idle servers (end <= ready): with one, the start is ready;
                # after a lane closes there may be more ends than lanes: drop the idle ones.
                ready = t if t > last[s] else last[s]
                if size[s] > cap:
                    size[s] = _row_pop(heaps, s, size[s], ready)
                if size[s] >= cap and heaps[s, 0] > ready:
                    ready = heaps[s, 0]
                if ready < best:
                    best = ready
                    chosen = s
        if chosen < 0:
            # Nothing open yet: wait at the lane that opens first (the earlier one on ties).
            soonest = nblocks
            for j in range(m):
                s = options[row, j]
                for k in range(kb, nblocks):
                    if servers[s, k] > 0:
                        if k < soonest:
                            soonest = k
                            chosen = s
                        break
            if chosen < 0:
                chosen = options[row, 0]
        s = chosen
        owed = overtime[s] == 2 or (overtime[s] == 1 and servers[s, kb] > 0)
        if t < last[s]:
            t = last[s]
        sz = size[s]
        k = block_of[s]
        while k < nblocks - 1 and t >= (k + 1) * block:
            k += 1
        cap = servers[s, k]
        if cap > 0 and sz <= cap:
            edge = (k + 1) * block if k < nblocks - 1 else INF
            fast = True
            if sz > 0 and heaps[s, 0] <= t:  # an idle server: start now, reuse it
                heaps[s, 0] = t + service[i]
                _row_sift_down(heaps, s, sz, 0)
            elif sz < cap:  # a server never used yet
                heaps[s, sz] = t + service[i]
                _row_sift_up(heaps, s, sz)
                sz += 1
            elif heaps[s, 0] < edge:  # all busy: the first to finish, same staffing
                t = heaps[s, 0]
                heaps[s, 0] = t + service[i]
                _row_sift_down(heaps, s, sz, 0)
            else:
                fast = False
            if fast:
                block_of[s] = k
                station[i] = s
                starts[i] = t
                last[s] = t
                size[s] = sz
                continue
        while True:
            sz = _row_pop(heaps, s, sz, t)
            while k < nblocks - 1 and t >= (k + 1) * block:
                k += 1
            cap = servers[s, k]
            if cap == 0 and owed:
                cap = carry[s, k]
            if sz < cap:
                break
            nxt = heaps[s, 0] if sz > 0 else INF
            if k < nblocks - 1:
                boundary = (k + 1) * block
                if boundary < nxt:
                    nxt = boundary
            if nxt == INF:
                t = INF
                break
            t = nxt
        block_of[s] = k
        station[i] = s
        starts[i] = t
        if t != INF:
            last[s] = t
            heaps[s, sz] = t + service[i]
            _row_sift_up(heaps, s, sz)
            sz += 1
        size[s] = sz
    return station, starts
