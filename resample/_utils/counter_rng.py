"""A counter-based random stream: a stateless value for every ``(key, stream, counter)``.

The Poisson bootstrap of a table split over many machines needs, for row ``i`` and
resample ``b``, a weight that does not depend on which worker reads the row, in what
order, or how the table is chunked. A sequential generator cannot give that without
passing state from chunk to chunk; a counter-based one can (Salmon, Moraes, Dror &
Shaw 2011, "Parallel random numbers: as easy as 1, 2, 3", SC'11): the value is a pure
function of where it is used. NumPy ships counter-based *bit generators* (Philox), but
their counter is advanced sequentially per generator and cannot be evaluated at an
arbitrary 2-D position in one vectorised expression, so the small function below is
written by hand.

The exact specification (all arithmetic on unsigned 64-bit integers, wrapping mod 2**64):

``mix64(z)``
    The SplitMix64 output function (Steele, Lea & Flood 2014, "Fast splittable
    pseudorandom number generators", OOPSLA; constants from Vigna's ``splitmix64.c``,
    https://prng.di.unimi.it/splitmix64.c)::

        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB
        return z ^ (z >> 31)

``stream_seed(key, stream) = mix64(key ^ mix64((stream + 1) * GOLDEN))``
    with ``GOLDEN = 0x9E3779B97F4A7C15`` (2**64 / golden ratio, SplitMix's default gamma).

``stream_gamma(key, stream)``
    SplitMix's ``mixGamma`` of ``stream_seed + GOLDEN``: ``g = mix64(.) | 1`` (odd), and if
    ``g ^ (g >> 1)`` has fewer than 24 one bits, ``g ^= 0xAAAAAAAAAAAAAAAA``
    (Steele et al. 2014, section 3.3: gammas with few bit transitions mix poorly). A
    gamma per stream means two streams are never shifted copies of each other.

``value(key, stream, counter) = mix64(stream_seed + (counter + 1) * stream_gamma)``
    A SplitMix64 sequence evaluated at position ``counter``: 64 random bits.

``uniform(v) = (v >> 11) * 2**-53``
    The top 53 bits as a double in ``[0, 1)``, as NumPy's ``random()``.

``poisson1(u) = #{k : u >= F(k)}``, ``F`` the Poisson(1) CDF
    Inversion of the CDF (Devroye 1986, "Non-Uniform Random Variate Generation",
    section X.3.3). ``F(k)`` is computed exactly (to 60 digits) and rounded once to a
    double, so the table is the same on every platform; the largest weight is
    :data:`POISSON_MAX` (the tail beyond it is below 2**-53, the resolution of ``u``).

Every function is plain arithmetic that works on Python-free NumPy ``uint64`` scalars
and arrays alike (and under ``numba.njit``), with overflow warnings silenced because
the wrap-around is intended. The key comes from the user's seed through
:func:`resample._utils.random.as_generator`.
"""

import decimal
from fractions import Fraction

import numpy as np

from resample._utils.random import as_generator

__all__ = [
    "GOLDEN",
    "POISSON_CDF",
    "POISSON_MAX",
    "PoissonTiles",
    "counter_value",
    "key_from_seed",
    "mix64",
    "poisson1",
    "poisson1_scalar",
    "poisson_weights",
    "random_bits",
    "stream_constants",
    "uniform",
]

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_ALT = np.uint64(0xAAAAAAAAAAAAAAAA)
_ONE = np.uint64(1)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TWO_M53 = 2.0**-53


def mix64(z):
    """SplitMix64's output function (bijective on 64-bit integers); ``z`` is ``uint64``.

    Examples
    --------
    >>> hex(int(mix64(np.uint64(0))))
    '0x0'
    >>> hex(int(mix64(np.uint64(0x9E3779B97F4A7C15))))  # splitmix64.c's first output from seed 0
    '0xe220a8397b1dcdaf'
    """
    with np.errstate(over="ignore"):
        z = (z ^ (z >> _S30)) * _M1
        z = (z ^ (z >> _S27)) * _M2
        return z ^ (z >> _S31)


