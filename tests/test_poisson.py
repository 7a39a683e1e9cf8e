"""poisson_bootstrap: closed forms, the ordinary bootstrap, Dask with any chunking, clear errors.

Randomised comparisons fix every seed; each tolerance states how often it would be
exceeded by Monte Carlo error alone.
"""

import math

import numpy as np
import pandas as pd
import pytest

from resample import bootstrap, poisson_bootstrap


def _ratio_data(n=2000, seed=0):
    g = np.random.default_rng(seed)
    clicks = g.poisson(3.0, size=n) + 1.0
    revenue = clicks * g.gamma(2.0, 0.5, size=n)
    return np.column_stack([revenue, clicks])


def ratio(m):
    return m[0] / m[1]


def test_estimate_and_fields():
    x = _ratio_data()
    res = poisson_bootstrap(x, ratio, n_resamples=200, rng=0)
    assert res.estimate == pytest.approx(x[:, 0].mean() / x[:, 1].mean(), rel=1e-13)
    assert res.computation == "poisson" and res.method == "percentile" and res.n_resamples == 200
    assert res.bootstrap_distribution.shape == (200,)
    assert res.standard_error == pytest.approx(np.std(res.bootstrap_distribution, ddof=1))
    low, high = res.confidence_interval
    assert (low, high) == pytest.approx(tuple(np.quantile(res.bootstrap_distribution, [0.025, 0.975])))
    assert res.to_frame().shape == (200, 2)


