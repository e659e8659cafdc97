"""Service-time distributions, as data.

Parameters are given as a mean (minutes) and a coefficient of variation, because that is how
inspection times are reported and reasoned about ("primary takes about a minute, give or take
half"); each distribution converts to its own parameters. Every distribution carries a
``source`` string saying where its numbers come from, so reports can print it.
"""

from __future__ import annotations

import functools
import math
from typing import Literal

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic
from numba.np.random._constants import (
    fe_double,
    fi_double,
    ke_double,
    ki_double,
    we_double,
    wi_double,
    ziggurat_exp_r,
    ziggurat_nor_inv_r,
    ziggurat_nor_r,
)
from pydantic import BaseModel, ConfigDict, Field, model_validator

Kind = Literal["exponential", "lognormal", "gamma", "deterministic", "empirical"]


class ServiceTime(BaseModel):
    """A service-time distribution in minutes.

    ``exponential`` uses ``mean``; ``lognormal`` and ``gamma`` use ``mean`` and ``cv``;
    ``deterministic`` always takes ``mean``; ``empirical`` resamples ``samples`` with
    replacement.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind = "exponential"
    mean: float | None = Field(default=None, gt=0, description="mean minutes")
    cv: float | None = Field(default=None, ge=0, description="standard deviation / mean")
    samples: tuple[float, ...] | None = None
    source: str = "unspecified"

    @model_validator(mode="after")
    def _check_parameters(self) -> ServiceTime:
        if self.kind == "empirical":
            if not self.samples:
                raise ValueError("samples: an empirical distribution needs at least one sample")
            if min(self.samples) < 0:
                raise ValueError("samples: service times must be >= 0")
            return self
        if self.mean is None:
            raise ValueError(f"mean: a {self.kind} distribution needs a mean (minutes)")
        if self.kind in ("lognormal", "gamma") and (self.cv is None or self.cv <= 0):
            raise ValueError(f"cv: a {self.kind} distribution needs cv > 0")
        return self

    @property
    def expected(self) -> float:
        """Mean of the distribution (minutes)."""
        if self.kind == "empirical":
            assert self.samples is not None
            return float(np.mean(self.samples))
        assert self.mean is not None
        return self.mean

    @property
    def scv(self) -> float:
        """Squared coefficient of variation (for Pollaczek–Khinchine and similar formulas)."""
        if self.kind == "exponential":
            return 1.0
        if self.kind == "deterministic":
            return 0.0
        if self.kind == "empirical":
            assert self.samples is not None
            values = np.asarray(self.samples)
            return float(values.var() / values.mean() ** 2) if values.mean() > 0 else 0.0
        assert self.cv is not None
        return self.cv**2

    def scaled(self, factor: float) -> ServiceTime:
        """The same shape with the mean multiplied by *factor* (e.g. pre-inspected loads)."""
        if self.kind == "empirical":
            assert self.samples is not None
            return self.model_copy(update={"samples": tuple(s * factor for s in self.samples)})
        assert self.mean is not None
        return self.model_copy(update={"mean": self.mean * factor})

    def cdf(self, x: float | np.ndarray) -> np.ndarray:
        """P(time <= x) for each *x* (minutes): what share of drivers would not wait *x*, when the
        distribution is a patience."""
        from scipy import stats  # here, not at import: scipy.stats alone costs half a second

        x = np.asarray(x, dtype=np.float64)
        if self.kind == "empirical":
            assert self.samples is not None
            values = np.sort(np.asarray(self.samples, dtype=np.float64))
            return np.searchsorted(values, x, side="right") / len(values)
        assert self.mean is not None
        if self.kind == "deterministic":
            return (x >= self.mean).astype(np.float64)
        if self.kind == "exponential":
            return np.asarray(stats.expon.cdf(x, scale=self.mean), dtype=np.float64)
        assert self.cv is not None
        if self.kind == "gamma":
            return np.asarray(stats.gamma.cdf(x, 1.0 / self.cv**2, scale=self.mean * self.cv**2), dtype=np.float64)
        sigma = math.sqrt(math.log1p(self.cv**2))
        return np.asarray(stats.lognorm.cdf(x, sigma, scale=self.mean / math.exp(sigma**2 / 2)), dtype=np.float64)

    def sample(self, rng: np.random.Generator, size: int, out: np.ndarray | None = None) -> np.ndarray:
        """Draw *size* service times (minutes); into *out* (float64, contiguous, length *size*)
        if given, which is returned. The same numbers either way."""
        if out is not None and (out.shape != (size,) or out.dtype != np.float64 or not out.flags.c_contiguous):
            raise ValueError(f"out: expected a contiguous float64 array of length {size}")
        if self.kind == "empirical":
            assert self.samples is not None
            return _into(rng.choice(np.asarray(self.samples, dtype=np.float64), size=size), out)
        mean = float(self.mean)  # type: ignore[arg-type]
        if self.kind == "exponential":
            draws = standard_exponential(rng, size, out)  # exponential(mean): mean × a standard draw
            draws *= mean
            return draws
        if self.kind == "deterministic":
            if out is None:
                return np.full(size, mean)
            out.fill(mean)
            return out
        cv = float(self.cv)  # type: ignore[arg-type]
        if self.kind == "lognormal":
            sigma2 = np.log1p(cv * cv)
            # exp(mu + sigma·Z) in place: same distribution as rng.lognormal, ~30 % faster.
            draws = standard_normal(rng, size, out)
            _exp_affine(draws, np.sqrt(sigma2), np.log(mean) - sigma2 / 2)
            return draws
        shape = 1.0 / (cv * cv)
        return _into(rng.gamma(shape, mean / shape, size), out)


def _into(values: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    if out is None:
        return values
    out[:] = values
    return out


@njit(cache=True, nogil=True)
def _exp_affine_compiled(x: np.ndarray, scale: float, shift: float) -> None:
    for i in range(x.size):
        y = x[i] * scale
        y = y + shift
        x[i] = math.exp(y)


def _exp_affine(x: np.ndarray, scale: float, shift: float) -> None:
    """``x = exp(x * scale + shift)`` in place, as NumPy computes it (multiply, add, then its exp).

    One compiled pass instead of three NumPy passes where that gives the very same numbers: where
    NumPy's float64 ``exp`` is the C library's, as the compiled one is (checked once on a spread of
    values; NumPy has its own SIMD ``exp`` on AVX-512 machines, where the NumPy passes are kept).
    """
    if x.size >= 4096 and _compiled_exp_is_numpys():
        _exp_affine_compiled(x, float(scale), float(shift))
        return
    x *= scale
    x += shift
    np.exp(x, out=x)


@functools.cache
def _compiled_exp_is_numpys() -> bool:
    core = getattr(np, "_core", None) or getattr(np, "core")  # noqa: B009 (NumPy 1 names it core)
    features: dict[str, bool] = getattr(core._multiarray_umath, "__cpu_features__", {})
    if any(on for name, on in features.items() if name.startswith("AVX512")):
        return False
    probe = np.random.default_rng(20261201).standard_normal(200_000) * 3.0
    probe = np.concatenate([probe, np.linspace(-745.0, 709.0, 50_001), [0.0, -0.0, 1e-300, -1e-300]])
    want = probe * 1.0
    want += 0.0
    np.exp(want, out=want)
    got = probe.copy()
    _exp_affine_compiled(got, 1.0, 0.0)
    return bool(np.array_equal(want, got))


# Random streams: NumPy's numbers, drawn in compiled loops.
#
# A port-year draws tens of millions of uniforms, normals and exponentials. NumPy's Generator
# fills arrays through a call per draw into its bit generator; for PCG64 (what
# ``np.random.default_rng`` gives) the loops below step the same 128-bit generator inline and
# turn its output into numbers exactly as NumPy does (``next_double``; the ziggurat algorithms
# and tables NumPy uses, as numba ports them), then store the generator's new state back. So
# ``uniform(rng, n)`` returns ``rng.random(n)`` bit for bit and leaves *rng* where
# ``rng.random(n)`` would, about twice as fast. A check at first use compares them with NumPy
# on several seeds; any other bit generator, or a failed check, uses NumPy's own methods.

_PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645
_MASK64 = (1 << 64) - 1
_TO_DOUBLE = 1.0 / 9007199254740992.0
#: Below this many draws NumPy's methods are used (the state round trip costs microseconds).
_COMPILED_MIN = 256


@intrinsic
def _pcg_step(typingctx, hi, lo, inc_hi, inc_lo):  # type: ignore[no-untyped-def]
    """PCG64's state update: (hi, lo) of ``state * MULT + inc`` modulo 2**128."""
    sig = types.UniTuple(types.uint64, 2)(types.uint64, types.uint64, types.uint64, types.uint64)  # type: ignore[no-untyped-call]

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        i64, i128 = ir.IntType(64), ir.IntType(128)
        high, low, inc_high, inc_low = args
        shift = ir.Constant(i128, 64)
        state = builder.or_(builder.shl(builder.zext(high, i128), shift), builder.zext(low, i128))
        inc = builder.or_(builder.shl(builder.zext(inc_high, i128), shift), builder.zext(inc_low, i128))
        state = builder.add(builder.mul(state, ir.Constant(i128, _PCG_MULT)), inc)
        parts = (builder.trunc(builder.lshr(state, shift), i64), builder.trunc(state, i64))
        return context.make_tuple(builder, signature.return_type, parts)

    return sig, codegen


