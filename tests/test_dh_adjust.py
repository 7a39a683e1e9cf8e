"""Davison-Hinkley bias-adjusted k-fold estimate (boot::cv.glm delta[2]) and out-of-fold predictions.

The reference is cv.glm's formula evaluated with brute-force numpy refits:

    CV    = sum_k (n_k / n) cost(y_k, fold-k fit on fold k)
    cost0 = cost(y, full fit) - sum_k (n_k / n) cost(y, fold-k fit on all rows)
    delta = (CV, CV + cost0)

Every random draw has a fixed seed, so each test is deterministic.
"""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import log_loss

from resample import KFoldCV, LeaveOneOutCV, ValidationSetCV


def _data(seed, n=23, p=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    return X, y


def _folds(n, K, seed):
    fold = np.random.default_rng(seed).permutation(np.arange(n) % K)
    return [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(K)]


def _ols_predict(X, y, train, rows):
    Z = np.c_[np.ones(len(X)), X]
    coef = np.linalg.lstsq(Z[train], y[train], rcond=None)[0]
    return Z[rows] @ coef


def _cv_glm_mse(X, y, pairs):
    n = len(y)
    cost = lambda a, b: np.mean((a - b) ** 2)  # noqa: E731  (cv.glm's default cost)
    everything = np.arange(n)
    cv = 0.0
    cost0 = cost(y, _ols_predict(X, y, everything, everything))
    for train, test in pairs:
        w = len(test) / n
        cv += w * cost(y[test], _ols_predict(X, y, train, test))
        cost0 -= w * cost(y, _ols_predict(X, y, train, everything))
    return cv, cv + cost0


@pytest.mark.parametrize("shortcut", ["auto", False])
def test_dh_adjusted_matches_cv_glm_formula_for_least_squares(shortcut):
    # n = 23, K = 4: folds of 6, 6, 6, 5, so the n_k / n weights matter
    X, y = _data(0)
    pairs = _folds(23, 4, seed=1)
    cv = KFoldCV(LinearRegression(), cv=pairs, scoring="neg_mean_squared_error", shortcut=shortcut).fit(X, y)
    delta1, delta2 = _cv_glm_mse(X, y, pairs)
    assert cv.result_.computation == ("closed form" if shortcut == "auto" else "refits")
    assert -cv.estimate_ == pytest.approx(delta1, rel=1e-10)
    assert -cv.estimate_adjusted_ == pytest.approx(delta2, rel=1e-10)
    assert cv.result_.estimate_adjusted == cv.estimate_adjusted_
    # statistical: the adjustment lowered the MSE for all of 200 seeds of this design tried
    assert delta2 < delta1


def test_dh_adjusted_averages_over_repeats():
    X, y = _data(2, n=30)
    kw = dict(n_splits=5, shuffle=True, n_repeats=3, random_state=0, scoring="neg_mean_squared_error")
    cv = KFoldCV(LinearRegression(), **kw).fit(X, y)
    splits, repeats = cv.result_.splits, cv.result_.repeats
    deltas = []
    for r in range(3):
        pairs = [splits[i] for i in np.flatnonzero(repeats == r)]
        deltas.append(_cv_glm_mse(X, y, pairs)[1])
    assert -cv.estimate_adjusted_ == pytest.approx(np.mean(deltas), rel=1e-10)


def test_dh_adjusted_with_log_loss_refits():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] + rng.normal(size=40) > 0).astype(int)
    pairs = _folds(40, 4, seed=2)
    est = LogisticRegression(C=0.5)
    cv = KFoldCV(est, cv=pairs, scoring="neg_log_loss").fit(X, y)
    full = clone(est).fit(X, y)
    cost = lambda model, rows: log_loss(y[rows], model.predict_proba(X[rows]), labels=[0, 1])  # noqa: E731
    everything = np.arange(40)
    delta1, cost0 = 0.0, cost(full, everything)
    for train, test in pairs:
        fold_model = clone(est).fit(X[train], y[train])
        delta1 += len(test) / 40 * cost(fold_model, test)
        cost0 -= len(test) / 40 * cost(fold_model, everything)
    assert -cv.estimate_ == pytest.approx(delta1, rel=1e-9)
    assert -cv.estimate_adjusted_ == pytest.approx(delta1 + cost0, rel=1e-9)
    assert not hasattr(cv, "estimators_")  # the fold models were only borrowed


