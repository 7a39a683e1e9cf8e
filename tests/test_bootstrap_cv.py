"""BootstrapCV: oob, .632 and .632+ against a plain reimplementation with scikit-learn."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from resample import BootstrapCV
from resample._model_selection.bootstrap_cv import _632_plus, _log_loss_rate, _squared_error_rate, _zero_one_rate


def _classification(seed, n=60, signal=1.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (signal * X[:, 0] + rng.normal(size=n) > 0).astype(int)
    return X, y


def _losses(kind, model, X, y):
    """Per-row losses of a fitted model, written out plainly."""
    if kind == "accuracy":
        return (model.predict(X) != y).astype(float)
    if kind == "neg_mean_squared_error":
        return (y - model.predict(X)) ** 2
    proba = np.clip(model.predict_proba(X), 1e-15, 1 - 1e-15)
    return -np.log(proba[np.arange(len(y)), np.searchsorted(model.classes_, y)])


def _no_information_brute_force(kind, model, X, y):
    """gamma = (1/n^2) sum_i sum_j Q(y_i, f(x_j)), all n^2 pairs (E&T 1997, eq. 27)."""
    if kind == "accuracy":
        pred = model.predict(X)
        return np.mean(y[:, None] != pred[None, :])
    if kind == "neg_mean_squared_error":
        pred = model.predict(X)
        return np.mean((y[:, None] - pred[None, :]) ** 2)
    proba = np.clip(model.predict_proba(X), 1e-15, 1 - 1e-15)
    cols = np.searchsorted(model.classes_, y)
    return np.mean(-np.log(proba[:, cols]))  # [j, i]: model at x_j, label y_i


def _reference(kind, estimator, X, y, splits, method):
    """Efron & Tibshirani (1997), eqs. 7, 24, 27-32, with a fresh fit per split."""
    n = len(y)
    sums, counts = np.zeros(n), np.zeros(n)
    for train, test in splits:
        model = clone(estimator).fit(X[train], y[train])
        sums[test] += _losses(kind, model, X[test], y[test])
        counts[test] += 1
    seen = counts > 0
    err1 = np.mean(sums[seen] / counts[seen])
    full = clone(estimator).fit(X, y)
    err = _losses(kind, full, X, y).mean()
    if method == "oob":
        return err1
    if method == ".632":
        return 0.368 * err + 0.632 * err1
    gamma = _no_information_brute_force(kind, full, X, y)
    return _632_plus_from_the_paper(err, err1, gamma)


def _632_plus_from_the_paper(err, err1, gamma):
    """E&T (1997) eqs. 24, 31, 32, term by term as printed."""
    err1_prime = min(err1, gamma)  # eq. 31
    if err1 > err and gamma > err:
        r_prime = (err1_prime - err) / (gamma - err)
    else:
        r_prime = 0.0
    err_632 = 0.368 * err + 0.632 * err1  # eq. 24
    return err_632 + (err1_prime - err) * (0.368 * 0.632 * r_prime) / (1 - 0.368 * r_prime)  # eq. 32


CASES = [
    ("accuracy", KNeighborsClassifier(3)),
    ("neg_log_loss", LogisticRegression()),
    ("neg_mean_squared_error", LinearRegression()),
]


@pytest.mark.parametrize("method", ["oob", ".632", ".632+"])
@pytest.mark.parametrize("kind, estimator", CASES)
def test_matches_a_plain_reimplementation(kind, estimator, method):
    X, y = _classification(0)
    if kind == "neg_mean_squared_error":
        y = X @ [1.0, -2.0] + np.random.default_rng(1).normal(size=len(y))
    cv = BootstrapCV(estimator, n_resamples=25, method=method, scoring=kind, random_state=0).fit(X, y)
    loss = _reference(kind, estimator, X, y, list(cv.result_.splits), method)
    expected = 1 - loss if kind == "accuracy" else -loss  # reported in the scorer's sign
    assert cv.estimate_ == pytest.approx(expected, rel=1e-10, abs=1e-12)
    assert cv.result_.estimate == cv.estimate_


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5), st.integers(5, 60))
def test_no_information_rates_in_linear_time_equal_all_pairs(seed, k, n):
    rng = np.random.default_rng(seed)
    classes = np.arange(k)
    y = rng.integers(0, k, n)
    pred = rng.integers(0, k, n)
    assert _zero_one_rate(y, pred, classes) == pytest.approx(np.mean(y[:, None] != pred[None, :]), abs=1e-12)
    proba = rng.dirichlet(np.ones(k), size=n)
    brute = np.mean(-np.log(np.clip(proba[:, y], 1e-15, 1)))
    assert _log_loss_rate(y, proba, classes) == pytest.approx(brute, rel=1e-9)
    t, f = rng.normal(size=n), rng.normal(size=n)
    assert _squared_error_rate(t, f, None) == pytest.approx(np.mean((t[:, None] - f[None, :]) ** 2), rel=1e-9)


def test_632_plus_corrects_the_632_bias_of_one_nearest_neighbour_on_noise():
    # Efron & Tibshirani's motivating case: no signal, so the true error rate is the
    # no-information rate, about 0.5. 1-NN has training error 0, so .632 reports about
    # 0.632 * 0.5; .632+ sees R near 1 (Err^(1) / gamma) and reports nearly Err^(1). With n = 100 and 50
    # resamples Err^(1) has sd about 0.05, so |.632+ - 0.5| < 0.15 is 3 sd (fails by
    # chance about once in 400 seeds) while .632 sits near 0.32.
    X, y = _classification(3, n=100, signal=0.0)
    runs = {m: BootstrapCV(KNeighborsClassifier(1), n_resamples=50, method=m, scoring="accuracy", random_state=0).fit(X, y) for m in (".632", ".632+")}
    plus, plain = 1 - runs[".632+"].estimate_, 1 - runs[".632"].estimate_
    assert runs[".632+"].error_rates_["relative_overfitting"] > 0.8
    assert abs(plus - 0.5) < 0.15
    assert plain < plus


@pytest.mark.parametrize(
    "err, err1, gamma",
    [
        (0.0, 0.55, 0.48),  # Err^(1) above gamma: 0.632 Err^(1) + 0.368 gamma, not gamma
        (0.0, 0.40, 0.50),  # below the cap: (1 - w) err + w Err^(1), w = 0.632 / (1 - 0.368 R)
        (0.10, 0.08, 0.50),  # Err^(1) below err: R' = 0, the plain .632
        (0.30, 0.45, 0.20),  # gamma below err: R' = 0, the plain .632
        (0.05, 0.30, 0.30),  # at the cap: R' = 1, the estimate is Err^(1)
    ],
)
def test_632_plus_follows_equation_32_with_the_uncapped_err1_in_err632(err, err1, gamma):
    r, weight, loss = _632_plus(err, err1, gamma)
    assert loss == pytest.approx(_632_plus_from_the_paper(err, err1, gamma), rel=1e-14)
    assert 0.0 <= r <= 1.0
    if err1 > gamma > err:
        assert loss == pytest.approx(0.632 * err1 + 0.368 * gamma, rel=1e-14)
        assert weight == pytest.approx(0.632)
    elif err1 > err and gamma > err:
        w = 0.632 / (1 - 0.368 * (err1 - err) / (gamma - err))  # eq. 29
        assert loss == pytest.approx((1 - w) * err + w * err1, rel=1e-14)
        assert weight == pytest.approx(w, rel=1e-14)
    else:
        assert loss == pytest.approx(0.368 * err + 0.632 * err1, rel=1e-14)


# Efron & Tibshirani's no-information case at the size: n = 100, p = 5,
# labels independent of X, so every model's true error rate is exactly 0.5. The
# mean .632+ estimate over 20 data sets must lie within 2 Monte Carlo standard
# errors (SE = sd over the data sets / sqrt(20)) of 0.5. Measured with these seeds
# and n_resamples=25: 1-NN 0.4796, SE 0.0130; tree 0.4862, SE 0.0083. With Err^(1)
# capped in both terms (the code before issue 12, point 3) the same fits gave 1-NN
# 0.4650, SE 0.0105, and the tree 0.4782, SE 0.0070: both more than 2 SE low, so
# this test fails on that code. For an unbiased estimator, a fresh set of seeds
# would miss the 2-SE band about 5% of the time. The seeds are fixed, so the test
# is deterministic. n_resamples=25 keeps it to a few seconds (1,000 small fits).
@pytest.mark.parametrize("estimator", [KNeighborsClassifier(1), DecisionTreeClassifier(random_state=0)], ids=["1-NN", "tree"])
def test_632_plus_is_within_two_monte_carlo_standard_errors_of_the_truth_under_no_information(estimator):
    estimates = []
    for s in range(20):
        rng = np.random.default_rng(1000 + s)
        X, y = rng.normal(size=(100, 5)), rng.integers(0, 2, 100)
        cv = BootstrapCV(estimator, n_resamples=25, method=".632+", scoring="accuracy", random_state=s).fit(X, y)
        estimates.append(1 - cv.estimate_)
    estimates = np.array(estimates)
    se = estimates.std(ddof=1) / np.sqrt(len(estimates))
    assert abs(estimates.mean() - 0.5) < 2 * se, (estimates.mean(), se)


def test_results_do_not_depend_on_n_jobs():
    X, y = _classification(4)
    one = BootstrapCV(KNeighborsClassifier(3), n_resamples=12, scoring="accuracy", random_state=5, n_jobs=1).fit(X, y)
    two = BootstrapCV(KNeighborsClassifier(3), n_resamples=12, scoring="accuracy", random_state=5, n_jobs=2).fit(X, y)
    assert one.estimate_ == two.estimate_
    np.testing.assert_array_equal(one.scores_, two.scores_)


def test_interface_matches_the_cv_estimators():
    X, y = _classification(6)
    cv = BootstrapCV(LogisticRegression(), n_resamples=10, scoring="accuracy", random_state=0).fit(X, y)
    low, high = cv.confidence_interval(0.9)
    assert low < cv.estimate_ < high
    assert cv.result_.computation == "refits" and cv.result_.method == "bootstrap .632+"
    assert len(cv.result_.to_frame()) == 10
    np.testing.assert_array_equal(cv.predict(X), cv.estimator_.predict(X))


ESTIMATORS = [
    BootstrapCV(LinearRegression(), n_resamples=5, scoring="neg_mean_squared_error"),
    BootstrapCV(LogisticRegression(), n_resamples=5, method="oob", scoring="accuracy"),
]


def _expected_failures(estimator):
    # score() is the scorer's, as for every CV class: minus the MSE, never above 0.5.
    return {"check_regressors_train": "score is the scorer's (neg_mean_squared_error), not R^2"}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failures)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(estimator)


def test_takes_every_parameter_of_the_cv_base_but_the_closed_form():
    # BootstrapCV spells out its parameters (scikit-learn reads them from __init__);
    # this catches a parameter added to the CV base and not here.
    import inspect

    from resample._model_selection.base import BaseCV

    base = set(inspect.signature(BaseCV.__init__).parameters) - {"self", "shortcut"}
    assert base <= set(inspect.signature(BootstrapCV.__init__).parameters)
