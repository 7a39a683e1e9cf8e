"""bootstrap(): ISLR figures, agreement with scipy.stats.bootstrap, properties, edge cases.

Every randomized test fixes its seeds; where a tolerance rests on Monte Carlo
error, the comment beside it derives the tolerance and says how often the test
could fail by chance with a fresh seed.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats
from sklearn.linear_model import LinearRegression

from resample import BootstrapCV, BootstrapEstimator, BootstrapResult, bootstrap, jackknife
from resample.datasets import load_portfolio
from resample.exceptions import DegenerateWarning, ResampleWarning


def alpha(x, y, axis=-1):
    """ISLR eq. 5.7: the variance-minimising weight of X in a portfolio of X and Y."""
    vx, vy = np.var(x, axis=axis, ddof=1), np.var(y, axis=axis, ddof=1)
    n = x.shape[axis]
    cxy = np.sum((x - x.mean(axis, keepdims=True)) * (y - y.mean(axis, keepdims=True)), axis=axis) / (n - 1)
    return (vy - cxy) / (vx + vy - 2 * cxy)


def vmean(x, axis=-1):
    """The mean, written so that it is not recognised (no closed form)."""
    return np.mean(x, axis=axis)


# --- ISLR section 5.3.4 -----------------------------------------------------------


def test_portfolio_alpha_reproduces_islr():
    p = load_portfolio()
    res = bootstrap((p["X"], p["Y"]), alpha, paired=True, n_resamples=2000, method="percentile", rng=1)
    assert round(res.estimate, 3) == 0.576  # ISLR: alpha-hat = 0.576
    # ISLR: SE = 0.0886 (R's boot, 1000 resamples). The Monte Carlo sd of a bootstrap
    # SE from B = 2000 resamples is about SE / sqrt(2B) = 0.0014, so [0.08, 0.10] is
    # more than 5 sd wide each side: it fails by chance less than once in 10^6 seeds.
    assert 0.08 < res.standard_error < 0.10


# --- agreement with SciPy -----------------------------------------------------------


@pytest.mark.parametrize("method", ["percentile", "basic", "BCa"])
@pytest.mark.parametrize("case", ["one-sample", "paired", "two-sample"])
def test_agrees_with_scipy(method, case):
    rng = np.random.default_rng(11)
    if case == "one-sample":
        data, statistic, kw = (rng.exponential(size=60),), vmean, {}
    elif case == "paired":
        p = load_portfolio()
        data, statistic, kw = (p["X"].to_numpy(), p["Y"].to_numpy()), alpha, {"paired": True}
    else:
        data, kw = (rng.exponential(size=40), rng.normal(size=30)), {}

        def statistic(a, b, axis=-1):
            return np.mean(a, axis=axis) - np.mean(b, axis=axis)

    B = 9999
    ours = bootstrap(data, statistic, n_resamples=B, method=method, rng=1, **kw)
    theirs = stats.bootstrap(data, statistic, n_resamples=B, method=method, rng=2, **kw)
    sigma = theirs.standard_error
    # Tolerance. With independent streams both endpoints are quantile estimates of
    # (nearly) the same bootstrap distribution. A quantile at p = 0.025 from B draws
    # has sd sqrt(p(1-p)/B) / f(q), f the density there; for a near-normal
    # distribution with sd sigma, f = phi(1.96)/sigma = 0.058/sigma, so sd = 0.027 sigma
    # and a difference of two has sd 0.038 sigma. BCa adds the spread of z0's
    # estimate (sd about 0.0125 on the z scale, 0.005 sigma here). 0.2 sigma is over
    # 5 sd: a chance failure about once in 10^6 seeds per endpoint.
    for ours_end, theirs_end in zip(ours.confidence_interval, theirs.confidence_interval):
        assert abs(ours_end - float(theirs_end)) < 0.2 * sigma
    # A bootstrap SE from B draws has relative sd 1/sqrt(2B) = 0.7%; the difference of
    # two 1%: 5% is 5 sd.
    assert ours.standard_error == pytest.approx(sigma, rel=0.05)


def test_bca_acceleration_equals_the_textbook_jackknife():
    # E&T (1993) eq. 14.15 written out with a plain loop, for a statistic with no
    # closed form, by the closed form of the mean, and by the batched jackknife.
    x = np.random.default_rng(5).exponential(size=40)
    for statistic, plain in [(np.mean, np.mean), (vmean, np.mean), (lambda s, axis: np.var(s, axis=axis), np.var)]:
        loo = np.array([plain(np.delete(x, i)) for i in range(len(x))])
        u = loo.mean() - loo
        expected = (u**3).sum() / (6 * ((u**2).sum()) ** 1.5)
        res = bootstrap((x,), statistic, n_resamples=500, rng=0)
        assert res.acceleration == pytest.approx(expected, rel=1e-9)


def test_closed_form_is_used_for_the_mean_and_reported():
    x = np.random.default_rng(6).normal(size=100)
    assert "closed-form" in bootstrap((x,), np.mean, n_resamples=100, rng=0).notes[0]
    assert "jackknife" in bootstrap((x,), vmean, n_resamples=100, rng=0).notes[0]


@pytest.mark.parametrize("n", [30, 60])
def test_regression_acceleration_matches_the_full_jackknife(n):
    x = np.random.default_rng(n).exponential(size=n)

    def var(s, axis=-1):
        return np.var(s, axis=axis)

    jack = bootstrap((x,), var, n_resamples=4000, rng=0, acceleration="jackknife")
    reg = bootstrap((x,), var, n_resamples=4000, rng=0, acceleration="regression")
    # Measured over 5 seeds the regression estimate of a (about 0.14 and 0.09 here)
    # varies with sd 0.1-0.2% and sits within 0.1% of the jackknife's (they differ by
    # O(1/n) in principle: infinitesimal vs. jackknife influence). 3% is over 10 sd.
    assert reg.acceleration == pytest.approx(jack.acceleration, rel=0.03)
    # The mean is linear, so regression recovers its influence values exactly.
    exact = bootstrap((x,), vmean, n_resamples=n + 200, rng=0, acceleration="regression")
    d = x - x.mean()  # the mean's influence values: a = sum d^3 / (6 (sum d^2)^1.5)
    assert exact.acceleration == pytest.approx((d**3).sum() / (6 * ((d**2).sum()) ** 1.5), rel=1e-6)


def test_studentized_is_close_to_the_t_interval_for_normal_data():
    x = np.random.default_rng(7).normal(size=50)

    def se(s, axis=-1):
        return np.std(s, axis=axis, ddof=1) / np.sqrt(s.shape[axis])

    t = stats.t.ppf(0.975, 49) * se(x)
    expected = (x.mean() - t, x.mean() + t)
    with_se = bootstrap((x,), np.mean, method="studentized", se_function=se, n_resamples=4000, rng=0)
    inner = bootstrap((x,), np.mean, method="studentized", n_resamples=1000, n_inner=50, rng=0)
    # For normal data the bootstrap-t distribution approximates Student's t_49. Over
    # 5 seeds the endpoints fell within 0.15 se of the t interval with se_function and
    # within 0.25 se with the noisier inner bootstrap (sd about 0.03 and 0.1 se);
    # 0.35 / 0.6 se leave more than 5 sd of Monte Carlo room.
    for got, want in zip(with_se.confidence_interval, expected):
        assert abs(got - want) < 0.35 * se(x)
    for got, want in zip(inner.confidence_interval, expected):
        assert abs(got - want) < 0.6 * se(x)


def test_normal_interval_is_bias_corrected_estimate_plus_minus_z_se():
    x = np.random.default_rng(8).exponential(size=30)
    res = bootstrap((x,), np.mean, method="normal", n_resamples=2000, rng=0)
    dist = res.bootstrap_distribution
    center = 2 * x.mean() - dist.mean()
    half = 1.959963984540054 * dist.std(ddof=1)
    assert res.confidence_interval.low == pytest.approx(center - half, rel=1e-12)
    assert res.confidence_interval.high == pytest.approx(center + half, rel=1e-12)


# --- properties ---------------------------------------------------------------------

data_1d = arrays(np.float64, st.integers(5, 40), elements=st.floats(-100, 100, allow_nan=False, allow_subnormal=False))
methods = st.sampled_from(["percentile", "basic", "normal", "bca", "studentized"])


def _spread(x):
    return np.ptp(x) > 1e-6 * max(1.0, np.abs(x).max())


@settings(max_examples=30, deadline=None)
@given(data_1d, methods, st.integers(0, 2**32 - 1))
def test_intervals_are_ordered(x, method, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (DegenerateWarning, ResampleWarning))
        res = bootstrap((x,), np.mean, method=method, n_resamples=200, n_inner=10, rng=seed)
    assert res.confidence_interval.low <= res.confidence_interval.high


@settings(max_examples=30, deadline=None)
@given(data_1d, st.sampled_from(["percentile", "bca"]), st.integers(0, 2**32 - 1))
def test_range_respecting_methods_stay_within_the_data(x, method, seed):
    # The mean of a resample lies in [min x, max x]; percentile and BCa intervals are
    # quantiles of such means, so they can never leave that range.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateWarning)
        low, high = bootstrap((x,), np.mean, method=method, n_resamples=200, rng=seed).confidence_interval
    tol = 1e-9 * max(1.0, np.abs(x).max())
    assert x.min() - tol <= low and high <= x.max() + tol


@settings(max_examples=30, deadline=None)
@given(data_1d, st.sampled_from(["percentile", "basic"]), st.floats(-1e3, 1e3), st.integers(0, 2**32 - 1))
def test_shifting_the_data_shifts_percentile_and_basic(x, method, shift, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateWarning)
        a = bootstrap((x,), np.mean, method=method, n_resamples=200, rng=seed).confidence_interval
        b = bootstrap((x + shift,), np.mean, method=method, n_resamples=200, rng=seed).confidence_interval
    tol = 1e-9 * (abs(shift) + np.abs(x).max() + 1)
    assert b.low == pytest.approx(a.low + shift, abs=tol)
    assert b.high == pytest.approx(a.high + shift, abs=tol)


@settings(max_examples=30, deadline=None)
@given(data_1d, st.sampled_from(["percentile", "basic", "normal", "bca"]), st.integers(0, 2**32 - 1))
def test_higher_level_gives_a_wider_interval(x, method, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateWarning)
        narrow = bootstrap((x,), np.mean, method=method, n_resamples=300, confidence_level=0.8, rng=seed)
        wide = bootstrap(
            (x,), np.mean, method=method, n_resamples=0, confidence_level=0.95, bootstrap_result=narrow
        )
    tol = 1e-12 * max(1.0, np.abs(x).max())
    assert wide.confidence_interval.low <= narrow.confidence_interval.low + tol
    assert wide.confidence_interval.high >= narrow.confidence_interval.high - tol


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([1, 7, 100, 256, None]))
def test_same_rng_same_result_whatever_batch(seed, batch):
    x = np.random.default_rng(seed).normal(size=23)
    reference = bootstrap((x,), vmean, n_resamples=600, rng=seed, batch=256)
    res = bootstrap((x,), vmean, n_resamples=600, rng=seed, batch=batch)
    np.testing.assert_array_equal(res.bootstrap_distribution, reference.bootstrap_distribution)
    assert res.confidence_interval == reference.confidence_interval
    stud = [
        bootstrap((x,), vmean, method="studentized", n_resamples=300, n_inner=5, rng=seed, batch=b).confidence_interval
        for b in (batch, 256)
    ]
    assert stud[0] == stud[1]
    y = x[:17] ** 2
    two = [bootstrap((x, y), _diff, n_resamples=300, rng=seed, batch=b).confidence_interval for b in (batch, 256)]
    assert two[0] == two[1]
    reg = [bootstrap((x,), vmean, n_resamples=300, rng=seed, batch=b, acceleration="regression") for b in (batch, 256)]
    assert reg[0].acceleration == reg[1].acceleration


def _diff(a, b, axis=-1):
    return np.mean(a, axis=axis) - np.mean(b, axis=axis)


def test_vectorized_and_looped_statistics_agree():
    x = np.random.default_rng(9).normal(size=30)
    a = bootstrap((x,), vmean, n_resamples=300, rng=3)
    b = bootstrap((x,), lambda s: float(np.mean(s)), n_resamples=300, rng=3)
    np.testing.assert_allclose(a.bootstrap_distribution, b.bootstrap_distribution, rtol=1e-12)


def test_vector_statistic_equals_each_component_alone():
    x = np.random.default_rng(10).exponential(size=40)

    def both(s, axis=-1):
        return np.stack([np.mean(s, axis=axis), np.std(s, axis=axis)])

    res = bootstrap((x,), both, n_resamples=500, rng=4, method="bca")
    assert res.bootstrap_distribution.shape == (2, 500)
    for k, single in enumerate([vmean, lambda s, axis=-1: np.std(s, axis=axis)]):
        one = bootstrap((x,), single, n_resamples=500, rng=4, method="bca")
        assert res.confidence_interval.low[k] == pytest.approx(one.confidence_interval.low, rel=1e-12)
        assert res.standard_error[k] == pytest.approx(one.standard_error, rel=1e-12)


def test_axis_gives_one_statistic_per_column():
    X = np.random.default_rng(12).normal(size=(25, 3))
    res = bootstrap((X,), vmean, axis=0, n_resamples=300, rng=5, method="percentile")
    for j in range(3):
        one = bootstrap((X[:, j],), vmean, n_resamples=300, rng=5, method="percentile")
        assert res.confidence_interval.low[j] == pytest.approx(one.confidence_interval.low, rel=1e-12)


# --- passing a result back ------------------------------------------------------------


def test_adding_resamples_keeps_the_old_ones():
    x = np.random.default_rng(13).normal(size=20)
    first = bootstrap((x,), np.mean, n_resamples=300, rng=0)
    more = bootstrap((x,), np.mean, n_resamples=200, rng=1, bootstrap_result=first)
    assert more.n_resamples == 500
    np.testing.assert_array_equal(more.bootstrap_distribution[:300], first.bootstrap_distribution)
    assert "reused" in more.notes[0]


@pytest.mark.parametrize("method", ["percentile", "basic", "normal", "bca"])
def test_changing_the_method_needs_no_new_resamples(method):
    x = np.random.default_rng(14).exponential(size=20)
    base = bootstrap((x,), vmean, n_resamples=400, rng=0, method="percentile")
    switched = bootstrap((x,), vmean, n_resamples=0, method=method, bootstrap_result=base)
    fresh = bootstrap((x,), vmean, n_resamples=400, rng=0, method=method)
    assert switched.confidence_interval == pytest.approx(fresh.confidence_interval, rel=1e-12)


# --- edge cases -------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["percentile", "basic", "normal", "bca", "studentized"])
def test_degenerate_data_warns_and_gives_a_defined_result(method):
    with pytest.warns(DegenerateWarning, match="same value"):
        res = bootstrap((np.full(10, 3.0),), np.mean, n_resamples=100, n_inner=5, method=method, rng=0)
    assert res.standard_error == 0
    assert tuple(res.confidence_interval) == (3.0, 3.0)


def test_nonfinite_statistic_values_are_counted_and_reported():
    x = np.arange(10.0)
    returned_nan = []

    def sometimes_nan(s):
        if s[-1] == 0.0:  # a resample's last draw is observation 0: about 1 in 10
            returned_nan.append(1)
            return np.nan
        return float(s.mean())

    with pytest.warns(ResampleWarning, match=r"NaN or infinite on (\d+) of 500"):
        res = bootstrap((x,), sometimes_nan, n_resamples=500, method="percentile", rng=0)
    assert res.n_nonfinite == len(returned_nan) > 0
    finite = res.bootstrap_distribution[np.isfinite(res.bootstrap_distribution)]
    assert res.standard_error == pytest.approx(finite.std(ddof=1))
    assert f"{len(returned_nan)} of 500" in res.notes[0]


def test_bca_warns_when_the_estimate_lies_outside_the_draws():
    x = np.arange(12.0)

    def spread_bonus(s):
        # The range, plus 100 when no observation repeats: true of the data, while a
        # resample is a permutation with chance 12!/12^12 = 5e-5 (1% over 200 draws,
        # so with a fresh seed this test would fail about once in 100).
        return np.ptp(s) + 100.0 * (len(np.unique(s)) == len(s))

    with pytest.warns(DegenerateWarning, match="outside the bootstrap distribution"):
        res = bootstrap((x,), spread_bonus, n_resamples=200, rng=0)
    assert res.bias_correction == pytest.approx(stats.norm.ppf(1 - 0.5 / 200))
    assert res.confidence_interval.high == res.bootstrap_distribution.max()


def test_result_repr_frame_and_immutability():
    res = bootstrap((np.arange(10.0),), np.mean, n_resamples=50, method="percentile", rng=0)
    assert repr(res).startswith("BootstrapResult(estimate=4.5")
    assert list(res.to_frame().columns) == ["resample", "value"]
    stud = bootstrap((np.arange(10.0),), np.mean, n_resamples=20, method="studentized", n_inner=5, rng=0)
    frame = stud.to_frame()
    assert list(frame.columns) == ["resample", "value", "standard_error"]
    np.testing.assert_array_equal(frame["standard_error"], stud.resample_standard_errors)
    with pytest.raises(AttributeError):
        res.estimate = 0
    assert isinstance(res, BootstrapResult)


# --- every error message --------------------------------------------------------------

X2 = np.random.default_rng(0).normal(size=(30, 2))
Y2 = X2 @ [1.0, 2.0]
OK = (np.arange(10.0),)
_old = bootstrap(OK, np.mean, n_resamples=10, method="percentile", rng=0)

ERRORS = [
    (lambda: bootstrap(OK, np.mean, n_resamples=0), ValueError, r"n_resamples=0 is out of range: it must be an int in the range \[1, inf\)\. 0 is allowed only when a bootstrap_result"),
    (lambda: bootstrap(OK, np.mean, n_resamples=2.5), TypeError, r"n_resamples must be an int"),
    (lambda: bootstrap(OK, np.mean, confidence_level=1.5), ValueError, r"confidence_level=1.5 is out of range"),
    (lambda: bootstrap(OK, np.mean, method="bc"), ValueError, r"method='bc' is not allowed: it must be one of"),
    (lambda: bootstrap((np.ones(3), np.ones(4)), np.mean, paired=True), ValueError, r"paired=True needs samples of equal length.*\[3, 4\]"),
    (lambda: bootstrap((np.ones(1),), np.mean), ValueError, r"data\[0\] has 1 observation\(s\).*at least 2"),
    (lambda: bootstrap((np.array(["a", "b"]),), np.mean), TypeError, r"data\[0\] must be numeric.*dtype <U1"),
    (lambda: bootstrap((np.array([1.0, np.nan]),), np.mean), ValueError, r"data\[0\] contains NaN or infinity"),
    (lambda: bootstrap(np.arange(5.0), np.mean), TypeError, r"data must be a sequence of samples"),
    (lambda: bootstrap((), np.mean), ValueError, r"data is empty"),
    (lambda: bootstrap(OK, np.mean, paired="yes"), ValueError, r"paired='yes' is not allowed"),
    (lambda: bootstrap((np.ones(3),), np.mean, axis=2), ValueError, r"axis=2 is out of range"),
    (lambda: bootstrap((np.float64(3.0),), np.mean), ValueError, r"data\[0\] is a scalar"),
    (lambda: bootstrap(OK, lambda x: np.unique(x), n_resamples=5), ValueError, r"statistic returned shape \(\d+,\) for resample \d of a batch; expected \(10,\)"),
    (lambda: bootstrap(OK, lambda x, axis: np.mean(x), n_resamples=5), ValueError, r"statistic returned shape \(\) for a batch of 5 resamples; expected \(5,\)"),
    (lambda: bootstrap(OK, lambda x: "text"), TypeError, r"statistic returned dtype <U4"),
    (lambda: bootstrap(OK, "mean"), TypeError, r"statistic must be callable"),
    (lambda: bootstrap(OK, np.mean, vectorized="yes"), TypeError, r"vectorized must be one of True, False, None; got 'yes'"),
    (lambda: bootstrap(OK, np.mean, batch=0), ValueError, r"batch=0 is out of range"),
    (lambda: bootstrap(OK, np.mean, acceleration="fast"), ValueError, r"acceleration='fast' is not allowed"),
    (lambda: bootstrap(OK, vmean, acceleration="regression", n_resamples=5), ValueError, r"needs n_resamples larger than the number of observations"),
    (lambda: bootstrap(OK, np.mean, method="studentized", se_function=3), TypeError, r"se_function must be callable"),
    (lambda: bootstrap(OK, np.mean, n_inner=1), ValueError, r"n_inner=1 is out of range"),
    (lambda: bootstrap(OK, np.mean, bootstrap_result={"a": 1}), TypeError, r"bootstrap_result must be a BootstrapResult"),
    (lambda: bootstrap((np.arange(10.0) + 1,), np.mean, bootstrap_result=_old), ValueError, r"bootstrap_result does not match"),
    (lambda: bootstrap(OK, np.mean, method="studentized", n_resamples=0, bootstrap_result=_old), ValueError, r"needs per-resample standard errors"),
    (lambda: bootstrap(OK, np.mean, rng=-1), ValueError, r"rng must be a non-negative int"),
    (lambda: jackknife((np.ones(3), np.ones(4)), np.mean), ValueError, r"jackknife got 2 independent samples"),
    (lambda: jackknife(OK, np.mean, confidence_level=0), ValueError, r"confidence_level=0 is out of range"),
    (lambda: jackknife((np.arange(4.0),), type("S", (), {"__call__": lambda self, x, axis=-1: np.mean(x, axis=axis), "leave_one_out": lambda self, x: x[:2]})()), ValueError, r"statistic.leave_one_out returned shape \(2,\)"),
    (lambda: BootstrapEstimator(LinearRegression(), n_resamples=0).fit(X2, Y2), ValueError, r"n_resamples.*must be an int in the range \[1, 100000000\]"),
    (lambda: BootstrapEstimator(LinearRegression(), resampling="rows").fit(X2, Y2), ValueError, r"resampling='rows' is not allowed: it must be one of 'cases', 'modified_residuals', 'residuals', 'wild'"),
    (lambda: BootstrapEstimator(LinearRegression(), confidence_level=1.0).fit(X2, Y2), ValueError, r"confidence_level.*range \(0.0, 1.0\)"),
    (lambda: BootstrapEstimator("model").fit(X2, Y2), TypeError, r"estimator must be an object implementing 'fit'; got 'model'"),
    (lambda: BootstrapEstimator(LinearRegression()).fit(X2, Y2[:10]), ValueError, r"X and y have different lengths"),
    (lambda: BootstrapEstimator(_logistic(), resampling="residuals").fit(X2, Y2 > 0), ValueError, r"resampling='residuals' needs a regressor"),
    (lambda: BootstrapEstimator(LinearRegression(), attributes=["coeff_"]).fit(X2, Y2), ValueError, r"'coeff_' is not a fitted attribute of LinearRegression"),
    (lambda: BootstrapEstimator(_dummy()).fit(X2, Y2), ValueError, r"has neither coef_ nor intercept_"),
    (lambda: _fitted_be().confidence_interval("rank_"), ValueError, r"attribute='rank_' was not bootstrapped; choose one of"),
    (lambda: _fitted_be().confidence_interval("coef_", method="studentized"), ValueError, r"method='studentized' is not allowed"),
    (lambda: _fitted_be(batched=False).confidence_interval("coef_", method="bca"), ValueError, r"method='bca' needs each attribute without each row"),
    (lambda: _fitted_be().predict_interval(X2, kind="band"), ValueError, r"kind='band' is not allowed"),
    (lambda: _fitted_be(batched=False).predict_interval(X2), ValueError, r"predict_interval needs the bootstrap models' coefficients"),
    (lambda: BootstrapEstimator(_logistic(), n_resamples=30, random_state=0).fit(X2[:8], [0, 0, 0, 0, 0, 0, 1, 2]), Exception, r"on bootstrap resample \d+, coef_ has shape"),
    (lambda: BootstrapEstimator(_failing(), attributes=["coef_"], n_resamples=3).fit(X2, Y2), Exception, r"fit failed on bootstrap resample 0"),
    (lambda: BootstrapCV(LinearRegression(), scoring="r2").fit(X2, Y2), ValueError, r"scoring='r2' is not a mean of a per-sample loss"),
    (lambda: BootstrapCV(LinearRegression(), scoring="neg_mean_absolute_error").fit(X2, Y2), ValueError, r"method='.632\+' needs the no-information error rate"),
    (lambda: BootstrapCV(LinearRegression(), method="632").fit(X2, Y2), ValueError, r"method='632' is not allowed: it must be one of '.632', '.632\+', 'oob'"),
    (lambda: BootstrapCV(LinearRegression(), n_resamples=0).fit(X2, Y2), ValueError, r"n_resamples.*range \[1, 100000000\]"),
    (lambda: BootstrapCV(LinearRegression(), scoring="neg_mean_squared_error").fit(X2), ValueError, r"BootstrapCV requires y to be passed"),
]


def _logistic():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression()


def _dummy():
    from sklearn.dummy import DummyRegressor

    return DummyRegressor()


def _failing():
    class Failing(LinearRegression):
        def fit(self, X, y):
            if len(np.unique(X, axis=0)) < len(X):  # every resample, never the data
                raise RuntimeError("repeated rows")
            return super().fit(X, y)

    return Failing()


def _fitted_be(**kw):
    return BootstrapEstimator(LinearRegression(), n_resamples=20, random_state=0, **kw).fit(X2, Y2)


@pytest.mark.parametrize("call, exception, message", ERRORS, ids=[f"error{i}" for i in range(len(ERRORS))])
def test_every_error_message(call, exception, message):
    with pytest.raises(exception, match=message):
        call()
