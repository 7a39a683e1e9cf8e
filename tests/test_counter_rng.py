"""The counter-based stream: its specification, its distribution, and its independence of chunking.

The reference below re-implements the module docstring's specification with Python
integers (masking to 64 bits by hand), so it shares no code with the NumPy version.
Randomised checks use fixed keys; each states how often it would fail for a truly
random stream.
"""

import itertools
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from resample._utils import counter_rng as c

MASK = 2**64 - 1
GOLDEN = 0x9E3779B97F4A7C15


def ref_mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def ref_value(key, stream, counter):
    seed = ref_mix64(key ^ ref_mix64(((stream + 1) * GOLDEN) & MASK))
    gamma = ref_mix64((seed + GOLDEN) & MASK) | 1
    if (gamma ^ (gamma >> 1)).bit_count() < 24:
        gamma ^= 0xAAAAAAAAAAAAAAAA
    return ref_mix64((seed + (counter + 1) * gamma) & MASK)


def ref_poisson1(u):
    # inverse CDF with SciPy's Poisson(1) CDF
    k = 0
    while u >= stats.poisson.cdf(k, 1.0) and k < 40:
        k += 1
    return k


def test_splitmix64_published_outputs():
    # splitmix64.c from seed 0: next() adds GOLDEN then mixes; its first outputs are the
    # widely quoted 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f.
    state, outputs = 0, []
    for _ in range(3):
        state = (state + GOLDEN) & MASK
        outputs.append(int(c.mix64(np.uint64(state))))
    assert outputs == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]


@pytest.mark.parametrize("key", [0, 1, 0x0123456789ABCDEF, MASK])
def test_values_match_the_written_specification(key):
    streams = np.array([0, 1, 2, 199, 2**40], dtype=np.uint64)
    counters = np.array([0, 1, 2, 10**6, 10**10, 2**63], dtype=np.uint64)
    got = c.random_bits(np.uint64(key), streams[:, None], counters[None, :])
    want = [[ref_value(key, int(s), int(n)) for n in counters] for s in streams]
    assert got.tolist() == want


def test_scalar_calls_equal_array_calls_without_warnings():
    key = c.key_from_seed(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the wrap-around must not warn on NumPy scalars
        seed, gamma = c.stream_constants(key, np.uint64(5))
        scalar = c.counter_value(np.uint64(seed), np.uint64(gamma), np.uint64(7))
    array = c.random_bits(key, 5, np.arange(10, dtype=np.uint64))
    assert int(scalar) == int(array[7])
    assert c.uniform(np.uint64(scalar)) == c.uniform(array)[7]


def test_key_from_seed():
    assert c.key_from_seed(11) == c.key_from_seed(11) != c.key_from_seed(12)
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    assert c.key_from_seed(g1) == c.key_from_seed(g2)
    assert c.key_from_seed(g1) != c.key_from_seed(np.random.default_rng(5))  # a Generator advances
    with pytest.raises(ValueError, match="rng must be a non-negative int"):
        c.key_from_seed(-1)


def test_poisson_cdf_table_is_exact_poisson1():
    np.testing.assert_allclose(c.POISSON_CDF, stats.poisson.cdf(np.arange(c.POISSON_MAX), 1.0), rtol=1e-15)
    # the table ends where no 53-bit uniform (at most 1 - 2**-53) can reach F(k)
    assert c.POISSON_CDF[-1] <= 1 - 2**-53 < stats.poisson.cdf(c.POISSON_MAX, 1.0)
    assert c.POISSON_MAX == 18  # 1 - F(18) ~ 1e-17 < 2**-53 < 1 - F(16)


def test_vectorised_poisson_equals_inverse_cdf_loop_at_every_threshold():
    # The 53-bit values at, just below and just above each threshold, plus random ones.
    t = np.ceil(c.POISSON_CDF * 2.0**53).astype(np.uint64)
    m = np.concatenate([t - np.uint64(1), t, t + np.uint64(1), [0, 2**53 - 1]]).astype(np.uint64)
    bits = np.concatenate([m << np.uint64(11), (m << np.uint64(11)) | np.uint64(2047)])
    bits = np.concatenate([bits, c.random_bits(c.key_from_seed(0), 0, np.arange(20_000, dtype=np.uint64))])
    fast = c.poisson1(bits)
    loop = [c.poisson1_scalar(u) for u in c.uniform(bits)]
    assert fast.tolist() == loop
    # SciPy's CDF may differ from the exactly rounded table by an ulp, which matters only at
    # the thresholds themselves; away from them the loop is SciPy's inverse CDF
    assert [ref_poisson1(u) for u in c.uniform(bits[-2000:])] == loop[-2000:]


def test_uniforms_are_uniform():
    u = c.uniform(c.random_bits(c.key_from_seed(2024), 7, np.arange(10**6, dtype=np.uint64)))
    assert 0 <= u.min() and u.max() < 1
    # mean within 5 standard errors: fails for a true uniform with probability 6e-7
    assert abs(u.mean() - 0.5) < 5 * math.sqrt(1 / 12 / u.size)
    # KS test at level 1e-4 (fails that often by chance; the key is fixed, so it is deterministic)
    assert stats.kstest(u, "uniform").pvalue > 1e-4


def test_poisson_weights_have_poisson1_moments_and_frequencies():
    w = c.poisson_weights(c.key_from_seed(99), np.arange(5_000), np.arange(200))  # 10**6 draws
    n = w.size
    assert abs(w.mean() - 1) < 5 * math.sqrt(1 / n)  # mean 1, sd 1: fails w.p. 6e-7
    assert abs(w.var() - 1) < 5 * math.sqrt(3 / n)  # var of (W-1)^2 is mu4 - 1 = 3: fails w.p. ~1e-6
    counts = np.bincount(w.ravel(), minlength=8)[:7]
    expected = stats.poisson.pmf(np.arange(7), 1.0) * n
    observed = np.append(counts[:6], n - counts[:6].sum())
    expected = np.append(expected[:6], n - expected[:6].sum())
    assert stats.chisquare(observed, expected).pvalue > 1e-4  # fails w.p. 1e-4


def test_streams_and_neighbouring_rows_are_uncorrelated():
    w = c.poisson_weights(c.key_from_seed(1), np.arange(20_000), np.arange(50)).astype(float)
    r = np.corrcoef(w.T)[np.triu_indices(50, 1)]  # 1225 pairs of streams, each r ~ N(0, 1/20000)
    assert np.abs(r).max() < 5.5 / math.sqrt(20_000)  # any of 1225 beyond 5.5 sd: w.p. ~5e-5
    lag = np.corrcoef(w[:-1].ravel(), w[1:].ravel())[0, 1]
    assert abs(lag) < 5 / math.sqrt(w.size)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 300), min_size=1, max_size=6), st.integers(0, 10**12), st.integers(1, 600))
def test_weights_do_not_depend_on_chunking(sizes, start, tile):
    key = c.key_from_seed(4)
    streams = np.arange(3, 9)
    stop = start + sum(sizes)
    whole = c.poisson_weights(key, np.arange(start, stop), streams)
    edges = np.cumsum([start, *sizes])
    pieces = [c.poisson_weights(key, np.arange(a, b), streams) for a, b in itertools.pairwise(edges)]
    np.testing.assert_array_equal(np.vstack(pieces), whole)
    tiles = c.PoissonTiles(key, streams, tile=tile)
    tiled = [tiles.weights(a, min(a + tile, stop)).copy() for a in range(start, stop, tile)]
    np.testing.assert_array_equal(np.vstack(tiled), whole)
