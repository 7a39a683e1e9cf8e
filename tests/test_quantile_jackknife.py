"""Closed-form leave-one-out values of quantile-like statistics against brute force.

The reference is numpy itself on each of the n leave-one-out samples (``np.delete``),
so ties, NaN, infinities, odd and even n and every quantile level are checked against
what the statistic really gives; the closed form calls numpy on three samples only.
"""

import functools
import time
import warnings

import numpy as np
import pytest

from resample import OrderStatistic, Quantile, bootstrap, jackknife
from resample._bootstrapping.jackknife import closed_form
from resample._bootstrapping.order_statistics import leave_one_out, quantile_rule
from resample._bootstrapping.statistic import BatchedStatistic


def brute(function, x):
    """Leave-one-out values by deleting each observation (last axis), shape (*Q, *L, n)."""
    x = np.asarray(x, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        values = [np.asarray(function(np.delete(x, i, axis=-1), axis=-1)) for i in range(x.shape[-1])]
    return np.stack(values, axis=-1)


def samples(rng):
    """Continuous, heavily tied, and small-integer data of odd and even lengths."""
    for n in (2, 3, 4, 7, 10, 31, 64):
        yield rng.normal(size=n)
        yield rng.integers(0, 3, size=n).astype(float)  # many ties
        yield np.round(rng.exponential(size=n), 1)


LEVELS = [0.0, 0.01, 0.1, 0.25, 1 / 3, 0.5, 0.75, 0.9, 0.975, 0.99, 1.0]

FUNCTIONS = {
    "median": np.median,
    "nanmedian": np.nanmedian,
    "min": np.min,
    "max": np.max,
    "nanmax": np.nanmax,
    "quantile": functools.partial(np.quantile, q=LEVELS),
    "percentile": functools.partial(np.percentile, q=[2.5, 50, 97.5]),
    "nanquantile": functools.partial(np.nanquantile, q=[0.1, 0.5, 0.9]),
    "nanpercentile": functools.partial(np.nanpercentile, q=37.5),
    "quantile_hazen": functools.partial(np.quantile, q=LEVELS, method="hazen"),
    "quantile_nearest": functools.partial(np.quantile, q=LEVELS, method="nearest"),
    "quantile_inverted_cdf": functools.partial(np.quantile, q=LEVELS, method="inverted_cdf"),
    "Quantile": Quantile(LEVELS),
    "Quantile_lower": Quantile([0.3, 0.7], method="lower"),
    "Quantile_omit": Quantile([0.2, 0.5], nan_policy="omit"),
}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_equals_numpy_on_every_leave_one_out_sample(name):
    function = FUNCTIONS[name]
    rule = quantile_rule(function)
    assert rule is not None
    rng = np.random.default_rng(0)
    for x in samples(rng):
        np.testing.assert_allclose(leave_one_out(rule, x), brute(function, x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_nan_and_infinite_values_as_numpy(name):
    function = FUNCTIONS[name]
    rule = quantile_rule(function)
    rng = np.random.default_rng(1)
    for n in (3, 6, 9):
        for nans in (1, 2):
            x = rng.normal(size=n)
            x[rng.choice(n, nans, replace=False)] = np.nan
            np.testing.assert_array_equal(leave_one_out(rule, x), brute(function, x))
        x = rng.normal(size=n)
        x[0], x[-1] = np.inf, -np.inf
        np.testing.assert_array_equal(leave_one_out(rule, x), brute(function, x))
    np.testing.assert_array_equal(leave_one_out(rule, np.full(4, np.nan)), brute(function, np.full(4, np.nan)))


@pytest.mark.parametrize("name", ["median", "quantile", "nanquantile", "Quantile_lower"])
def test_batch_axes(name):
    # slices of a 2-D sample (observations last) each get their own leave-one-out values
    function = FUNCTIONS[name]
    x = np.random.default_rng(2).integers(0, 5, size=(3, 4, 9)).astype(float)
    x[1, 2, 3] = np.nan
    np.testing.assert_allclose(leave_one_out(quantile_rule(function), x), brute(function, x), rtol=1e-12, atol=0)


@pytest.mark.parametrize("k", [0, 1, 3, -1, -2])
def test_order_statistic(k):
    rng = np.random.default_rng(3)
    stat = OrderStatistic(k)
    for x in [rng.normal(size=8), rng.integers(0, 3, size=(2, 7)).astype(float), np.r_[1.0, np.nan, 3, 2, 2]]:
        expected = brute(lambda s, axis: np.sort(s, axis=axis)[..., k], x)
        np.testing.assert_array_equal(stat.leave_one_out(x), expected)
        np.testing.assert_array_equal(stat(x), np.sort(x, axis=-1)[..., k])


def test_jackknife_uses_the_closed_form_along_axis():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(25, 3))  # observations on axis 0
    res = jackknife((x,), np.median, axis=0)
    assert res.closed_form
    ref = jackknife((x,), lambda s: np.median(s), axis=0, vectorized=False)
    assert not ref.closed_form
    np.testing.assert_allclose(res.jackknife_values, ref.jackknife_values, rtol=1e-12, atol=0)
    np.testing.assert_allclose(res.standard_error, ref.standard_error, rtol=1e-12)


def test_bca_acceleration_matches_the_refitting_jackknife():
    x = np.random.default_rng(5).lognormal(size=301)
    q = functools.partial(np.quantile, q=0.9)
    fast = bootstrap((x,), q, n_resamples=500, rng=0)
    slow = bootstrap((x,), lambda s, axis: np.quantile(s, 0.9, axis=axis), n_resamples=500, rng=0)
    assert "closed-form" in " ".join(fast.notes) and "closed-form" not in " ".join(slow.notes)
    assert fast.acceleration == pytest.approx(slow.acceleration, rel=1e-10)
    # the same acceleration on the lambda's draws gives the lambda's interval
    again = bootstrap((x,), lambda s, axis: np.quantile(s, 0.9, axis=axis), n_resamples=500, rng=0,
                      acceleration=fast.acceleration)  # fmt: skip
    np.testing.assert_allclose(again.confidence_interval, slow.confidence_interval, rtol=1e-10)


def test_not_recognised():
    assert quantile_rule(functools.partial(np.quantile, 0.5)) is None  # q positional: not read
    assert quantile_rule(functools.partial(np.quantile, q=0.5, weights=np.ones(3))) is None
    assert quantile_rule(np.mean) is None
    two = BatchedStatistic(lambda x, y, axis=-1: np.median(x, axis) - np.median(y, axis),
                           [np.arange(5.0), np.arange(4.0)], vectorized=True, paired=False)
    assert closed_form(two) is None


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"q must hold probabilities in \[0, 1\]; got 1.5"):
        Quantile(1.5)
    with pytest.raises(ValueError, match="nan_policy"):
        Quantile(0.5, nan_policy="raise")
    with pytest.raises(ValueError, match="method"):
        Quantile(0.5, method="no-such-method")
    with pytest.raises(TypeError, match="k must be an integer"):
        OrderStatistic(0.5)
    with pytest.raises(ValueError, match=r"OrderStatistic\(5\) needs at least 6 observations; got 3"):
        OrderStatistic(5)(np.arange(3.0))


def test_leave_one_out_of_a_large_median_is_fast():
    # not a timing target (those live in benchmarks/): a guard that the closed form is used,
    # since n refits of a median at n = 2e5 take minutes
    x = np.random.default_rng(6).normal(size=200_000)
    start = time.process_time()
    res = jackknife((x,), np.median)
    assert res.closed_form and time.process_time() - start < 20
    xs = np.sort(x)
    lo, hi = xs[99_999], xs[100_000]  # n - 1 is odd: the middle value of what remains
    assert set(np.unique(res.jackknife_values)) == {lo, hi}
