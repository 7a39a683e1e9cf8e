"""resample.compare: corrected resampled t, 5x2cv t and F, paired and nested comparisons.

Expected values are computed in the tests: split scores by hand (numpy) for dummy
models on fixed splits, and each test's formula written out. Every random draw has a
fixed seed, so each test is deterministic; where an assertion is statistical, a
comment says how often it fails over other seeds.
"""

import numpy as np
import pytest
from scipy import stats
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import KFold

from resample import ComparisonResult, compare
from resample._model_selection.compare import five_by_two_f, five_by_two_t

Y = np.array([1.0, 2.0, 4.0, 7.0, 11.0, 16.0, 22.0, 29.0, 37.0, 46.0])
X = np.zeros((10, 1))
MEAN, MEDIAN = DummyRegressor(strategy="mean"), DummyRegressor(strategy="median")


def _mse_dummy(stat, train, test):
    return np.mean((Y[test] - stat(Y[train])) ** 2)


def test_corrected_t_hand_computation_on_fixed_splits():
    # four random-subsampling splits of 7 training / 3 test rows
    tests = [[0, 4, 9], [1, 2, 8], [3, 5, 6], [2, 7, 9]]
    pairs = [(np.setdiff1d(np.arange(10), t), np.array(t)) for t in tests]
    r = compare(MEAN, MEDIAN, X, Y, cv=pairs, scoring="neg_mean_squared_error", confidence_level=0.9)
    # scores are minus the MSE: d = -(MSE_mean) - (-(MSE_median))
    d = np.array([-_mse_dummy(np.mean, tr, te) + _mse_dummy(np.median, tr, te) for tr, te in pairs])
    J = 4
    s2 = np.sum((d - d.mean()) ** 2) / (J - 1)
    se = np.sqrt((1 / J + 3 / 7) * s2)  # Nadeau & Bengio: 1/J + n_test/n_train
    t = d.mean() / se
    assert r.method == "corrected_t" and r.df == 3
    assert np.allclose(r.differences, d, rtol=1e-12)
    assert r.difference == pytest.approx(d.mean(), rel=1e-12)
    assert r.standard_error == pytest.approx(se, rel=1e-12)
    assert r.statistic == pytest.approx(t, rel=1e-12)
    assert r.pvalue == pytest.approx(2 * stats.t.sf(abs(t), 3), rel=1e-10)
    q = stats.t.ppf(0.95, 3)
    assert r.confidence_interval == pytest.approx((d.mean() - q * se, d.mean() + q * se), rel=1e-12)
    assert r.estimate_a == pytest.approx(np.mean([-_mse_dummy(np.mean, tr, te) for tr, te in pairs]))


def test_corrected_t_is_wider_than_the_plain_paired_t():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 5))
    y = X @ np.ones(5) + rng.normal(size=80)
    r = compare(LinearRegression(), Ridge(alpha=20.0), X, y, cv=5, n_repeats=4, scoring="neg_mean_squared_error", random_state=1)
    plain_se = r.differences.std(ddof=1) / np.sqrt(20)
    assert r.standard_error == pytest.approx(plain_se * np.sqrt(1 + 20 * (16 / 64)), rel=1e-10)
    assert r.to_frame().shape == (20, 7) and set(r.repeats.tolist()) == {0, 1, 2, 3}


def test_five_by_two_t_and_f_by_hand():
    # d[i, j]: repeat i, fold j
    d = np.array([[1.0, 3.0], [2.0, 2.0], [0.0, 4.0], [2.0, 3.0], [1.0, 1.0]])
    # s_i^2 = (d_i1 - mean_i)^2 + (d_i2 - mean_i)^2 = 2, 0, 8, 0.5, 0
    s2 = np.array([2.0, 0.0, 8.0, 0.5, 0.0])
    t = 1.0 / np.sqrt(s2.sum() / 5)  # Dietterich: d_11 over sqrt(mean s_i^2)
    f = (d**2).sum() / (2 * s2.sum())  # Alpaydin: 49 / 21
    mean, se, stat, p, df, ci = five_by_two_t(d.ravel(), 0.95)
    assert stat == pytest.approx(t) and df == 5 and p == pytest.approx(2 * stats.t.sf(t, 5))
    assert mean == pytest.approx(1.9) and se == pytest.approx(np.sqrt(2.1))
    assert ci == pytest.approx((1.9 - stats.t.ppf(0.975, 5) * np.sqrt(2.1), 1.9 + stats.t.ppf(0.975, 5) * np.sqrt(2.1)))
    mean, se, stat, p, df, ci = five_by_two_f(d.ravel(), 0.95)
    assert stat == pytest.approx(49 / 21) and f == pytest.approx(49 / 21)
    assert df == (10, 5) and p == pytest.approx(stats.f.sf(49 / 21, 10, 5))