def test_dh_is_nan_with_a_reason_where_undefined():
    X, y = _data(4)
    cv = KFoldCV(LinearRegression(), scoring="r2").fit(X, y)
    assert np.isnan(cv.estimate_adjusted_) and any("not a mean over samples" in n for n in cv.result_.notes)
    cv = KFoldCV(LinearRegression(), scoring="neg_mean_squared_error", shortcut=False, refit=False).fit(X, y)
    assert np.isnan(cv.estimate_adjusted_) and any("refit=True" in n for n in cv.result_.notes)
    gap = [(np.arange(12, 23), np.arange(0, 10)), (np.arange(0, 10), np.arange(12, 23))]
    cv = KFoldCV(LinearRegression(), cv=gap, scoring="neg_mean_squared_error").fit(X, y)
    assert np.isnan(cv.estimate_adjusted_) and any("complements" in n for n in cv.result_.notes)
    # the closed form needs no refit=True: it has the exact full fit anyway
    cv = KFoldCV(LinearRegression(), scoring="neg_mean_squared_error", refit=False).fit(X, y)
    assert np.isfinite(cv.estimate_adjusted_)
    # other methods do not compute it
    assert ValidationSetCV(LinearRegression(), random_state=0).fit(X, y).result_.estimate_adjusted is None
    assert not hasattr(LeaveOneOutCV(LinearRegression()).fit(X, y), "estimate_adjusted_")


def test_oof_predictions_average_repeated_held_out_predictions():
    X, y = _data(5, n=20)
    cv = KFoldCV(LinearRegression(), n_splits=4, shuffle=True, n_repeats=3, random_state=1,
                 scoring="neg_mean_squared_error").fit(X, y)
    total, count = np.zeros(20), np.zeros(20)
    for train, test in cv.result_.splits:
        total[test] += _ols_predict(X, y, train, test)
        count[test] += 1
    assert np.all(cv.result_.oof_counts == 3)
    assert np.allclose(cv.result_.oof_predictions, total / count, rtol=1e-10)


def test_oof_predictions_of_validation_set_repeats_leave_unseen_rows_nan():
    X, y = _data(6, n=20)
    cv = ValidationSetCV(LinearRegression(), test_size=0.2, n_repeats=2, random_state=0).fit(X, y)
    counts, oof = cv.result_.oof_counts, cv.result_.oof_predictions
    assert counts.sum() == 8 and np.all(np.isnan(oof[counts == 0])) and np.all(np.isfinite(oof[counts > 0]))


def test_oof_class_labels_by_majority_vote_and_probabilities_by_mean():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(30, 2))
    y = (X[:, 0] + 0.8 * rng.normal(size=30) > 0).astype(int)
    kw = dict(n_splits=3, shuffle=True, n_repeats=3, random_state=2)
    cv = KFoldCV(LogisticRegression(), scoring="accuracy", **kw).fit(X, y)
    votes = np.zeros((30, 2))
    for train, test in cv.result_.splits:
        votes[test, clone(LogisticRegression()).fit(X[train], y[train]).predict(X[test])] += 1
    expected = np.argmax(votes, axis=1)  # three votes: no ties
    assert np.array_equal(cv.result_.oof_predictions, expected)
    cv = KFoldCV(LogisticRegression(), scoring="neg_log_loss", **kw).fit(X, y)
    proba = np.zeros((30, 2))
    for train, test in cv.result_.splits:
        proba[test] += clone(LogisticRegression()).fit(X[train], y[train]).predict_proba(X[test]) / 3
    assert np.allclose(cv.result_.oof_predictions, proba, rtol=1e-8)