def _popcount64(x):
    """Number of one bits (SWAR, Hacker's Delight 5-1), plain arithmetic for numba too."""
    with np.errstate(over="ignore"):
        x = x - ((x >> _ONE) & np.uint64(0x5555555555555555))
        x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
        x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
        return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


def stream_constants(key, stream):
    """``(seed, gamma)`` of stream(s) ``stream`` (``uint64`` scalars or arrays) under ``key``."""
    key, stream = np.uint64(key), np.asarray(stream, dtype=np.uint64)
    with np.errstate(over="ignore"):
        seed = mix64(key ^ mix64((stream + _ONE) * GOLDEN))
        gamma = mix64(seed + GOLDEN) | _ONE
        few = _popcount64(gamma ^ (gamma >> _ONE)) < np.uint64(24)
        gamma = np.where(few, gamma ^ _ALT, gamma).astype(np.uint64)
    return seed, gamma


def counter_value(seed, gamma, counter):
    """64 random bits at ``counter`` of the stream ``(seed, gamma)`` (the hot function)."""
    with np.errstate(over="ignore"):
        return mix64(seed + (counter + _ONE) * gamma)


def random_bits(key, stream, counter):
    """``value(key, stream, counter)`` of the module's specification, broadcast over the inputs.

    Examples
    --------
    >>> bits = random_bits(key_from_seed(0), 3, np.arange(4, dtype=np.uint64))
    >>> bits.dtype, bits.shape
    (dtype('uint64'), (4,))
    >>> bool(np.all(bits[1:] == random_bits(key_from_seed(0), 3, np.arange(1, 4, dtype=np.uint64))))
    True
    """
    seed, gamma = stream_constants(key, stream)
    return counter_value(seed, gamma, np.asarray(counter, dtype=np.uint64))


def uniform(bits):
    """Doubles in ``[0, 1)`` from the top 53 bits of ``bits``."""
    return (bits >> _S11).astype(np.float64) * _TWO_M53 if np.ndim(bits) else float(bits >> _S11) * _TWO_M53


def key_from_seed(rng, name="rng"):
    """A 64-bit key from the user's seed: None, an int or a Generator (which is advanced by one draw).

    Examples
    --------
    >>> bool(key_from_seed(7) == key_from_seed(7))
    True
    """
    return np.uint64(as_generator(rng, name).integers(2**64, dtype=np.uint64))


def _poisson_cdf():
    """``F(k) = e^-1 sum_{j<=k} 1/j!`` to 60 digits, each rounded once to a double, while below 1."""
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        e_inv = Fraction(decimal.Decimal(-1).exp())
    cdf, term, total, k = [], Fraction(1), Fraction(0), 0
    while True:
        total += term
        value = float(e_inv * total)
        if value * 2**53 > 2**53 - 1:  # no 53-bit uniform reaches it: the table ends
            return np.array(cdf)
        cdf.append(value)
        k += 1
        term /= k


#: Poisson(1) CDF ``F(0), F(1), ...`` while ``F(k) < 1 - 2**-53``.
POISSON_CDF = _poisson_cdf()
#: The largest Poisson(1) value this stream produces.
POISSON_MAX = len(POISSON_CDF)
# Thresholds in units of 2**-53: u >= F(k) exactly when (bits >> 11) >= ceil(F(k) 2**53).
_THRESHOLDS = np.ceil(POISSON_CDF * 2.0**53).astype(np.uint64)
# A lookup on the top 16 bits settles all but the few buckets that hold a threshold.
_TOP = np.uint64(48)
_BUCKET_LOW = np.arange(2**16, dtype=np.uint64) << np.uint64(37)  # first 53-bit value of each bucket
_TABLE = np.searchsorted(_THRESHOLDS, _BUCKET_LOW, side="right").astype(np.uint8)
_AMBIGUOUS = np.zeros(2**16, dtype=bool)
_AMBIGUOUS[(_THRESHOLDS >> np.uint64(37)).astype(np.int64)] = True
# The tiled path's table: the weight as a float, -1 where the bucket holds a threshold
# (one lookup answers both "what weight" and "settled?").
_TABLE_FLOAT = np.where(_AMBIGUOUS, -1.0, _TABLE.astype(np.float64))


