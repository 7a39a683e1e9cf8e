"""bag_of_little_bootstraps: closed forms, the ordinary bootstrap, the sampling of subsets, errors.

Tolerances come from the spread of the ratio BLB SE / reference over 20-40 seeds at
these sizes (measured while writing these tests, printed in the comments); each test
fixes its seeds and states how often Monte Carlo error alone would exceed it.
"""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from resample import BLBResult, bag_of_little_bootstraps, bootstrap
from resample._bootstrapping.blb import block_candidates, merge_candidates
from resample._bootstrapping.tables import combine_all
from resample._utils.counter_rng import key_from_seed, random_bits


def wmean(x, w):
    return np.average(x, weights=w)


def wmedian(x, w):
    order = np.argsort(x)
    cum = np.cumsum(w[order])
    return x[order][np.searchsorted(cum, cum[-1] / 2)]


def wls(v, w):
    X = np.column_stack([np.ones(len(v)), v[:, 0]])
    sw = np.sqrt(w)
    return np.linalg.lstsq(X * sw[:, None], v[:, 1] * sw, rcond=None)[0]


def test_fields_and_defaults():
    x = np.random.default_rng(0).normal(size=1000)
    res = bag_of_little_bootstraps(x, wmean, rng=0)
    assert isinstance(res, BLBResult) and res.computation == "blb"
    assert (res.subset_size, res.n_subsets, res.n_resamples) == (math.ceil(1000**0.6), 20, 100)
    assert res.bootstrap_distribution.shape == (20, 100)
    assert res.estimate == pytest.approx(x.mean(), rel=1e-13)
    se_j = res.bootstrap_distribution.std(axis=1, ddof=1)
    np.testing.assert_allclose(res.subset_standard_errors, se_j)
    assert res.standard_error == pytest.approx(se_j.mean())
    q = np.quantile(res.bootstrap_distribution, [0.025, 0.975], axis=1) - res.subset_estimates
    np.testing.assert_allclose(res.confidence_interval, res.estimate + q.mean(axis=1))
    assert res.to_frame().shape == (2000, 3)
    assert "BLBResult(" in repr(res)


def test_mean_against_the_closed_form():
    # BLB SE x sqrt(n) / sd over 30 seeds at n = 5000: mean 0.991, sd 0.033. 15% is > 4 sd (w.p. < 1e-4).
    x = np.random.default_rng(1).exponential(size=5000)
    res = bag_of_little_bootstraps(x, wmean, rng=2)
    assert res.standard_error == pytest.approx(x.std() / math.sqrt(len(x)), rel=0.15)


def test_wls_coefficients_against_the_sandwich_and_the_pairs_bootstrap():
    # The pairs bootstrap estimates the HC0 sandwich SE. BLB / HC0 over 20 seeds: mean 0.99 and 0.97,
    # sd 0.02 and 0.033; 15% is > 4 sd. The ordinary bootstrap at B = 1000 adds ~2.2% sd: 15% still > 3.5 sd
    # of the difference (w.p. < 5e-4).
    g = np.random.default_rng(3)
    n = 3000
    x = g.normal(size=n)
    y = 1 + 2 * x + g.normal(size=n) * (1 + np.abs(x))  # heteroscedastic
    X = np.column_stack([np.ones(n), x])
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    hc0 = np.sqrt(np.diag(bread @ (X.T * e**2) @ X @ bread))
    res = bag_of_little_bootstraps(np.column_stack([x, y]), wls, rng=4)
    np.testing.assert_allclose(res.estimate, beta, rtol=1e-10)
    np.testing.assert_allclose(res.standard_error, hc0, rtol=0.15)
    ordinary = bootstrap(
        (x, y),
        lambda a, b: np.linalg.lstsq(np.column_stack([np.ones(len(a)), a]), b, rcond=None)[0],
        paired=True, vectorized=False, n_resamples=1000, method="percentile", rng=5,
    )
    np.testing.assert_allclose(res.standard_error, ordinary.standard_error, rtol=0.15)
    assert res.bootstrap_distribution.shape == (2, 20, 100)


def test_median_against_asymptotics_and_the_ordinary_bootstrap():
    # The median's SE is noisier (weighted medians of b rows take few values): BLB SE x sqrt(n) at
    # n = 5000 over 40 seeds: mean 1.09, sd 0.12 (asymptotic value 1 for the unit exponential); the
    # ordinary bootstrap's: 1.02, sd 0.09. A 40% tolerance is > 3 sd of the BLB value (w.p. ~0.3%)
    # and of the difference of the two (sd ~0.15).
    x = np.random.default_rng(6).exponential(size=5000)
    res = bag_of_little_bootstraps(x, wmedian, rng=7)
    assert res.standard_error * math.sqrt(len(x)) == pytest.approx(1.0, rel=0.4)
    ordinary = bootstrap((x,), np.median, n_resamples=2000, method="percentile", rng=8)
    assert res.standard_error == pytest.approx(ordinary.standard_error, rel=0.4)


