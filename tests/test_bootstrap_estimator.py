"""BootstrapEstimator: ISLR 5.3.4, the batched least-squares path against refits, n_jobs."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures
from sklearn.utils.estimator_checks import parametrize_with_checks

from resample import BootstrapEstimator
from resample.datasets import load_auto
from resample.exceptions import DegenerateWarning


def formula_standard_errors(x, y):
    """Textbook OLS standard errors of (intercept, slope): sigma^2 = RSS / (n - 2)."""
    n = len(x)
    sxx = ((x - x.mean()) ** 2).sum()
    slope = ((x - x.mean()) * (y - y.mean())).sum() / sxx
    intercept = y.mean() - slope * x.mean()
    sigma = np.sqrt(((y - intercept - slope * x) ** 2).sum() / (n - 2))
    return sigma * np.sqrt(1 / n + x.mean() ** 2 / sxx), sigma / np.sqrt(sxx)


def test_auto_mpg_horsepower_reproduces_islr():
    auto = load_auto()
    x, y = auto["horsepower"].to_numpy(float), auto["mpg"].to_numpy(float)
    se0, se1 = formula_standard_errors(x, y)
    assert round(se0, 3) == 0.717 and round(se1, 4) == 0.0064  # ISLR's formula values (lm summary)
    be = BootstrapEstimator(LinearRegression(), n_resamples=2000, random_state=0).fit(auto[["horsepower"]], y)
    assert be.computation_ == "batched least squares"
    # ISLR: bootstrap SEs 0.8412 and 0.0073 (1000 resamples). A bootstrap SE from
    # B = 2000 draws has relative Monte Carlo sd 1/sqrt(2B) = 1.6%; +/-8% is 5 sd, a
    # chance failure once in 10^6 seeds.
    assert be.standard_errors_["intercept_"] == pytest.approx(0.8412, rel=0.08)
    assert be.standard_errors_["coef_"][0] == pytest.approx(0.0073, rel=0.08)
    # Larger than the formula: the formula assumes constant variance and a linear
    # truth, neither of which holds for mpg ~ horsepower (ISLR 5.3.4).
    assert be.standard_errors_["intercept_"] > se0 and be.standard_errors_["coef_"][0] > se1


def test_auto_quadratic_reproduces_islr_and_agrees_with_the_formula():
    auto = load_auto()
    x, y = auto["horsepower"].to_numpy(float), auto["mpg"].to_numpy(float)
    Z = np.column_stack([np.ones_like(x), x, x**2])
    rss = np.linalg.lstsq(Z, y, rcond=None)[1]
    formula = np.sqrt(rss[0] / (len(y) - 3) * np.diag(np.linalg.inv(Z.T @ Z)))
    np.testing.assert_allclose(formula, [1.800, 0.0311, 0.000122], rtol=0.01)  # ISLR's lm summary
    model = make_pipeline(PolynomialFeatures(2), LinearRegression())
    be = BootstrapEstimator(model, n_resamples=2000, random_state=0)
    with pytest.warns(DegenerateWarning, match=r"coef_ at position\(s\) \[\[0\]\]"):  # the bias column: 0
        be.fit(auto[["horsepower"]], y)
    assert be.computation_ == "batched least squares"
    boot = np.array([be.standard_errors_["intercept_"], *be.standard_errors_["coef_"][1:]])
    # ISLR (1,000 resamples): 2.098, 0.0335, 0.000120. Relative Monte Carlo sd of a
    # bootstrap SE at B = 2000 is 1/sqrt(2B) = 1.6%: 8% is 5 sd.
    np.testing.assert_allclose(boot, [2.098, 0.0335, 0.000120], rtol=0.08)
    # With the curvature in the model the formula fits better: within 20% (vs 17% and
    # 15% apart for the straight line), as the book remarks.
    np.testing.assert_allclose(boot, formula, rtol=0.2)


@pytest.mark.parametrize("resampling", ["cases", "residuals"])
def test_stateless_pipeline_steps_are_batched_and_equal_refits(resampling):
    auto = load_auto()
    X, y = auto[["horsepower", "weight"]], auto["mpg"]
    model = make_pipeline(PolynomialFeatures(2, include_bias=False), Ridge(1.0))
    kw = dict(n_resamples=40, resampling=resampling, random_state=1)
    fast = BootstrapEstimator(model, **kw).fit(X, y)
    slow = BootstrapEstimator(model, batched=False, **kw).fit(X, y)
    assert fast.computation_ == "batched least squares" and slow.computation_ == "refits"
    for name in ("coef_", "intercept_"):
        a, b = fast.results_[name].bootstrap_distribution, slow.results_[name].bootstrap_distribution
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9 * np.abs(b).max())
    low, high = fast.predict_interval(X[:5], kind="mean")
    assert np.all((low < fast.predict(X[:5])) & (fast.predict(X[:5]) < high))


def _problem(seed, n, p, k):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 50, size=p) + rng.uniform(-100, 100, size=p)
    beta = rng.normal(size=(p, k))
    y = X @ beta + rng.normal(size=(n, k)) * rng.uniform(0.1, 5)
    return X, (y[:, 0] if k == 1 else y)


@settings(max_examples=20, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(15, 40),
    st.integers(1, 4),
    st.sampled_from([1, 2]),
    st.sampled_from([LinearRegression(), LinearRegression(fit_intercept=False), Ridge(0.5), Ridge(3.0, fit_intercept=False)]),
    st.sampled_from(["cases", "residuals"]),
)
def test_batched_least_squares_equals_refits(seed, n, p, k, model, resampling):
    X, y = _problem(seed, n, p, k)
    kw = dict(n_resamples=20, resampling=resampling, random_state=seed)
    fast = BootstrapEstimator(clone(model), **kw).fit(X, y)
    slow = BootstrapEstimator(clone(model), batched=False, **kw).fit(X, y)
    assert fast.computation_ == "batched least squares" and slow.computation_ == "refits"
    assert list(fast.results_) == list(slow.results_)
    for name in fast.results_:
        a = np.asarray(fast.results_[name].bootstrap_distribution)
        b = np.asarray(slow.results_[name].bootstrap_distribution)
        # Same resamples, exact algebra: only floating point differs. Normal equations
        # on centred columns lose about cond(Z'Z) * eps; designs here have cond < 1e6.
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7 * (1 + np.abs(b).max()))


@pytest.mark.parametrize("model", [LinearRegression(), Ridge(2.0)])
def test_bca_from_closed_form_leave_one_out_equals_jackknife_refits(model):
    X, y = _problem(7, 40, 2, 1)
    kw = dict(n_resamples=300, method="bca", random_state=0)
    fast = BootstrapEstimator(clone(model), **kw).fit(X, y)
    slow = BootstrapEstimator(clone(model), batched=False, **kw).fit(X, y)
    assert "closed-form" in fast.results_["coef_"].notes[-1] and "40 jackknife refits" in slow.results_["coef_"].notes[-1]
    for name in ("coef_", "intercept_"):
        np.testing.assert_allclose(fast.results_[name].acceleration, slow.results_[name].acceleration, rtol=1e-7)
        np.testing.assert_allclose(fast.results_[name].confidence_interval, slow.results_[name].confidence_interval, rtol=1e-7)
    # The textbook jackknife of the slope, written out (E&T 1993, eq. 14.15).
    loo = np.array([clone(model).fit(np.delete(X, i, 0), np.delete(y, i)).coef_ for i in range(40)])
    u = loo.mean(axis=0) - loo
    expected = (u**3).sum(axis=0) / (6 * ((u**2).sum(axis=0)) ** 1.5)
    np.testing.assert_allclose(fast.results_["coef_"].acceleration, expected, rtol=1e-7)
    # A percentile fit of least squares can still give BCa: the leave-one-out values are kept.
    other = BootstrapEstimator(clone(model), n_resamples=300, random_state=0).fit(X, y)
    np.testing.assert_allclose(other.confidence_interval("coef_", method="bca"), fast.results_["coef_"].confidence_interval)


def test_refits_do_not_depend_on_n_jobs():
    X, y = _problem(1, 40, 2, 1)
    kw = dict(n_resamples=300, batched=False, random_state=3)  # two blocks of resamples
    one = BootstrapEstimator(Ridge(), n_jobs=1, **kw).fit(X, y)
    two = BootstrapEstimator(Ridge(), n_jobs=2, **kw).fit(X, y)
    np.testing.assert_array_equal(one.results_["coef_"].bootstrap_distribution, two.results_["coef_"].bootstrap_distribution)


def test_progress_bar_changes_nothing(capsys):
    X, y = _problem(2, 30, 2, 1)
    kw = dict(n_resamples=300, batched=False, random_state=3)
    quiet = BootstrapEstimator(Ridge(), **kw).fit(X, y)
    shown = BootstrapEstimator(Ridge(), progress=True, **kw).fit(X, y)
    np.testing.assert_array_equal(quiet.results_["coef_"].bootstrap_distribution, shown.results_["coef_"].bootstrap_distribution)
    assert "resample blocks" in capsys.readouterr().err


def test_ill_conditioned_design_falls_back_to_refits():
    x = np.linspace(1, 2, 50)
    X = np.column_stack([x, x**2, x**3, x**4, x**5, x**6])  # condition number far above 1e7
    be = BootstrapEstimator(LinearRegression(), n_resamples=10, random_state=0).fit(X, np.sin(x))
    assert be.computation_ == "refits" and "condition number" in be.notes_[0]


def test_classifier_attributes_by_refits():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] + rng.normal(size=80) > 0).astype(int)
    be = BootstrapEstimator(LogisticRegression(), n_resamples=30, random_state=0).fit(X, y)
    assert be.results_["coef_"].bootstrap_distribution.shape == (1, 2, 30)
    assert np.all(be.standard_errors_["coef_"] > 0)
    np.testing.assert_array_equal(be.predict(X), be.estimator_.predict(X))


def test_named_attributes_and_intervals_from_stored_draws():
    X, y = _problem(4, 60, 2, 1)
    be = BootstrapEstimator(Ridge(), attributes=["coef_"], n_resamples=200, random_state=0).fit(X, y)
    assert list(be.results_) == ["coef_"] and not hasattr(be, "intercept_")
    draws = be.results_["coef_"].bootstrap_distribution
    low, high = be.confidence_interval("coef_", confidence_level=0.9)
    np.testing.assert_allclose(low, np.quantile(draws, 0.05, axis=-1))
    np.testing.assert_allclose(high, np.quantile(draws, 0.95, axis=-1))
    basic = be.confidence_interval("coef_", method="basic")
    np.testing.assert_allclose(basic.low, 2 * be.coef_ - np.quantile(draws, 0.975, axis=-1))


def test_prediction_intervals_cover_new_observations():
    # y = 1 + 2x + N(0, 1): a 95% prediction interval should hold about 95% of new
    # responses. With 2,000 new points the binomial sd of the coverage is 0.5%, and
    # the interval's own estimation error (n = 200) moves it by about 1%: [0.92, 0.975]
    # is over 3 sd each side (fails by chance about once in 1,000 seeds).
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 10, 200)
    y = 1 + 2 * x + rng.normal(size=200)
    be = BootstrapEstimator(LinearRegression(), n_resamples=2000, random_state=0).fit(x[:, None], y)
    x_new = rng.uniform(0, 10, 2000)
    y_new = 1 + 2 * x_new + rng.normal(size=2000)
    low, high = be.predict_interval(x_new[:, None])
    coverage = np.mean((low <= y_new) & (y_new <= high))
    assert 0.92 <= coverage <= 0.975
    mean_low, mean_high = be.predict_interval(x_new[:, None], kind="mean")
    assert np.all(high - low > mean_high - mean_low)
    truth = 1 + 2 * x_new
    assert np.mean((mean_low <= truth) & (truth <= mean_high)) > 0.5  # a band around the line


ESTIMATORS = [
    BootstrapEstimator(LinearRegression(), n_resamples=5),
    BootstrapEstimator(Ridge(), n_resamples=5, resampling="residuals", batched=False),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(estimator)
