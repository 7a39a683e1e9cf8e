"""Bootstrap values of quantile-like statistics without drawing resamples: O(1) per resample.

A resample of ``n`` i.i.d. draws from the sorted sample ``x_s`` is ``x_s[floor(n U_i)]``
for ``n`` i.i.d. uniforms ``U_i``; since the map is monotone, its sorted values are
``x_s[floor(n U_(j))]``, ``U_(j)`` the order statistics of the uniforms. A statistic that
reads the sorted resample at a few positions ``p_1 < p_2 < ...`` (a quantile reads
two) needs only those ``U_(p)``, which are drawn exactly in law, one after another:

- ``U_(p_1) ~ Beta(p_1 + 1, n - p_1)``;
- ``U_(p_k+1) = U_(p_k) + (1 - U_(p_k)) Beta(p_k+1 - p_k, n - p_k+1)`` (the
  remaining uniforms above ``U_(p_k)`` are uniform on ``(U_(p_k), 1)``).

So the bootstrap distribution of a median at ``n = 10^6`` costs a sort and a few Beta
draws per resample instead of ``10^6`` index draws, a gather and a partition each (about
15 ms per resample here). The values are then finished by numpy itself on the pairs of
order statistics (``np.quantile`` of ``[a, b]`` at the fractional part of the virtual
index is exactly numpy's interpolation), so a resample gives what the statistic gives.

The random stream differs from the index draws of :mod:`.draws` (the same seed gives
other, equally distributed values): block ``k`` of 256 resamples takes its Beta draws
from child ``k`` of ``rng``, whole blocks at a time, so the values depend on ``rng`` and
the resample number only (never on ``batch``), and an extended result equals one run.
"""

import math

import numpy as np

from resample._bootstrapping.draws import children
from resample._bootstrapping.order_statistics import OrderStatistic, quantile_rule
from resample._utils.random import BLOCK_SIZE

__all__ = ["draw_sorted", "sorted_reader"]


class _Reader:
    """The positions a statistic reads in a sorted resample of ``n``, and how it finishes them."""

    def __init__(self, positions, finish, shape):
        self.positions = np.unique(positions)  # sorted
        self.finish = finish  # values at self.positions (len(P), B) -> (*Q, B)
        self.shape = shape

    def column(self, position):
        return int(np.searchsorted(self.positions, position))


def sorted_reader(stat):
    """A :class:`_Reader` for ``stat`` when its bootstrap can be drawn from the sorted sample, else None.

    One 1-D sample without NaN, and a statistic whose value is a closed function of at
    most two adjacent order statistics: quantiles of numpy's default ``method="linear"``
    (``np.quantile``, ``np.percentile`` and their ``nan`` forms through
    ``functools.partial``, :class:`resample.Quantile`), ``np.median``, ``np.min``,
    ``np.max`` (and ``nan`` forms), :class:`resample.OrderStatistic`.
    """
    if len(stat.samples) != 1 or stat.samples[0].ndim != 1 or np.isnan(stat.samples[0]).any():
        return None
    n = stat.lengths[0]
    function = stat.function
    if isinstance(function, OrderStatistic):
        return _single(function.k % n, stat.shape) if -n <= function.k < n else None
    rule = quantile_rule(function)
    if rule is None:
        return None
    try:
        if function in (np.median, np.nanmedian):
            return _median(n)
        if function in (np.min, np.amin, np.nanmin):
            return _single(0, ())
        if function in (np.max, np.amax, np.nanmax):
            return _single(n - 1, ())
    except TypeError:
        return None
    if rule.method != "linear":
        return None
    return _linear(rule.probabilities, n)


def _single(position, shape):
    return _Reader(np.array([position]), lambda v: v[0].reshape(*shape, -1), shape)


def _median(n):
    if n % 2:
        return _single((n - 1) // 2, ())
    return _Reader(np.array([n // 2 - 1, n // 2]), lambda v: np.mean(v.T, axis=-1), ())  # as np.median


def _linear(probabilities, n):
    """Quantiles of method="linear": numpy's interpolation between positions ``lo`` and ``lo + 1``."""
    q = np.asarray(probabilities, dtype=float)
    h = ((n - 1) * q).reshape(-1)  # numpy's virtual index, computed as numpy does
    top = h >= n - 1  # numpy reads the last value twice there
    lows = np.where(top, n - 1, np.floor(h)).astype(np.intp)
    his = np.where(top, n - 1, lows + 1)
    fractions = np.where(top, 0.0, h - np.floor(h))
    reader = _Reader(np.concatenate([lows, his]), None, q.shape)

    def finish(v):
        out = np.empty((lows.size, v.shape[1]))
        for i, (lo, hi, g) in enumerate(zip(lows, his, fractions)):
            pair = np.stack([v[reader.column(lo)], v[reader.column(hi)]], axis=-1)  # (B, 2)
            out[i] = np.quantile(pair, g, axis=-1)  # numpy's interpolation of (a, b) at g, bit for bit
        return out.reshape(*q.shape, -1)

    reader.finish = finish
    return reader


def _order_uniforms(generator, positions, n, m):
    """``U_(p)`` for each sorted position ``p`` of ``n`` uniforms, ``m`` times: ``(len(P), m)``."""
    out = np.empty((len(positions), m))
    u, previous = np.zeros(m), -1
    for i, p in enumerate(positions):
        step = generator.beta(p - previous, n - p, size=m)
        u = u + (1 - u) * step
        out[i], previous = u, p
    return out


def draw_sorted(stat, reader, n_resamples, rng, *, start=0):
    """Bootstrap values of ``stat`` (shape ``(*S, n_resamples)``), resamples ``start, start + 1, ...``."""
    xs = np.sort(stat.samples[0])
    n = xs.size
    end = start + n_resamples
    first = start // BLOCK_SIZE
    values = []
    for k, child in enumerate(children(rng, math.ceil(end / BLOCK_SIZE), first), start=first):
        lo, hi = max(start - k * BLOCK_SIZE, 0), min(end - k * BLOCK_SIZE, BLOCK_SIZE)
        u = _order_uniforms(child, reader.positions, n, BLOCK_SIZE)[:, lo:hi]  # whole blocks: batch-free
        index = np.minimum((n * u).astype(np.int64), n - 1)
        values.append(np.asarray(reader.finish(xs[index]), dtype=float))
    return np.concatenate(values, axis=-1)
