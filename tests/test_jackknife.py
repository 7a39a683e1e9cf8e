"""jackknife(): known results, closed forms against the batched jackknife, explicit loops."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from resample import jackknife
from resample._bootstrapping.jackknife import INDEX_BUDGET

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
samples = arrays(np.float64, st.integers(3, 40), elements=finite)


def loop_jackknife(x, statistic):
    """The textbook loop: the statistic on x without observation i, for each i."""
    return np.array([statistic(np.delete(x, i)) for i in range(len(x))])


@settings(max_examples=40, deadline=None)
@given(samples)
def test_bias_of_a_linear_statistic_is_zero(x):
    # The mean is linear, so its leave-one-out values average to the mean itself and
    # the jackknife bias (n - 1)(mean(loo) - mean) vanishes (E&T 1993, section 10.5).
    scale = max(1.0, np.abs(x).max())
    for statistic in (np.mean, lambda x, axis=-1: np.mean(x, axis=axis)):  # closed form and batched
        res = jackknife((x,), statistic)
        assert abs(res.bias) <= 1e-9 * scale


@settings(max_examples=40, deadline=None)
@given(samples)
def test_standard_error_of_the_mean_is_s_over_root_n(x):
    # Known result: the jackknife SE of the mean equals the usual s / sqrt(n).
    res = jackknife((x,), np.mean)
    expected = np.std(x, ddof=1) / np.sqrt(len(x))
    assert res.standard_error == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_bias_corrected_plugin_variance_is_the_unbiased_variance():
    x = np.random.default_rng(0).normal(size=30)
    res = jackknife((x,), np.var)
    assert res.bias_corrected_estimate == pytest.approx(np.var(x, ddof=1), rel=1e-12)
    assert res.bias == pytest.approx(-np.var(x, ddof=1) / len(x), rel=1e-12)


def test_leave_one_out_values_match_the_loop_for_a_plain_statistic():
    x = np.random.default_rng(1).exponential(size=25)
    res = jackknife((x,), lambda s: np.median(s) ** 2, vectorized=False)
    np.testing.assert_allclose(res.jackknife_values, loop_jackknife(x, lambda s: np.median(s) ** 2), rtol=1e-12)
    assert not res.closed_form


@pytest.mark.parametrize("batch", [1, 4, None])
def test_batched_jackknife_matches_the_loop_whatever_the_batch(batch):
    x = np.random.default_rng(2).normal(size=17)
    res = jackknife((x,), lambda s, axis: np.std(s, axis=axis), batch=batch)
    np.testing.assert_allclose(res.jackknife_values, loop_jackknife(x, np.std), rtol=1e-12)


def ratio(x, y, axis=-1):
    return np.sum(y, axis=axis) / np.sum(x, axis=axis)


ratio.leave_one_out = lambda x, y: (y.sum(-1, keepdims=True) - y) / (x.sum(-1, keepdims=True) - x)


def test_closed_form_ratio_through_the_leave_one_out_attribute():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(1, 2, 40), rng.uniform(1, 3, 40)
    closed = jackknife((x, y), ratio, paired=True)
    plain = jackknife((x, y), lambda x, y, axis: np.sum(y, axis=axis) / np.sum(x, axis=axis), paired=True)
    assert closed.closed_form and not plain.closed_form
    np.testing.assert_allclose(closed.jackknife_values, plain.jackknife_values, rtol=1e-12)
    expected = np.array([(y.sum() - y[i]) / (x.sum() - x[i]) for i in range(40)])
    np.testing.assert_allclose(closed.jackknife_values, expected, rtol=1e-12)


def test_paired_samples_leave_out_whole_pairs():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=12), rng.normal(size=12)
    res = jackknife((x, y), lambda a, b: np.corrcoef(a, b)[0, 1], paired=True, vectorized=False)
    expected = [np.corrcoef(np.delete(x, i), np.delete(y, i))[0, 1] for i in range(12)]
    np.testing.assert_allclose(res.jackknife_values, expected, rtol=1e-12)


def test_memory_stays_bounded_without_an_n_by_n_index():
    import tracemalloc

    n = 4000  # an n x n int64 index table would take 128 MB
    x = np.random.default_rng(5).normal(size=n)
    tracemalloc.start()
    res = jackknife((x,), lambda s, axis: np.mean(s, axis=axis))  # not recognised: the batched path
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not res.closed_form
    assert peak < 4 * INDEX_BUDGET * 8 + 50 * n * 8  # a few index batches, never n^2
    np.testing.assert_allclose(res.jackknife_values, (x.sum() - x) / (n - 1), rtol=1e-10)


def test_result_repr_and_frame():
    res = jackknife((np.arange(5.0),), np.mean)
    assert repr(res).startswith("JackknifeResult(estimate=2")
    frame = res.to_frame()
    assert list(frame.columns) == ["left_out", "value"] and len(frame) == 5
    low, high = res.confidence_interval
    assert low < 2 < high
