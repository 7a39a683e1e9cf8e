"""The bootstrap of quantile-like statistics drawn from the sorted sample (sorted_draws.py).

The law is checked against exact binomial probabilities: ``N_i``, the number of values
of a resample at or below ``x_(i)``, is Binomial(n, (i + 1) / n), and the sorted
resample's value at position ``p`` is at or below ``x_(i)`` exactly when ``N_i >= p + 1``.
"""

import functools

import numpy as np
import pytest
from scipy import stats

from resample import OrderStatistic, Quantile, bootstrap
from resample._bootstrapping.sorted_draws import sorted_reader
from resample._bootstrapping.statistic import BatchedStatistic

B = 20_000


def _max_z(observed_counts, probabilities):
    """Largest |observed - expected| in binomial standard deviations."""
    expected = B * probabilities
    sd = np.sqrt(B * probabilities * (1 - probabilities))
    keep = sd > 0
    return np.max(np.abs(observed_counts[keep] - expected[keep]) / sd[keep])


@pytest.mark.parametrize("k", [0, 4, 10, -1])
def test_order_statistic_law_is_exact(k):
    n = 11
    x = np.random.default_rng(0).permutation(np.arange(n, dtype=float))  # x_(i) = i
    draws = bootstrap((x,), OrderStatistic(k), n_resamples=B, method="percentile", rng=1).bootstrap_distribution
    p = k % n
    i = np.arange(n)
    cdf = stats.binom.sf(p, n, (i + 1) / n)  # P(N_i >= p + 1)
    counts = (draws[None, :] <= i[:, None]).sum(axis=1)
    # 11 cells at 5 standard deviations: a false alarm about once in 10^5 runs (normal tails)
    assert _max_z(counts, cdf) < 5


def test_pairs_of_order_statistics_have_their_joint_law():
    # x = 2^i: the even median (a + b) / 2 names its pair (a, b); P(a <= x_(i) < b) = P(N_i = n / 2)
    n = 10
    x = 2.0 ** np.arange(n)
    draws = bootstrap((x,), np.median, n_resamples=B, method="percentile", rng=2).bootstrap_distribution
    two = 2 * draws  # 2^i + 2^j (i < j), or 2^(i + 1) when a = b = 2^i
    b_ = 2.0 ** np.floor(np.log2(two))
    a = two - b_
    same = a == 0
    a[same], b_[same] = draws[same], draws[same]
    assert np.isin(a, x).all() and np.isin(b_, x).all()
    i = np.arange(n)
    between = ((a[None, :] <= x[:, None]) & (x[:, None] < b_[None, :])).sum(axis=1)
    # 10 cells at 5 standard deviations: about once in 10^5 runs by chance
    assert _max_z(between, stats.binom.pmf(n // 2, n, (i + 1) / n)) < 5


FUNCTIONS = [np.median, np.max, np.nanmin, functools.partial(np.quantile, q=[0.025, 0.5, 1.0]),
             functools.partial(np.percentile, q=97.5), functools.partial(np.nanquantile, q=0.3),
             Quantile([0.1, 0.9]), OrderStatistic(-3)]  # fmt: skip


@pytest.mark.parametrize("function", FUNCTIONS, ids=repr)
@pytest.mark.parametrize("n", [9, 10])
def test_each_resample_value_is_what_numpy_gives(function, n):
    # finish() on the order statistics of real resamples equals the statistic on them, bit for bit
    rng = np.random.default_rng(3)
    x = np.round(rng.normal(size=n), 1)
    x[0] = np.inf
    with np.errstate(invalid="ignore"):  # inf - inf in numpy's interpolation, on both sides
        stat = BatchedStatistic(function, [x], vectorized=True, paired=False)
        reader = sorted_reader(stat)
        rows = np.sort(x[rng.integers(0, n, size=(200, n))], axis=-1)
        np.testing.assert_array_equal(reader.finish(rows[:, reader.positions].T), function(rows, axis=-1))


def test_batch_and_extension_do_not_change_the_values():
    x = np.random.default_rng(4).exponential(size=500)
    q = Quantile([0.25, 0.75])
    one = bootstrap((x,), q, n_resamples=1000, rng=5, method="percentile")
    small = bootstrap((x,), q, n_resamples=1000, rng=5, method="percentile", batch=7)
    half = bootstrap((x,), q, n_resamples=300, rng=5, method="percentile")
    more = bootstrap((x,), q, n_resamples=700, rng=5, method="percentile", bootstrap_result=half)
    np.testing.assert_array_equal(one.bootstrap_distribution, small.bootstrap_distribution)
    np.testing.assert_array_equal(one.bootstrap_distribution, more.bootstrap_distribution)
    assert "sorted sample" in one.notes[0]


def test_the_index_draws_serve_what_the_sorted_draws_cannot():
    rng = np.random.default_rng(6)
    x = rng.normal(size=30)
    with_nan = np.r_[x, np.nan]
    for data, function in [((x,), functools.partial(np.quantile, q=0.5, method="hazen")),
                           ((with_nan,), np.nanmedian), ((x.reshape(3, 10),), np.median),
                           ((x, x[:20]), lambda a, b, axis=-1: np.median(a, axis) - np.median(b, axis))]:  # fmt: skip
        stat = BatchedStatistic(function, [np.asarray(d) for d in data], vectorized=True, paired=False)
        assert sorted_reader(stat) is None
    res = bootstrap((x,), np.median, method="studentized", n_resamples=50, n_inner=5, rng=0)
    assert "sorted sample" not in " ".join(res.notes)