def test_mean_and_sum_against_closed_forms():
    # Poisson bootstrap of a mean: variance ~ var(x) / n; of a sum: sum x^2 (each weight has variance 1).
    # With B = 4000 the SE of an SE is ~1.1%: a 6% tolerance is > 5 sd, exceeded w.p. < 1e-6.
    x = np.random.default_rng(3).exponential(size=(1500, 2))
    mean = poisson_bootstrap(x, "mean", n_resamples=4000, rng=1)
    np.testing.assert_allclose(mean.estimate, x.mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(mean.standard_error, x.std(axis=0) / math.sqrt(len(x)), rtol=0.06)
    total = poisson_bootstrap(x[:, 0], "sum", n_resamples=4000, rng=1)
    assert total.estimate == pytest.approx(x[:, 0].sum(), rel=1e-13)
    assert total.standard_error == pytest.approx(math.sqrt((x[:, 0] ** 2).sum()), rel=0.06)


def test_agrees_with_the_ordinary_bootstrap_and_the_delta_method():
    # Ratio of means, n = 2000, B = 2000 each: each SE has Monte Carlo sd ~1.6%, their difference
    # ~2.3%; a 10% tolerance is > 4 sd (exceeded w.p. < 1e-4). The delta-method SE is exact to O(1/n).
    x = _ratio_data()
    pois = poisson_bootstrap(x, ratio, n_resamples=2000, rng=5)
    ordinary = bootstrap(
        (x[:, 0], x[:, 1]),
        lambda a, b, axis=-1: a.mean(axis) / b.mean(axis),
        paired=True,
        n_resamples=2000,
        method="percentile",
        rng=6,
    )
    assert pois.standard_error == pytest.approx(ordinary.standard_error, rel=0.10)
    r = x[:, 0].mean() / x[:, 1].mean()
    delta = np.std(x[:, 0] - r * x[:, 1]) / (math.sqrt(len(x)) * x[:, 1].mean())
    assert pois.standard_error == pytest.approx(delta, rel=0.10)
    # interval ends: Monte Carlo sd ~0.06 SE each, so 0.4 SE is > 4.5 sd of their difference
    np.testing.assert_allclose(pois.confidence_interval, ordinary.confidence_interval, atol=0.4 * delta)


@pytest.mark.parametrize("method", ["percentile", "basic", "normal"])
def test_methods(method):
    x = _ratio_data(500)
    res = poisson_bootstrap(x, ratio, n_resamples=300, method=method, rng=2)
    low, high = res.confidence_interval
    q = np.quantile(res.bootstrap_distribution, [0.025, 0.975])
    expected = {
        "percentile": q,
        "basic": 2 * res.estimate - q[::-1],
        "normal": res.estimate - res.bias + np.array([-1, 1]) * 1.959963984540054 * res.standard_error,
    }[method]
    np.testing.assert_allclose([low, high], expected, rtol=1e-12)


def test_vector_statistic_pandas_and_seed_types():
    x = _ratio_data(300)
    frame = pd.DataFrame({"revenue": x[:, 0], "clicks": x[:, 1], "converted": x[:, 1] > 3})
    res = poisson_bootstrap(frame, lambda m: np.array([m[0] / m[1], m[2]]), n_resamples=50, rng=4)
    assert res.bootstrap_distribution.shape == (2, 50)
    assert res.estimate[1] == pytest.approx((x[:, 1] > 3).mean())
    again = poisson_bootstrap(frame, lambda m: np.array([m[0] / m[1], m[2]]), n_resamples=50,
                              rng=np.random.default_rng(4))
    np.testing.assert_array_equal(again.bootstrap_distribution, res.bootstrap_distribution)
    assert frame["converted"].dtype == bool  # nothing the caller passed is modified


def test_more_resamples_extend_the_same_weights():
    # resample b's weights depend on (seed, b, row) only: the first 100 of 300 are the 100
    x = _ratio_data(400)
    small = poisson_bootstrap(x, ratio, n_resamples=100, rng=9)
    large = poisson_bootstrap(x, ratio, n_resamples=300, rng=9)
    np.testing.assert_array_equal(large.bootstrap_distribution[:100], small.bootstrap_distribution)


@pytest.mark.parametrize(
    "statistic, match",
    [
        (np.median, "function of the column means"),
        (np.std, "function of the column means"),
        ("median", "function of the column means"),
        ("mode", "statistic='mode' is not allowed"),
        (lambda m: m[5], "IndexError"),
        (3, "must be \"mean\", \"sum\" or a callable"),
    ],
)
def test_statistics_that_are_not_functions_of_means(statistic, match):
    with pytest.raises((ValueError, TypeError), match=match):
        poisson_bootstrap(_ratio_data(50), statistic, n_resamples=10)


def test_bad_tables_fail_before_the_pass():
    with pytest.raises(TypeError, match=r"numeric or boolean columns only; got 1 that are not: 'city' \("):
        poisson_bootstrap(pd.DataFrame({"x": [1.0, 2.0], "city": ["a", "b"]}), "mean")
    with pytest.raises(TypeError, match="numeric or boolean"):
        poisson_bootstrap(np.array([["a", "b"]]), "mean")
    with pytest.raises(ValueError, match="empty: it has no rows"):
        poisson_bootstrap(np.empty((0, 2)), "mean")
    with pytest.raises(ValueError, match="empty: it has no rows"):
        poisson_bootstrap(pd.DataFrame({"x": []}, dtype=float), "mean")
    with pytest.raises(ValueError, match="no columns"):
        poisson_bootstrap(np.empty((3, 0)), "mean")
    with pytest.raises(ValueError, match=r"NaN or infinite values \(first in row 1\)"):
        poisson_bootstrap(np.array([1.0, np.nan, 2.0]), "mean")
    with pytest.raises(ValueError, match="1-D or 2-D"):
        poisson_bootstrap(np.ones((2, 2, 2)), "mean")


def test_bad_options():
    x = _ratio_data(50)
    with pytest.raises(ValueError, match="method='BCa' is not offered by poisson_bootstrap"):
        poisson_bootstrap(x, ratio, method="BCa")
    with pytest.raises(ValueError, match="method='jackknife' is not allowed"):
        poisson_bootstrap(x, ratio, method="jackknife")
    with pytest.raises(ValueError, match="n_resamples=1 is out of range"):
        poisson_bootstrap(x, ratio, n_resamples=1)
    with pytest.raises(ValueError, match="confidence_level"):
        poisson_bootstrap(x, ratio, confidence_level=1.5)
    with pytest.raises(ValueError, match="rng must be a non-negative int"):
        poisson_bootstrap(x, ratio, rng=-3)