def test_subsets_are_the_bottom_b_of_the_counter_stream_for_any_blocking():
    x = np.random.default_rng(0).normal(size=(1000, 2))
    key = key_from_seed(3)
    whole = block_candidates(x, 0, key, 4, 50)
    for edges in ([0, 333, 1000], [0, 1, 2, 500, 999, 1000], list(range(0, 1001, 100))):
        parts = [block_candidates(x[a:b], a, key, 4, 50) for a, b in itertools.pairwise(edges)]
        merged = combine_all(parts, merge_candidates)
        for (bw, rw, vw), (bm, rm, vm) in zip(whole, merged):
            order = np.argsort(rw)
            np.testing.assert_array_equal(np.sort(rw), np.sort(rm))
            np.testing.assert_array_equal(vw[order], vm[np.argsort(rm)])
    # each subset is exactly the 50 rows with the smallest stream values
    for j, (_, rows, values) in enumerate(whole):
        bits = random_bits(key, j, np.arange(1000, dtype=np.uint64))
        np.testing.assert_array_equal(np.sort(rows), np.sort(np.argsort(bits)[:50]))
        np.testing.assert_array_equal(values, x[rows.astype(int)])


def test_subsets_are_uniform_without_replacement():
    # Row inclusion counts over 400 subsets of 10 of 40 rows: each ~ Binomial(400, 1/4); chi-square
    # against equal counts at level 1e-4 (fails that often by chance).
    from scipy import stats

    x = np.arange(40.0)
    subsets = block_candidates(x, 0, key_from_seed(9), 400, 10)
    counts = np.bincount(np.concatenate([rows for _, rows, _ in subsets]).astype(int), minlength=40)
    assert all(len(np.unique(rows)) == 10 for _, rows, _ in subsets)
    assert stats.chisquare(counts).pvalue > 1e-4


def test_reproducible_and_pandas():
    g = np.random.default_rng(2)
    frame = pd.DataFrame({"x": g.normal(size=400), "y": g.normal(size=400)})
    a = bag_of_little_bootstraps(frame, wls, n_subsets=3, n_resamples=10, rng=1)
    b = bag_of_little_bootstraps(frame.to_numpy(), wls, n_subsets=3, n_resamples=10, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a.bootstrap_distribution, b.bootstrap_distribution)
    c = bag_of_little_bootstraps(frame, wls, n_subsets=3, n_resamples=10, rng=2)
    assert not np.array_equal(a.bootstrap_distribution, c.bootstrap_distribution)


@pytest.mark.parametrize("method", ["percentile", "basic", "normal"])
def test_methods(method):
    x = np.random.default_rng(5).normal(size=500)
    res = bag_of_little_bootstraps(x, wmean, n_subsets=5, n_resamples=50, method=method, rng=0)
    q = (np.quantile(res.bootstrap_distribution, [0.025, 0.975], axis=1) - res.subset_estimates).mean(axis=1)
    expected = {
        "percentile": res.estimate + q,
        "basic": res.estimate - q[::-1],
        "normal": res.estimate + np.array([-1, 1]) * 1.959963984540054 * res.standard_error,
    }[method]
    np.testing.assert_allclose(res.confidence_interval, expected, rtol=1e-12)


def test_errors():
    x = np.random.default_rng(0).normal(size=100)
    with pytest.raises(TypeError, match=r"statistic raised TypeError.*statistic\(values, weights\)"):
        bag_of_little_bootstraps(x, np.median)  # one argument only
    with pytest.raises(TypeError, match="must be a callable statistic"):
        bag_of_little_bootstraps(x, "median")
    with pytest.raises(ValueError, match="subset_size=101 is out of range"):
        bag_of_little_bootstraps(x, wmean, subset_size=101)
    with pytest.raises(ValueError, match="subset_size"):
        bag_of_little_bootstraps(x, wmean, subset_size=1)
    with pytest.raises(ValueError, match="n_subsets"):
        bag_of_little_bootstraps(x, wmean, n_subsets=0)
    with pytest.raises(ValueError, match="n_resamples"):
        bag_of_little_bootstraps(x, wmean, n_resamples=1)
    with pytest.raises(ValueError, match="method='bca' is not allowed"):
        bag_of_little_bootstraps(x, wmean, method="BCa")
    with pytest.raises(ValueError, match="empty: it has no rows"):
        bag_of_little_bootstraps(np.empty(0), wmean)
    with pytest.raises(TypeError, match="numeric or boolean columns only"):
        bag_of_little_bootstraps(pd.DataFrame({"s": ["a", "b", "c"]}), wmean)