def poisson1_scalar(u):
    """Poisson(1) by inverse CDF from one uniform ``u`` (a plain loop, the reference and numba form)."""
    k = 0
    while k < POISSON_MAX and u >= POISSON_CDF[k]:
        k += 1
    return k


def poisson1(bits):
    """Poisson(1) values (uint8) of ``uniform(bits)`` by inverse CDF, vectorised.

    Equal to :func:`poisson1_scalar` element by element; a table on the top 16 bits
    answers all but about 1 in 3,600 values, which are settled by a search.

    Examples
    --------
    >>> bits = random_bits(key_from_seed(1), 0, np.arange(100_000, dtype=np.uint64))
    >>> w = poisson1(bits)
    >>> round(float(w.mean()), 2), round(float(w.var()), 2)
    (1.0, 1.0)
    """
    bits = np.asarray(bits, dtype=np.uint64)
    bucket = (bits >> _TOP).view(np.int64)  # < 2**16: a view, no copy
    out = np.take(_TABLE, bucket)
    hard = np.take(_AMBIGUOUS, bucket)
    if hard.any():
        out[hard] = np.searchsorted(_THRESHOLDS, bits[hard] >> _S11, side="right")
    return out


def poisson_weights(key, rows, streams):
    """Poisson(1) weights, shape ``(len(rows), len(streams))``: row ``rows[i]``, resample ``streams[j]``.

    ``rows`` are global row positions (the counters); ``streams`` resample numbers.
    The same ``(key, row, stream)`` gives the same weight however the rows are grouped.
    """
    seed, gamma = stream_constants(key, np.asarray(streams, dtype=np.uint64))
    counters = np.asarray(rows, dtype=np.uint64)[:, None]
    return poisson1(counter_value(seed[None, :], gamma[None, :], counters))


class PoissonTiles:
    """Poisson(1) weights of rows ``start, start + 1, ...`` for fixed streams, tile by tile, in place.

    The same numbers as :func:`poisson_weights`, computed in preallocated buffers of
    ``tile`` rows (a tile of 512 rows x 200 resamples stays in cache, where NumPy's
    temporaries of a whole partition would not; about 3x faster on this machine).

    Examples
    --------
    >>> tiles = PoissonTiles(key_from_seed(0), np.arange(5), tile=4)
    >>> w = np.vstack([tiles.weights(0, 4).copy(), tiles.weights(4, 6).copy()])
    >>> bool(np.array_equal(w, poisson_weights(key_from_seed(0), np.arange(6), np.arange(5))))
    True
    """

    def __init__(self, key, streams, tile=512):
        seed, gamma = stream_constants(key, np.asarray(streams, dtype=np.uint64))
        self.seed, self.gamma, self.tile = seed[None, :], gamma[None, :], tile
        self._z = np.empty((tile, seed.size), dtype=np.uint64)
        self._t = np.empty_like(self._z)
        self._w = np.empty((tile, seed.size), dtype=np.float64)

    def weights(self, start, stop):
        """Float weights of global rows ``[start, stop)`` (``stop - start <= tile``); a reused buffer."""
        m = stop - start
        z, t = self._z[:m], self._t[:m]
        counters = np.arange(start + 1, stop + 1, dtype=np.uint64)[:, None]
        with np.errstate(over="ignore"):
            np.multiply(counters, self.gamma, out=z)
            np.add(z, self.seed, out=z)
            for shift, factor in ((_S30, _M1), (_S27, _M2), (_S31, None)):  # mix64, in place
                np.right_shift(z, shift, out=t)
                np.bitwise_xor(z, t, out=z)
                if factor is not None:
                    np.multiply(z, factor, out=z)
        np.right_shift(z, _TOP, out=t)
        bucket = t.view(np.int64)
        w = self._w[:m]
        np.take(_TABLE_FLOAT, bucket, out=w, mode="clip")  # buckets < 2**16: no bounds check needed
        hard = w < 0
        if hard.any():
            w[hard] = np.searchsorted(_THRESHOLDS, z[hard] >> _S11, side="right")
        return w
