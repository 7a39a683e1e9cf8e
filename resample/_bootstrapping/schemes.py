"""How a resample picks its rows when they are not i.i.d.: blocks of a series, or strata.

Each scheme turns ``m`` and a child stream into an ``(m, n)`` array of row indices,
one resample per row, like the i.i.d. draw of :func:`.draws.draw`. A scheme takes all
its random numbers from one call ``generator.random((m, k))`` with ``k`` fixed per
scheme, so a block of resamples gets the same rows however it is cut into chunks
(``batch`` never changes the result).

Block bootstraps (Lahiri 2003, ch. 2):

- ``"moving"`` (Kunsch 1989): ``ceil(n / L)`` blocks of ``L`` consecutive rows,
  starting anywhere in ``0 .. n - L``, joined and cut to ``n``.
- ``"circular"`` (Politis & Romano 1992): the same with the series wrapped into a
  circle, starts anywhere in ``0 .. n - 1``, so every row is equally likely.
- ``"stationary"`` (Politis & Romano 1994): blocks of geometric length with mean
  ``L`` on the circle: each position starts a new block with probability ``1 / L``,
  else continues the previous one.

Strata: each row is replaced by a row drawn with replacement from its own stratum,
so every resample keeps the stratum sizes, and the strata stay where they were.

References
----------
Kunsch, H. R. (1989). The jackknife and the bootstrap for general stationary
observations. Annals of Statistics 17(3).
Politis, D. N. & Romano, J. P. (1992). A circular block-resampling procedure for
stationary data. In Exploring the Limits of Bootstrap, Wiley.
Politis, D. N. & Romano, J. P. (1994). The stationary bootstrap. JASA 89(428).
Lahiri, S. N. (2003). Resampling Methods for Dependent Data. Springer.
"""

import math
import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["BLOCKS", "Blocks", "Strata", "make_scheme", "check_method"]

#: Block bootstraps by name (the values ``block`` accepts).
BLOCKS = ("stationary", "circular", "moving")


@dataclass(frozen=True)
class Blocks:
    """A block bootstrap of a series of ``n`` rows with (mean) block length ``length``."""

    kind: str
    n: int
    length: float

    def rows(self, generator, m, dtype):
        """``(m, n)`` row indices of ``m`` resamples."""
        n = self.n
        if self.kind == "stationary":
            u = _uniform(generator, (m, 2 * n), n)
            new = u[:, :n] < u.dtype.type(1 / self.length)  # a new block starts here, probability 1 / L
            new[:, 0] = True
            pos = np.arange(n, dtype=dtype)
            last = np.maximum.accumulate(np.where(new, pos, 0), axis=1)  # the start of each position's block
            rows = np.take_along_axis(_below(u[:, n:], n, dtype), last, axis=1)  # where that block begins
            rows += pos - last
            rows[rows >= n] -= n  # around the circle (rows < 2n)
            return rows
        length = int(self.length)
        k = math.ceil(n / length)
        span = n if self.kind == "circular" else n - length + 1
        starts = _below(_uniform(generator, (m, k), n), span, dtype)
        rows = (starts[:, :, None] + np.arange(length, dtype=dtype)).reshape(m, k * length)[:, :n]
        if self.kind == "circular":
            rows[rows >= n] -= n
        return rows

    def describe(self):
        how = "mean block length" if self.kind == "stationary" else "block length"
        return f"{self.kind} block bootstrap, {how} {self.length:.4g}"


class Strata:
    """Resampling within strata: row ``j`` is replaced by a random row of its own stratum."""

    def __init__(self, labels):
        _, codes, sizes = np.unique(labels, return_inverse=True, return_counts=True)
        self.codes = codes.ravel()
        self.n = len(self.codes)
        self.sizes = sizes
        self.order = np.argsort(self.codes, kind="stable")  # rows grouped by stratum
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        self._base = offsets[self.codes]  # where row j's stratum begins in ``order``
        self._size = sizes[self.codes]

    def rows(self, generator, m, dtype):
        u = _uniform(generator, (m, self.n), self.n)
        local = np.minimum((u * self._size).astype(np.int64), self._size - 1)  # uniform in 0 .. n_s - 1
        return self.order[self._base + local].astype(dtype)

    def members(self):
        """Row indices of each stratum, in order of the sorted labels."""
        return np.split(self.order, np.cumsum(self.sizes)[:-1])

    def describe(self):
        return f"stratified bootstrap, {len(self.sizes)} strata of sizes {_sizes(self.sizes)}"

    @property
    def length(self):
        return None


def _uniform(generator, shape, n):
    """Uniform numbers in [0, 1): float32 (half the cost) while it resolves ``n`` values."""
    return generator.random(shape, dtype=np.float32 if n < 2**24 else np.float64)


