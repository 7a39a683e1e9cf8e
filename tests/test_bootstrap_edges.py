"""Issue 12, the bootstrap's edges: per-slice statistics, the caller's data untouched,
extension that continues the stream, and one-sided intervals.

Each test failed before its fix (noted beside it).
"""

import numpy as np
import pytest
from scipy import stats

from resample import bootstrap, jackknife


def _median(s):  # no axis parameter: not vectorized
    return np.median(s)


def test_non_vectorized_statistic_gets_one_slice_at_a_time():
    # Point 1: before, the statistic got the whole (3, 25) array: one pooled median, shape ().
    x = np.random.default_rng(0).exponential(size=(3, 25))
    res = bootstrap((x,), _median, axis=-1, n_resamples=999, method="percentile", rng=1)
    assert np.shape(res.estimate) == (3,)
    np.testing.assert_allclose(res.estimate, np.median(x, axis=-1), rtol=0, atol=0)
    # each slice's interval is that of the 1-D bootstrap of the slice (same indices, same seed)
    for i in range(3):
        one = bootstrap((x[i],), _median, n_resamples=999, method="percentile", rng=1)
        np.testing.assert_array_equal(res.bootstrap_distribution[i], one.bootstrap_distribution)
    # and the shape SciPy gives
    ref = stats.bootstrap((x,), _median, axis=-1, n_resamples=99, vectorized=False, method="percentile", rng=1)
    assert np.shape(res.confidence_interval.low) == np.shape(ref.confidence_interval.low) == (3,)


def test_non_vectorized_two_samples_broadcast_batch_axes():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(2, 1, 15)), rng.normal(size=(3, 12))

    def diff(a, b):
        assert a.ndim == b.ndim == 1
        return np.mean(a) - np.mean(b)

    res = bootstrap((x, y), diff, axis=-1, n_resamples=50, method="percentile", rng=0)
    assert np.shape(res.estimate) == (2, 3)
    np.testing.assert_allclose(res.estimate, x.mean(-1) - y.mean(-1), rtol=1e-14)


def test_jackknife_non_vectorized_per_slice():
    x = np.random.default_rng(2).exponential(size=(4, 9))
    res = jackknife((x,), _median, axis=-1)
    assert res.jackknife_values.shape == (4, 9)
    for i in range(4):
        np.testing.assert_array_equal(res.jackknife_values[i], jackknife((x[i],), _median).jackknife_values)


def _sorts_in_place(s, axis=-1):
    s.sort(axis=axis)
    s *= 2
    return np.take(s, 0, axis=axis)


def _scales_in_place(s):
    s *= 10
    return s.mean()


@pytest.mark.parametrize("statistic", [_sorts_in_place, _scales_in_place])
@pytest.mark.parametrize("method", ["percentile", "BCa"])
def test_statistic_writing_into_its_argument_leaves_the_data_alone(statistic, method):
    # Point 8: before, the original-data call got a view of the caller's array and sorted/scaled it.
    x = np.random.default_rng(3).exponential(size=30)
    before = x.copy()
    res = bootstrap((x,), statistic, n_resamples=200, method=method, rng=0)
    np.testing.assert_array_equal(x, before)
    # and the numbers are those of a statistic that does not write (the resamples came from unchanged data)
    clean = (lambda s, axis=-1: 2 * np.min(s, axis=axis)) if statistic is _sorts_in_place else (lambda s: 10 * s.mean())
    ref = bootstrap((before,), clean, n_resamples=200, method=method, rng=0)
    np.testing.assert_allclose(res.bootstrap_distribution, ref.bootstrap_distribution, rtol=1e-14)
    jackknife((x,), statistic)
    np.testing.assert_array_equal(x, before)


def test_two_sample_statistic_writing_into_its_arguments():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=20), rng.normal(size=25)
    xb, yb = x.copy(), y.copy()

    def diff(a, b):
        a -= 1
        b.sort()
        return a.mean() - b.mean()

    bootstrap((x, y), diff, n_resamples=100, method="BCa", rng=0)
    np.testing.assert_array_equal(x, xb)
    np.testing.assert_array_equal(y, yb)


