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

Memory: kernels that make big outputs take them from NumPy (``np.empty`` in Python, passed in)
instead of allocating them inside compiled code. NumPy asks the kernel for transparent huge
pages for large arrays; numba's allocator does not, and on the virtual machines this runs on
a first write to a fresh 4 KiB page costs microseconds — about 7 ns per float written, more
than the rest of a simple pass.
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


@njit(cache=True, nogil=True)
def _fcfs_constant(arrivals: np.ndarray, services: np.ndarray, c: int, starts: np.ndarray) -> None:
    """Kiefer–Wolfowitz recursion for a constant pool of *c* servers.

    The heap holds each server's next free time: the head of the queue starts when it has
    arrived, the previous customer has started (FCFS) and the earliest server is free. One
    sift-down per customer.
    """
    n = arrivals.size
    if c <= 0:
        starts[:] = INF
        return
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
        return
    for i in range(n):
        t = arrivals[i]
        t = max(t, last_start)
        t = max(t, free[0])
        starts[i] = t
        last_start = t
        free[0] = t + services[i]
        _sift_down(free, c, 0)


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


def fcfs_starts(
    arrivals: np.ndarray, services: np.ndarray, servers: np.ndarray, block: float, overtime: int = 0
) -> np.ndarray:
    """Service start times (same order as *arrivals*); ``inf`` if a customer is never served.

    *overtime*: 0 closed means closed; 1 customers who arrived while open are served after
    closing by the last open block's servers; 2 everyone is (see the module docstring).
    """
    starts = np.empty(np.shape(arrivals)[0])  # NumPy's memory (module docstring)
    _fcfs_into(arrivals, services, servers, block, overtime, starts)
    return starts


@njit(cache=True, nogil=True)
def _fcfs_into(
    arrivals: np.ndarray, services: np.ndarray, servers: np.ndarray, block: float, overtime: int, starts: np.ndarray
) -> None:
    """``fcfs_starts``, written into *starts*."""
    constant = True
    for k in range(1, servers.size):
        if servers[k] != servers[0]:
            constant = False
            break
    if constant:
        _fcfs_constant(arrivals, services, servers[0], starts)
        return
    n = arrivals.size
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
            return
        starts[i] = t
        last_start = t
        heap[size] = t + services[i]
        _sift_up(heap, size)
        size += 1


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


@njit(cache=True, nogil=True)
def times_problem(times: np.ndarray) -> bool:
    """Whether arrival *times* are unsorted, negative or NaN somewhere (one pass)."""
    for i in range(times.size):
        t = times[i]
        if np.isnan(t) or (i > 0 and t < times[i - 1]):
            return True
    return times.size > 0 and times[0] < 0


def _as_servers(servers: int | np.ndarray) -> np.ndarray:
    counts = np.atleast_1d(np.asarray(servers))
    if counts.ndim != 1 or counts.size == 0:
        raise KernelInputError("servers: expected an int or a 1-D array of open-server counts.")
    if not np.issubdtype(counts.dtype, np.integer) and not np.all(np.equal(np.mod(counts, 1), 0)):
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


#: Index type for the hot loops: numba wraps negative signed indices around (a compare and an
#: add per access); indices known to be >= 0 are cast to unsigned, which skips that.
_U = np.uint64


@njit(cache=True, inline="always")
def _flat_sift_down(heap: np.ndarray, base: int, size: int, pos: int) -> None:
    """``_sift_down`` for the heap stored at ``heap[base:base + size]``."""
    item = heap[_U(base + pos)]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        smaller = heap[_U(base + child)]
        right = child + 1
        if right < size:
            other = heap[_U(base + right)]
            if other < smaller:
                child = right
                smaller = other
        if smaller < item:
            heap[_U(base + pos)] = smaller
            pos = child
        else:
            break
    heap[_U(base + pos)] = item


@njit(cache=True, inline="always")
def _flat_sift_up(heap: np.ndarray, base: int, pos: int) -> None:
    """``_sift_up`` for the heap stored from ``heap[base]``."""
    item = heap[_U(base + pos)]
    while pos > 0:
        parent = (pos - 1) >> 1
        above = heap[_U(base + parent)]
        if item < above:
            heap[_U(base + pos)] = above
            pos = parent
        else:
            break
    heap[_U(base + pos)] = item