@pytest.mark.parametrize("method", ["5x2cv_t", "5x2cv_f"])
def test_five_by_two_through_compare_matches_hand_computation(method):
    r = compare(MEAN, MEDIAN, X, Y, method=method, scoring="neg_mean_squared_error", random_state=3)
    assert len(r.splits) == 10 and r.repeats.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    d = []
    for i in range(10):
        train, test = r.splits[i]
        assert len(test) == 5 and len(train) == 5
        d.append(-_mse_dummy(np.mean, train, test) + _mse_dummy(np.median, train, test))
    d = np.array(d).reshape(5, 2)
    for i in range(5):  # the two folds of a repeat partition the rows
        assert sorted(np.r_[r.splits.test(2 * i), r.splits.test(2 * i + 1)].tolist()) == list(range(10))
    s2 = ((d - d.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    if method == "5x2cv_t":
        assert r.statistic == pytest.approx(d[0, 0] / np.sqrt(s2.mean()), rel=1e-10)
        assert r.pvalue == pytest.approx(2 * stats.t.sf(abs(d[0, 0] / np.sqrt(s2.mean())), 5), rel=1e-10)
    else:
        assert r.statistic == pytest.approx((d**2).sum() / (2 * s2.sum()), rel=1e-10)
    assert r.difference == pytest.approx(d.mean(), rel=1e-10)


def test_auto_picks_5x2cv_t_for_cv_5x2():
    r = compare(MEAN, MEDIAN, X, Y, cv="5x2", scoring="neg_mean_squared_error", random_state=0)
    assert r.method == "5x2cv_t"


def test_paired_per_sample_hand_computation():
    folds = [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    pairs = [(np.setdiff1d(np.arange(10), f), np.array(f)) for f in folds]
    r = compare(MEAN, MEDIAN, X, Y, cv=pairs, method="paired", scoring="neg_mean_absolute_error")
    diff = np.empty(10)  # per-sample: -(|y - mean|) + |y - median| of the model that did not see it
    for train, test in pairs:
        diff[test] = -np.abs(Y[test] - Y[train].mean()) + np.abs(Y[test] - np.median(Y[train]))
    se = diff.std(ddof=1) / np.sqrt(10)
    assert r.difference == pytest.approx(diff.mean()) and r.standard_error == pytest.approx(se)
    assert r.pvalue == pytest.approx(2 * stats.norm.sf(abs(diff.mean() / se)))
    assert np.allclose(r.sample_differences[np.argsort(r.sample_index)], diff)
    assert any("naive" in note for note in r.notes)


def test_identical_models_differ_by_zero():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3))
    y = X[:, 0] + rng.normal(size=40)
    r = compare(LinearRegression(), LinearRegression(), X, y, cv=4, n_repeats=2, scoring="neg_mean_squared_error", random_state=0)
    assert r.difference == 0 and r.pvalue == 1.0 and np.all(r.sample_differences == 0)


def test_better_model_has_positive_difference_in_every_scorer_sign():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures

    from resample.datasets import load_auto

    auto = load_auto()
    quad = make_pipeline(PolynomialFeatures(2), LinearRegression())
    r = compare(quad, LinearRegression(), auto[["horsepower"]], auto["mpg"], scoring="neg_mean_squared_error", random_state=0)
    # statistical: over rng = 0..19 the largest p-value was 7e-4 (never above 0.01)
    assert r.difference > 0 and r.pvalue < 0.01 and r.confidence_interval.low > 0
    assert r.estimate_a > r.estimate_b
    assert "difference=" in repr(r) and isinstance(r, ComparisonResult)


def test_nested_comparison_uses_per_sample_differences():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 4))
    y = X @ np.array([1.0, 0.5, 0.0, 0.0]) + rng.normal(size=50)
    r = compare(LinearRegression(), Ridge(alpha=5.0), X, y, method="nested", cv=5, nested_repeats=3,
                scoring="neg_mean_squared_error", random_state=0)
    assert r.method == "nested" and np.isinf(r.df)
    assert len(r.differences) == 3 * 5  # the outer splits of three 5-fold partitions
    low, high = r.confidence_interval
    assert low < r.difference < high
    assert r.pvalue == pytest.approx(2 * stats.norm.sf(abs(r.difference / r.standard_error)))
    # the outer per-sample differences pool to the difference of the two outer estimates
    assert r.sample_differences.mean() == pytest.approx(r.estimate_a - r.estimate_b)