@njit(cache=True, inline="always")
def _pcg_next(hi: np.uint64, lo: np.uint64, inc_hi: np.uint64, inc_lo: np.uint64) -> tuple[np.uint64, np.uint64]:
    return _pcg_step(hi, lo, inc_hi, inc_lo)  # type: ignore[call-arg]  # numba supplies typingctx


@njit(cache=True, inline="always")
def _pcg_output(hi: np.uint64, lo: np.uint64) -> np.uint64:
    """PCG64's output (XSL-RR) of the new state."""
    x = hi ^ lo
    rot = hi >> np.uint64(58)
    return (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))


@njit(cache=True, nogil=True)
def _uniform_fill(state: np.ndarray, out: np.ndarray) -> None:
    hi, lo, inc_hi, inc_lo = state[0], state[1], state[2], state[3]
    for i in range(out.size):
        hi, lo = _pcg_next(hi, lo, inc_hi, inc_lo)
        out[i] = (_pcg_output(hi, lo) >> np.uint64(11)) * _TO_DOUBLE
    state[0], state[1] = hi, lo


@njit(cache=True, nogil=True)
def _normal_fill(state: np.ndarray, out: np.ndarray) -> None:
    """NumPy's ``random_standard_normal`` (ziggurat), draw after draw."""
    hi, lo, inc_hi, inc_lo = state[0], state[1], state[2], state[3]
    for i in range(out.size):
        while True:
            hi, lo = _pcg_next(hi, lo, inc_hi, inc_lo)
            r = _pcg_output(hi, lo)
            idx = r & np.uint64(0xFF)
            r >>= np.uint64(8)
            sign = r & np.uint64(1)
            rabs = (r >> np.uint64(1)) & np.uint64(0x000FFFFFFFFFFFFF)
            x = rabs * wi_double[idx]
            if sign & np.uint64(1):
                x = -x
            if rabs < ki_double[idx]:
                break  # 99.3 % of draws
            if idx == 0:
                while True:
                    hi, lo = _pcg_next(hi, lo, inc_hi, inc_lo)
                    xx = -ziggurat_nor_inv_r * np.log1p(-((_pcg_output(hi, lo) >> np.uint64(11)) * _TO_DOUBLE))
                    hi, lo = _pcg_next(hi, lo, inc_hi, inc_lo)
                    yy = -np.log1p(-((_pcg_output(hi, lo) >> np.uint64(11)) * _TO_DOUBLE))
                    if yy + yy > xx * xx:
                        break
                x = -(ziggurat_nor_r + xx) if (rabs >> np.uint64(8)) & np.uint64(1) else ziggurat_nor_r + xx
                break
            hi, lo = _pcg_next(hi, lo, inc_hi, inc_lo)
            u = (_pcg_output(hi, lo) >> np.uint64(11)) * _TO_DOUBLE
            if (fi_double[idx - 1] - fi_double[idx]) * u + fi_double[idx] < np.exp(-0.5 * x * x):
                break
        out[i] = x
    state[0], state[1] = hi, lo