def _diff(a, b, axis=-1):
    return np.mean(a, axis=axis) - np.mean(b, axis=axis)


@pytest.mark.parametrize(
    "case",
    ["one sample", "two samples", "paired", "studentized inner", "batch 7"],
)
@pytest.mark.parametrize("split", [(500, 500), (256, 744), (3, 997), (700, 300)])
@pytest.mark.filterwarnings("ignore::resample.exceptions.DegenerateWarning")
def test_extending_with_the_same_seed_equals_one_longer_run(case, split):
    # Point 7: before, the new resamples came from child streams 0, 1, ... again: repeats.
    rng = np.random.default_rng(5)
    x, y = rng.exponential(size=40), rng.normal(size=30)
    data, statistic, kw = (x,), np.mean, {}
    if case == "two samples":
        data, statistic = (x, y), _diff
    elif case == "paired":
        data, statistic, kw = (x, x**2), lambda a, b, axis=-1: np.corrcoef(a, b)[0, 1], {"paired": True, "vectorized": False}
    elif case == "studentized inner":
        kw = {"method": "studentized", "n_inner": 5}
    elif case == "batch 7":
        kw = {"batch": 7}
    first, more = split
    one = bootstrap(data, statistic, n_resamples=first + more, rng=9, **kw)
    part = bootstrap(data, statistic, n_resamples=first, rng=9, **kw)
    whole = bootstrap(data, statistic, n_resamples=more, bootstrap_result=part, rng=9, **kw)
    np.testing.assert_array_equal(whole.bootstrap_distribution, one.bootstrap_distribution)
    assert whole.confidence_interval == one.confidence_interval
    if case == "studentized inner":
        np.testing.assert_array_equal(whole.resample_standard_errors, one.resample_standard_errors)


def test_extending_with_another_seed_draws_new_resamples():
    x = np.random.default_rng(6).exponential(size=40)
    part = bootstrap((x,), np.mean, n_resamples=300, rng=1)
    whole = bootstrap((x,), np.mean, n_resamples=300, bootstrap_result=part, rng=2)
    d = whole.bootstrap_distribution
    assert not np.isin(d[300:], d[:300]).any()  # continuous statistic: equal values mean repeated resamples


def test_a_generator_reused_moves_on():
    x = np.random.default_rng(7).exponential(size=40)
    g = np.random.default_rng(3)
    a = bootstrap((x,), np.mean, n_resamples=300, rng=g)
    b = bootstrap((x,), np.mean, n_resamples=300, rng=g)
    assert not np.isin(b.bootstrap_distribution, a.bootstrap_distribution).any()


@pytest.mark.parametrize("method", ["percentile", "basic", "BCa", "normal", "studentized"])
@pytest.mark.parametrize("alternative", ["less", "greater"])
def test_one_sided_interval_is_one_end_of_the_two_sided_one(method, alternative):
    # Point 9: before, alternative= raised TypeError (unknown keyword).
    x = np.random.default_rng(8).exponential(size=40)
    kw = {"n_resamples": 1000, "method": method, "rng": 1, "n_inner": 10}
    one = bootstrap((x,), np.mean, alternative=alternative, confidence_level=0.9, **kw)
    two = bootstrap((x,), np.mean, confidence_level=0.8, **kw)
    if alternative == "less":
        assert one.confidence_interval.low == -np.inf
        assert one.confidence_interval.high == two.confidence_interval.high
    else:
        assert one.confidence_interval.high == np.inf
        assert one.confidence_interval.low == two.confidence_interval.low
    assert one.alternative == alternative


def test_alternative_is_checked():
    with pytest.raises(ValueError, match="alternative='up' is not allowed"):
        bootstrap((np.arange(5.0),), np.mean, alternative="up")