def test_classifiers_are_compared_on_stratified_splits():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] > 0.9).astype(int)  # about 18% positives
    r = compare(LogisticRegression(), LogisticRegression(C=0.01), X, y, cv=3, n_repeats=2, scoring="accuracy", random_state=0)
    for i in range(len(r.splits)):
        share = y[r.splits.test(i)].mean()
        assert abs(share - y.mean()) <= 1 / 20 + 1e-12


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(method="wilcoxon"), ValueError, "method='wilcoxon' is not allowed"),
        (dict(cv="3x3"), ValueError, "must be '5x2'"),
        (dict(method="5x2cv_t", cv=10), ValueError, "five repeats of 2-fold"),
        (dict(method="nested", cv=KFold(3)), ValueError, "number of folds"),
        (dict(method="nested", cv=2), ValueError, "cv=2 is out of range"),
        (dict(method="paired", scoring="r2"), ValueError, "mean of per-sample values"),
        (dict(n_repeats=0), ValueError, "n_repeats=0 is out of range"),
        (dict(cv=1), ValueError, "cv=1 is out of range"),
        (dict(cv=3.5), TypeError, "cv must be None, an int"),
        (dict(cv=True), TypeError, "cv must be an int"),
        (dict(confidence_level=1.5), ValueError, "confidence_level=1.5"),
        (dict(cv=[(np.arange(5), np.arange(5, 10))]), ValueError, "at least 2"),
        (dict(method="nested", cv=6, nested_repeats=1), ValueError, "at least 2 samples per fold"),
    ],
)
def test_compare_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        compare(MEAN, MEDIAN, X, Y, **({"scoring": "neg_mean_squared_error"} | kwargs))


def test_compare_rejects_an_object_without_fit():
    with pytest.raises(TypeError, match="estimator_b must be an estimator with a fit method"):
        compare(MEAN, "median", X, Y)


def test_swapping_the_estimators_negates_the_difference():
    kw = dict(cv=4, n_repeats=2, scoring="neg_mean_squared_error", random_state=5)
    rng = np.random.default_rng(4)
    X = rng.normal(size=(40, 3))
    y = X[:, 0] + rng.normal(size=40)
    ab = compare(LinearRegression(), Ridge(alpha=10.0), X, y, **kw)
    ba = compare(Ridge(alpha=10.0), LinearRegression(), X, y, **kw)
    assert ba.difference == pytest.approx(-ab.difference) and ba.pvalue == pytest.approx(ab.pvalue)
    assert ba.confidence_interval == pytest.approx((-ab.confidence_interval.high, -ab.confidence_interval.low))


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from resample._model_selection.compare import corrected_t  # noqa: E402


@settings(max_examples=50, deadline=None)
@given(d=st.lists(st.floats(-10, 10), min_size=3, max_size=30).filter(lambda v: np.ptp(v) > 1e-3),
       ratio=st.floats(0.05, 1.0), shift=st.floats(-5, 5))
def test_corrected_t_properties(d, ratio, shift):
    """Wider than the plain paired t; a shift of the differences shifts the interval."""
    d = np.asarray(d)
    mean, se, t, p, df, ci = corrected_t(d, 1.0, ratio, 0.95)
    assert se >= d.std(ddof=1) / np.sqrt(len(d)) and df == len(d) - 1 and 0 <= p <= 1
    assert ci.low < mean < ci.high
    _, se2, _, _, _, ci2 = corrected_t(d + shift, 1.0, ratio, 0.95)
    assert se2 == pytest.approx(se, rel=1e-6)
    assert ci2 == pytest.approx((ci.low + shift, ci.high + shift), rel=1e-6, abs=1e-6)