@njit(cache=True, nogil=True)
def _exponential_fill(state: np.ndarray, out: np.ndarray) -> None:
    """NumPy's ``random_standard_exponential`` (ziggurat), draw after draw."""
    hi, lo, inc_hi, inc_lo = state[0], state[1], state[2], state[3]
    for i in range(out.size):
        while True:
            hi, lo = _pcg_next(hi, lo, inc_hi, inc_lo)
            ri = _pcg_output(hi, lo) >> np.uint64(3)
            idx = ri & np.uint64(0xFF)
            ri >>= np.uint64(8)
            x = ri * we_double[idx]
            if ri < ke_double[idx]:
                break  # 98.9 % of draws
            hi, lo = _pcg_next(hi, lo, inc_hi, inc_lo)
            u = (_pcg_output(hi, lo) >> np.uint64(11)) * _TO_DOUBLE
            if idx == 0:
                x = ziggurat_exp_r - np.log1p(-u)
                break
            if (fe_double[idx - 1] - fe_double[idx]) * u + fe_double[idx] < np.exp(-x):
                break
        out[i] = x
    state[0], state[1] = hi, lo


_FILLS = {"random": _uniform_fill, "standard_normal": _normal_fill, "standard_exponential": _exponential_fill}


def _draw(rng: np.random.Generator, method: str, n: int, out: np.ndarray | None) -> np.ndarray:
    """``getattr(rng, method)(n)`` (into *out* if given), compiled for PCG64 when it agrees."""
    if out is None:
        out = np.empty(n)
    elif out.shape != (n,) or out.dtype != np.float64 or not out.flags.c_contiguous:
        raise ValueError(f"out: expected a contiguous float64 array of length {n}")
    generator = rng.bit_generator
    if n < _COMPILED_MIN or type(generator) is not np.random.PCG64 or not _compiled_streams_are_numpys():
        getattr(rng, method)(out=out)
        return out
    with generator.lock:
        raw = generator.state
        value, inc = raw["state"]["state"], raw["state"]["inc"]
        state = np.array([value >> 64, value & _MASK64, inc >> 64, inc & _MASK64], dtype=np.uint64)
        _FILLS[method](state, out)
        raw["state"]["state"] = (int(state[0]) << 64) | int(state[1])
        generator.state = raw
    return out