@njit(cache=True, inline="always")
def _flat_pop(heap: np.ndarray, base: int, size: int, t: float) -> int:
    """Drop the end times <= t from the heap stored from ``heap[base]``; the new size."""
    while size > 0 and heap[_U(base)] <= t:
        size -= 1
        heap[_U(base)] = heap[_U(base + size)]
        _flat_sift_down(heap, base, size, 0)
    return size


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
    patience: np.ndarray | None = None,
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

    *patience* (one per vehicle, ``inf``: none) makes a vehicle that would wait longer than its
    patience at the station it chose leave without joining (station -1, start NaN). The wait it
    judges is the one the line shows when it arrives: its start if the staffing then open held
    (exact while it does). A vehicle that arrives while every station of its list is closed
    came for the opening and always joins — unless the station serves everyone after hours
    (``overtime`` 2), which never closes: the line is judged at the servers it carries.
    """
    station, starts, _ = choice_run(
        reach,
        service,
        part_start,
        part_option,
        options,
        n_options,
        loyal,
        servers,
        block,
        overtime,
        finish=False,
        patience=patience,
    )
    return station, starts


def choice_run(
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
    finish: bool = True,
    patience: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``choice_starts``, and with *finish* each vehicle's service end (``start + service``, as
    NumPy would add them) computed on the way (else an empty array)."""
    n = np.shape(reach)[0]
    if patience is None:
        patience = np.empty(0)
    elif np.shape(patience) != (n,):
        raise ValueError(f"patience: need one value per vehicle ({n}), got shape {np.shape(patience)}")
    # Outputs in NumPy's memory (module docstring).
    station = np.empty(n, dtype=np.int32)
    starts = np.empty(n)
    ends = np.empty(n if finish else 0)
    _choice_into(
        reach,
        service,
        part_start,
        part_option,
        options,
        n_options,
        loyal,
        servers,
        block,
        overtime,
        station,
        starts,
        ends,
        finish,
        np.ascontiguousarray(patience, dtype=np.float64),
    )
    return station, starts, ends


