"""scikit-learn's conventions: cv=int, return_estimator, return_train_score, cv_results_, renamed keywords."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from resample import BootstrapCV, KFoldCV, LeaveOneOutCV, ValidationSetCV


def _regression():
    return make_regression(60, 3, noise=5.0, random_state=0)


def test_cv_int_is_check_cvs_kfold_for_a_regressor():
    X, y = _regression()
    got = KFoldCV(Ridge(), cv=4, scoring="neg_mean_squared_error").fit(X, y)
    ref = cross_validate(Ridge(), X, y, cv=4, scoring="neg_mean_squared_error")
    np.testing.assert_allclose(got.scores_, ref["test_score"], rtol=1e-9)
    for (tr, te), (tr2, te2) in zip(got.result_.splits, KFold(4).split(X)):
        np.testing.assert_array_equal(te, te2)


def test_cv_int_is_check_cvs_stratified_kfold_for_a_classifier():
    X, y = load_iris(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    got = KFoldCV(model, cv=5, scoring="accuracy").fit(X, y)
    ref = cross_validate(model, X, y, cv=5, scoring="accuracy")
    np.testing.assert_allclose(got.scores_, ref["test_score"], rtol=1e-12)
    for (_, te), (_, te2) in zip(got.result_.splits, StratifiedKFold(5).split(X, y)):
        np.testing.assert_array_equal(te, te2)


def test_return_train_score_single_metric_keys_and_values_as_cross_validate():
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(max_iter=1000)
    got = KFoldCV(model, cv=5, return_train_score=True, return_estimator=True).fit(X, y)
    ref = cross_validate(model, X, y, cv=5, return_train_score=True, return_estimator=True)
    assert set(got.cv_results_) == set(ref)
    for key in ("test_score", "train_score"):
        np.testing.assert_allclose(got.cv_results_[key], ref[key], rtol=1e-12)
    np.testing.assert_allclose(got.result_.train_scores, ref["train_score"], rtol=1e-12)
    assert "train_score" in got.result_.to_frame().columns
    assert len(got.cv_results_["estimator"]) == 5
    assert len(pd.DataFrame({k: v for k, v in got.cv_results_.items() if k != "estimator"})) == 5


def test_closed_form_train_scores_on_leave_one_out_equal_refits():
    X, y = _regression()
    fast = LeaveOneOutCV(LinearRegression(), scoring="neg_mean_squared_error", return_train_score=True).fit(X, y)
    slow = LeaveOneOutCV(LinearRegression(), scoring="neg_mean_squared_error", return_train_score=True,
                         shortcut=False).fit(X, y)
    assert fast.result_.computation == "closed form" and slow.result_.computation == "refits"
    np.testing.assert_allclose(fast.result_.train_scores, slow.result_.train_scores, rtol=1e-9)


def test_return_train_score_on_bootstrap_splits_refits():
    """Out-of-bag splits are not complements: the training scores come from refits, still right."""
    X, y = _regression()
    cv = BootstrapCV(LinearRegression(), n_resamples=5, random_state=0, return_train_score=True,
                     scoring="neg_mean_squared_error").fit(X, y)
    for (train, _), score in zip(cv.result_.splits, cv.result_.train_scores):
        model = LinearRegression().fit(X[train], y[train])
        assert np.isclose(score, -np.mean((y[train] - model.predict(X[train])) ** 2), rtol=1e-10)


def test_return_estimators_still_works_with_a_future_warning_at_the_callers_line():
    X, y = _regression()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cv = KFoldCV(Ridge(), n_splits=3, return_estimators=True).fit(X, y)
    future = [w for w in caught if issubclass(w.category, FutureWarning)]
    assert len(future) == 1 and "return_estimator" in str(future[0].message)
    assert future[0].filename == __file__  # attributed to the line to change
    assert len(cv.estimators_) == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        KFoldCV(Ridge(), n_splits=3, return_estimator=True).fit(X, y)  # the new name: no warning
    assert clone(KFoldCV(Ridge(), return_estimators=True)).get_params()["return_estimators"] is True


@pytest.mark.parametrize("Cls", [KFoldCV, LeaveOneOutCV, ValidationSetCV, BootstrapCV])
def test_every_cv_class_takes_the_scikit_learn_names(Cls):
    params = Cls(Ridge()).get_params()
    for name in ("scoring", "n_jobs", "random_state", "error_score", "refit", "return_estimator",
                 "return_train_score"):
        assert name in params


def test_cv_results_frame_reads_like_cross_validates():
    X, y = _regression()
    got = KFoldCV(Ridge(), cv=KFold(3), scoring=["r2", "neg_mean_absolute_error"], return_train_score=True).fit(X, y)
    ref = cross_validate(Ridge(), X, y, cv=KFold(3), scoring=["r2", "neg_mean_absolute_error"],
                         return_train_score=True)
    assert list(pd.DataFrame(got.cv_results_).columns.sort_values()) == sorted(ref)


def test_compare_and_cv_permutation_test_take_random_state_and_rng_still_works():
    from resample import compare, cv_permutation_test

    X, y = _regression()
    new = compare(LinearRegression(), Ridge(alpha=10.0), X, y, n_repeats=2, random_state=3)
    with pytest.warns(FutureWarning, match="rng was renamed random_state") as caught:
        old = compare(LinearRegression(), Ridge(alpha=10.0), X, y, n_repeats=2, rng=3)
    assert caught[0].filename == __file__
    np.testing.assert_array_equal(new.differences, old.differences)
    cv = KFoldCV(LinearRegression(), scoring="neg_mean_squared_error")
    new = cv_permutation_test(cv, X, y, n_permutations=19, random_state=4)
    with pytest.warns(FutureWarning, match="rng was renamed random_state"):
        old = cv_permutation_test(cv, X, y, n_permutations=19, rng=4)
    np.testing.assert_array_equal(new.null_distribution, old.null_distribution)
    with pytest.raises(ValueError, match="pass only random_state=1"):
        compare(LinearRegression(), Ridge(), X, y, random_state=1, rng=2)


def test_functions_of_estimators_take_random_state_functions_of_statistics_take_rng():
    """The rule of the names: what takes estimators follows scikit-learn, what takes a statistic SciPy."""
    import inspect

    import resample

    for name in ("compare", "cv_permutation_test"):
        params = inspect.signature(getattr(resample, name)).parameters
        assert "random_state" in params
    for name in ("bootstrap", "permutation_test", "poisson_bootstrap", "bag_of_little_bootstraps"):
        params = inspect.signature(getattr(resample, name)).parameters
        assert "rng" in params and "random_state" not in params