def uniform(rng: np.random.Generator, n: int, out: np.ndarray | None = None) -> np.ndarray:
    """``rng.random(n)``: the same numbers, the generator left in the same state."""
    return _draw(rng, "random", n, out)


def standard_normal(rng: np.random.Generator, n: int, out: np.ndarray | None = None) -> np.ndarray:
    """``rng.standard_normal(n)``: the same numbers, the generator left in the same state."""
    return _draw(rng, "standard_normal", n, out)


def standard_exponential(rng: np.random.Generator, n: int, out: np.ndarray | None = None) -> np.ndarray:
    """``rng.standard_exponential(n)``: the same numbers, the generator left in the same state."""
    return _draw(rng, "standard_exponential", n, out)


@functools.cache
def _compiled_streams_are_numpys() -> bool:
    """The compiled draws against NumPy's on a few PCG64 streams (each long enough to take the
    ziggurats' rare branches many times), state afterwards included."""
    for seed in (0, 1, 20261201):
        for method, fill in _FILLS.items():
            ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
            want = getattr(theirs, method)(20_000)
            got = np.empty(20_000)
            raw = ours.bit_generator.state
            value, inc = raw["state"]["state"], raw["state"]["inc"]
            state = np.array([value >> 64, value & _MASK64, inc >> 64, inc & _MASK64], dtype=np.uint64)
            fill(state, got)
            raw["state"]["state"] = (int(state[0]) << 64) | int(state[1])
            ours.bit_generator.state = raw
            if not np.array_equal(want, got) or ours.random() != theirs.random():
                return False
    return True