@njit(cache=True, nogil=True)
def _choice_into(
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
    station: np.ndarray,
    starts: np.ndarray,
    finish: np.ndarray,
    with_finish: bool,
    patience: np.ndarray,
) -> None:
    """``choice_run`` into given arrays (*patience* empty: everyone joins)."""
    n = reach.size
    with_patience = patience.size > 0
    n_stations, nblocks = servers.shape
    # Flat arrays and unsigned indices (see ``_U``): this loop runs once per vehicle of a port.
    srv = np.ascontiguousarray(servers).ravel()
    opts = np.ascontiguousarray(options).ravel()
    width_options = options.shape[1]
    cmax = 1
    for x in range(srv.size):
        cmax = max(cmax, srv[x])
    width = cmax + 1
    heaps = np.empty(n_stations * width)  # station s: its end times, a heap at heaps[s * width:]
    size = np.zeros(n_stations, dtype=np.int64)
    last = np.full(n_stations, -INF)
    last_block = nblocks - 1
    first_edge = block if nblocks > 1 else INF
    block_of = np.zeros(n_stations, dtype=np.int64)  # each station's current block (times only grow)
    edge_of = np.full(n_stations, first_edge)  # ... and where it ends (inf for the last block)
    carry = np.empty(n_stations * nblocks, dtype=np.int64)
    opens = np.empty(n_stations * nblocks, dtype=np.int64)  # first open block at or after each
    for s in range(n_stations):
        carry[s * nblocks : (s + 1) * nblocks] = _carry(servers[s])
        soonest = nblocks
        for k in range(nblocks - 1, -1, -1):
            if servers[s, k] > 0:
                soonest = k
            opens[s * nblocks + k] = soonest
    n_parts = part_start.size - 1
    head = part_start[:-1].copy()
    head_time = np.empty(n_parts)
    for q in range(n_parts):
        head_time[q] = reach[head[q]] if head[q] < part_start[q + 1] else INF
    kb = 0  # the block of the current arrival
    kb_edge = first_edge
    for _ in range(n):
        p = 0
        t = head_time[0]
        for q in range(1, n_parts):
            if head_time[_U(q)] < t:
                p = q
                t = head_time[_U(q)]
        i = head[_U(p)]
        following = i + 1
        head[_U(p)] = following
        head_time[_U(p)] = reach[_U(following)] if following < part_start[_U(p + 1)] else INF
        while t >= kb_edge and kb < last_block:
            kb += 1
            kb_edge = (kb + 1) * block if kb < last_block else INF
        row = part_option[_U(p)] * width_options
        m = n_options[_U(part_option[_U(p)])]
        chosen = -1
        if m == 1:
            s = opts[_U(row)]
            if srv[_U(s * nblocks + kb)] > 0:
                chosen = s
        elif loyal[_U(i)]:
            for j in range(m):
                s = opts[_U(row + j)]
                if srv[_U(s * nblocks + kb)] > 0:
                    chosen = s
                    break
        else:
            best = INF
            for j in range(m):
                s = opts[_U(row + j)]
                cap = srv[_U(s * nblocks + kb)]
                if cap <= 0:
                    continue
                # The heap keeps idle servers (end <= ready): with one, the start is ready;
                # after a lane closes there may be more ends than lanes: drop the idle ones.
                ready = last[_U(s)]
                ready = max(ready, t)
                sz = size[_U(s)]
                if sz > cap:
                    sz = _flat_pop(heaps, s * width, sz, ready)
                    size[_U(s)] = sz
                if sz >= cap and heaps[_U(s * width)] > ready:
                    ready = heaps[_U(s * width)]
                if ready < best:
                    best = ready
                    chosen = s
        if chosen < 0:
            # Nothing open yet: wait at the lane that opens first (the earlier one on ties).
            soonest = nblocks
            for j in range(m):
                s = opts[_U(row + j)]
                k = opens[_U(s * nblocks + kb)]
                if k < soonest:
                    soonest = k
                    chosen = s
            if chosen < 0:
                chosen = opts[_U(row)]
        s = chosen
        us = _U(s)
        base = s * width
        if with_patience and patience[_U(i)] < INF:
            cap = srv[_U(s * nblocks + kb)]
            if cap == 0 and overtime[us] == 2:  # serving everyone after hours: it never closes
                cap = carry[_U(s * nblocks + kb)]
            if cap > 0:  # the line it sees: its start if today's staffing held (as chosen above)
                ready = max(last[us], t)
                sz = size[us]
                if sz > cap:
                    sz = _flat_pop(heaps, base, sz, ready)
                    size[us] = sz
                if sz >= cap and heaps[_U(base)] > ready:
                    ready = heaps[_U(base)]
                if ready - t > patience[_U(i)]:
                    station[_U(i)] = -1
                    starts[_U(i)] = np.nan
                    if with_finish:
                        finish[_U(i)] = np.nan
                    continue
        t = max(t, last[us])
        sz = size[us]
        k = block_of[us]
        edge = edge_of[us]
        while t >= edge and k < last_block:
            k += 1
            edge = (k + 1) * block if k < last_block else INF
        cap = srv[_U(s * nblocks + k)]
        service_i = service[_U(i)]
        if cap > 0 and sz <= cap:
            # Fast paths (most vehicles): one heap operation, same result as the general loop.
            fast = True
            if sz > 0 and heaps[_U(base)] <= t:  # an idle server: start now, reuse it
                heaps[_U(base)] = t + service_i
                _flat_sift_down(heaps, base, sz, 0)
            elif sz < cap:  # a server never used yet
                heaps[_U(base + sz)] = t + service_i
                _flat_sift_up(heaps, base, sz)
                sz += 1
            elif heaps[_U(base)] < edge:  # all busy: the first to finish, same staffing
                t = heaps[_U(base)]
                heaps[_U(base)] = t + service_i
                _flat_sift_down(heaps, base, sz, 0)
            else:
                fast = False
            if fast:
                block_of[us] = k
                edge_of[us] = edge
                station[_U(i)] = s
                starts[_U(i)] = t
                if with_finish:
                    finish[_U(i)] = t + service_i
                last[us] = t
                size[us] = sz
                continue
        code = overtime[us]
        owed = code == 2 or (code == 1 and srv[_U(s * nblocks + kb)] > 0)
        while True:
            sz = _flat_pop(heaps, base, sz, t)
            while t >= edge and k < last_block:
                k += 1
                edge = (k + 1) * block if k < last_block else INF
            cap = srv[_U(s * nblocks + k)]
            if cap == 0 and owed:
                cap = carry[_U(s * nblocks + k)]
            if sz < cap:
                break
            nxt = heaps[_U(base)] if sz > 0 else INF
            if k < last_block and edge < nxt:
                nxt = edge
            if nxt == INF:
                t = INF
                break
            t = nxt
        block_of[us] = k
        edge_of[us] = edge
        station[_U(i)] = s
        starts[_U(i)] = t
        if with_finish:
            finish[_U(i)] = t + service_i
        if t != INF:
            last[us] = t
            heaps[_U(base + sz)] = t + service_i
            _flat_sift_up(heaps, base, sz)
            sz += 1
        size[us] = sz