def _below(u, span, dtype):
    """``floor(u * span)``, kept below ``span`` (float32 rounding can reach it)."""
    out = (u * u.dtype.type(span)).astype(dtype)
    return np.minimum(out, span - 1, out=out)


def _sizes(sizes):
    return ", ".join(map(str, sizes[:6])) + (", ..." if len(sizes) > 6 else "")


def make_scheme(samples, *, paired, block_length, block, strata):
    """One scheme per index array of the bootstrap (one when paired), or None for i.i.d. rows.

    ``samples`` hold their observations on the last axis. Raises on bad values,
    naming the parameter.
    """
    from resample._bootstrapping.block_length import optimal_block_length
    from resample._utils.checks import check_option

    check_option(block, "block", BLOCKS)
    lengths = [s.shape[-1] for s in samples]
    if strata is not None:
        if block_length is not None:
            raise ValueError(
                "strata and block_length cannot be combined: pass strata= for independent rows within "
                "groups, or block_length= for a series."
            )
        if len(samples) > 1 and not paired:
            raise ValueError(
                f"strata= labels the rows of one sample; got {len(samples)} unpaired samples. "
                "Pass paired=True (one label per row of every sample) or bootstrap one sample."
            )
        labels = np.asarray(strata)
        if labels.ndim != 1 or len(labels) != lengths[0]:
            raise ValueError(
                f"strata must hold one label per observation: shape ({lengths[0]},); got shape {labels.shape}."
            )
        return [Strata(labels)]
    if block_length is None:
        return None
    arrays = samples[:1] if paired else samples
    if isinstance(block_length, str):
        if block_length != "auto":
            raise ValueError(
                f"block_length={block_length!r} is not allowed: it must be None, 'auto' or a number >= 1."
            )
        schemes = []
        for a in arrays:  # paired: one length for all, the largest any series asks for
            series = np.concatenate([s.reshape(-1, s.shape[-1]) for s in samples]) if paired else a.reshape(
                -1, a.shape[-1]
            )
            series = series[np.ptp(series, axis=1) > 0]  # a constant series asks for no blocks
            value = 1.0
            if len(series):
                lengths_ = optimal_block_length(series.T)
                value = float(np.max(lengths_.stationary if block == "stationary" else lengths_.circular))
            value = value if block == "stationary" else min(max(1, round(value)), a.shape[-1])
            schemes.append(Blocks(block, a.shape[-1], max(1.0, value)))
        return schemes
    return [Blocks(block, a.shape[-1], _check_length(block_length, block, a.shape[-1])) for a in arrays]


def _check_length(length, block, n):
    if isinstance(length, bool) or not isinstance(length, numbers.Real):
        raise TypeError(f"block_length must be None, 'auto' or a number >= 1; got {length!r}.")
    if block != "stationary" and not float(length).is_integer():
        raise ValueError(
            f"block_length={length!r} is not allowed for block={block!r}: blocks of fixed length need an int "
            "(a fractional mean length is for block='stationary')."
        )
    if not 1 <= length <= n:
        raise ValueError(f"block_length={length!r} is out of range: it must be between 1 and n = {n}.")
    return float(length)


#: Interval methods valid with each scheme, and why the others are not.
#: Blocks: BCa's acceleration would need a block jackknife (and its theory for
#: dependent data is not settled), and an inner i.i.d. bootstrap would studentize by
#: the wrong standard error; percentile, basic and normal intervals are first-order
#: valid for smooth functions of means (Lahiri 2003, ch. 4). Strata: BCa's acceleration
#: comes from leave-one-out influence values within each stratum (as for several
#: samples), but the inner bootstrap of the studentized method would ignore strata.
_RULES = {
    Blocks: ("percentile", "basic", "normal"),
    Strata: ("percentile", "basic", "normal", "bca"),
}


def check_method(schemes, method, acceleration, se_function):
    """Refuse an interval method (or BCa acceleration) that the resampling scheme does not support."""
    if schemes is None:
        return
    kind = type(schemes[0])
    what = "block_length" if kind is Blocks else "strata"
    allowed = _RULES[kind]
    if method == "studentized" and se_function is not None:
        return  # the caller's standard error is trusted to respect the dependence
    if method not in allowed:
        names = ", ".join(repr(m) for m in allowed)
        extra = " or 'studentized' with an se_function"
        raise ValueError(
            f"method={method!r} is not valid with {what}=: use one of {names}{extra}. "
            + (
                "BCa's acceleration would need a block jackknife, and the inner bootstrap of the "
                "studentized method resamples i.i.d. rows."
                if kind is Blocks
                else "The inner bootstrap of the studentized method would ignore the strata."
            )
        )
    if method == "bca" and acceleration == "regression":
        raise ValueError(
            "acceleration='regression' assumes i.i.d. resample counts; with strata= use acceleration='jackknife'."
        )
