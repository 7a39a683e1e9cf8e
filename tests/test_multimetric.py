"""Several metrics in one run (scoring=[...] or a dict), checked against scikit-learn's cross_validate.

The oracle is ``cross_validate`` on the same splits: its per-fold test and training
scores are computed by scikit-learn's own refits and scorers, independently of the
closed form and of our scoring code. Tolerances: 1e-9 relative where our number
comes from the closed form (exact least squares against LinearRegression's lstsq,
rounding only), exact (1e-12) where both refit the same estimator.
"""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.datasets import load_breast_cancer, make_regression
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import make_scorer, r2_score
from sklearn.model_selection import KFold, LeaveOneOut, cross_val_predict, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from resample import BootstrapCV, KFoldCV, LeaveOneOutCV, ValidationSetCV

REGRESSION = ["neg_mean_squared_error", "r2", "neg_mean_absolute_error", "neg_root_mean_squared_error",
              "explained_variance", "neg_median_absolute_error", "neg_max_error"]


def _data(n=80, p=3, seed=0):
    return make_regression(n, p, noise=5.0, random_state=seed)


def _assert_like_cross_validate(cv, ref, names, rtol):
    for name in names:
        np.testing.assert_allclose(cv.cv_results_[f"test_{name}"], ref[f"test_{name}"], rtol=rtol, atol=1e-10,
                                   err_msg=f"test_{name}")
        if f"train_{name}" in ref:
            np.testing.assert_allclose(cv.cv_results_[f"train_{name}"], ref[f"train_{name}"], rtol=rtol,
                                       atol=1e-10, err_msg=f"train_{name}")


@pytest.mark.parametrize("model", [LinearRegression(), Ridge(alpha=3.0),
                                   make_pipeline(PolynomialFeatures(2), LinearRegression())])
def test_closed_form_gives_every_predict_metric_as_cross_validate(model):
    X, y = _data()
    folds = KFold(5, shuffle=True, random_state=1)
    cv = KFoldCV(model, cv=folds, scoring=REGRESSION, return_train_score=True).fit(X, y)
    ref = cross_validate(model, X, y, cv=folds, scoring=REGRESSION, return_train_score=True)
    assert {cv.results_[name].computation for name in REGRESSION} == {"closed form"}
    _assert_like_cross_validate(cv, ref, REGRESSION, rtol=1e-9)
    assert set(cv.cv_results_) == set(ref)  # the same keys as scikit-learn's dict


def test_refits_give_every_metric_as_cross_validate_from_one_fit_per_split():
    X, y = _data()
    counter = _CountingRidge()
    cv = KFoldCV(counter, n_splits=4, scoring=REGRESSION, return_train_score=True, refit=False).fit(X, y)
    ref = cross_validate(Ridge(alpha=1.0), X, y, cv=KFold(4), scoring=REGRESSION, return_train_score=True)
    _assert_like_cross_validate(cv, ref, REGRESSION, rtol=1e-12)
    assert {cv.results_[name].computation for name in REGRESSION} == {"refits"}
    assert _CountingRidge.fits == 4  # seven metrics and training scores, one fit per split


class _CountingRidge(RegressorMixin, BaseEstimator):
    """Ridge(alpha=1) under another class (so the closed form does not apply), counting its fits."""

    fits = 0

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def fit(self, X, y):
        type(self).fits += 1
        self.model_ = Ridge(alpha=self.alpha).fit(X, y)
        return self

    def predict(self, X):
        return self.model_.predict(X)

    def __sklearn_clone__(self):  # reset nothing: the count is per class
        return type(self)(alpha=self.alpha)


@pytest.fixture(autouse=True)
def _reset_count():
    _CountingRidge.fits = 0


def test_classifier_metrics_of_probabilities_and_labels_as_cross_validate():
    X, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    scoring = {"acc": "accuracy", "ll": "neg_log_loss", "auc": "roc_auc", "f1": "f1",
               "bal": make_scorer(lambda t, p: np.mean(t == p))}
    cv = KFoldCV(model, cv=5, scoring=scoring, return_train_score=True).fit(X, y)
    ref = cross_validate(model, X, y, cv=5, scoring=scoring, return_train_score=True)
    _assert_like_cross_validate(cv, ref, list(scoring), rtol=1e-12)
    assert list(cv.results_) == list(scoring) and cv.results_.primary == "acc"
    # the pooled estimate of a per-sample metric is the mean over all held-out rows
    acc = cross_val_predict(model, X, y, cv=5)
    assert np.isclose(cv.results_["acc"].estimate, np.mean(acc == y), rtol=1e-12)


def test_each_metric_equals_its_own_single_metric_run():
    X, y = _data()
    for Cls, kw in [(KFoldCV, dict(n_splits=4, shuffle=True, n_repeats=2, random_state=3)),
                    (ValidationSetCV, dict(n_repeats=5, random_state=3)),
                    (LeaveOneOutCV, {})]:
        multi = Cls(LinearRegression(), scoring=["r2", "neg_mean_squared_error", "neg_mean_absolute_error"], **kw)
        multi.fit(X, y)
        for name in multi.results_:
            single = Cls(LinearRegression(), scoring=name, **kw).fit(X, y)
            got = multi.results_[name]
            np.testing.assert_allclose(got.scores, single.scores_, rtol=1e-9, atol=1e-12)
            assert np.isclose(got.estimate, single.estimate_, rtol=1e-9)
            assert np.isclose(got.standard_error, single.standard_error_, rtol=1e-9, equal_nan=True)


def test_loocv_r2_from_the_closed_form_is_r2_of_the_pooled_refit_predictions():
    X, y = _data(n=40)
    cv = LeaveOneOutCV(LinearRegression(), scoring=["neg_mean_squared_error", "r2"]).fit(X, y)
    pooled = cross_val_predict(LinearRegression(), X, y, cv=LeaveOneOut())
    assert cv.results_["r2"].computation == "closed form"
    assert np.isclose(cv.results_["r2"].estimate, r2_score(y, pooled), rtol=1e-10)
    assert np.isclose(-cv.results_["neg_mean_squared_error"].estimate, np.mean((y - pooled) ** 2), rtol=1e-10)


def test_closed_form_metrics_and_a_custom_scorer_share_the_run():
    """A scorer that is not a plain metric of predict is refitted; the others stay closed form."""
    X, y = _data()

    def median_error(estimator, X_, y_):  # a plain callable: not derivable from predictions
        return -float(np.median(np.abs(y_ - estimator.predict(X_))))

    scoring = {"mse": "neg_mean_squared_error", "r2": "r2", "median": median_error}
    cv = KFoldCV(LinearRegression(), cv=KFold(5), scoring=scoring, return_train_score=True).fit(X, y)
    ref = cross_validate(LinearRegression(), X, y, cv=KFold(5), scoring=scoring, return_train_score=True)
    _assert_like_cross_validate(cv, ref, list(scoring), rtol=1e-9)
    assert [r.computation for r in cv.results_.values()] == ["closed form", "closed form", "refits"]


def test_refit_names_the_primary_metric():
    X, y = _data()
    cv = KFoldCV(LinearRegression(), scoring=["neg_mean_squared_error", "r2"], refit="r2").fit(X, y)
    assert cv.results_.primary == "r2" and cv.result_ is cv.results_["r2"]
    assert cv.estimate_ == cv.results_["r2"].estimate
    assert np.isclose(cv.score(X, y), r2_score(y, cv.predict(X)))
    low, high = cv.confidence_interval(0.9, metric="neg_mean_squared_error")
    mse = cv.results_["neg_mean_squared_error"]
    assert np.isclose((low + high) / 2, mse.estimate) and high - low < mse.confidence_interval[1] - mse.confidence_interval[0]


def test_shortcut_true_refuses_a_metric_the_closed_form_cannot_give():
    X, y = _data()
    with pytest.raises(ValueError, match="metric 'median' needs more than predict"):
        KFoldCV(LinearRegression(), scoring={"r2": "r2", "median": lambda e, X_, y_: 0.0}, shortcut=True).fit(X, y)


def test_bootstrap_cv_each_metric_as_its_own_run():
    X, y = _data(n=50)
    kw = dict(n_resamples=20, random_state=0, method=".632")
    multi = BootstrapCV(LinearRegression(), scoring=["neg_mean_squared_error", "neg_mean_absolute_error"], **kw)
    multi.fit(X, y)
    for name in multi.results_:
        single = BootstrapCV(LinearRegression(), scoring=name, **kw).fit(X, y)
        assert np.isclose(multi.results_[name].estimate, single.estimate_, rtol=1e-9)
    assert multi.results_.primary == "neg_mean_squared_error"
    assert np.isclose(multi.error_rates_["training"], BootstrapCV(LinearRegression(), **kw,
                      scoring="neg_mean_squared_error").fit(X, y).error_rates_["training"])


def test_bootstrap_cv_refuses_a_metric_that_is_not_a_loss_before_any_fit():
    X, y = _data(n=30)
    with pytest.raises(ValueError, match="not a mean of a per-sample loss"):
        BootstrapCV(_CountingRidge(), scoring=["neg_mean_squared_error", "r2"]).fit(X, y)
    assert _CountingRidge.fits == 0


def test_cache_keeps_every_metric(tmp_path, monkeypatch):
    monkeypatch.setenv("RESAMPLE_CACHE_KEY_FILE", str(tmp_path / "key"))
    X, y = _data()
    kw = dict(n_splits=4, scoring=["r2", "neg_mean_absolute_error"], memory=tmp_path / "cache", refit=False)
    first = KFoldCV(_CountingRidge(), **kw).fit(X, y)
    again = KFoldCV(_CountingRidge(), **kw).fit(X, y)
    assert _CountingRidge.fits == 4  # the second run read every split back
    for name in first.results_:
        np.testing.assert_array_equal(first.results_[name].scores, again.results_[name].scores)
        np.testing.assert_array_equal(first.results_[name].sample_values if first.results_[name].sample_values
                                      is not None else [], again.results_[name].sample_values
                                      if again.results_[name].sample_values is not None else [])


def test_nested_interval_covers_the_primary_metric_only():
    X, y = _data()
    cv = KFoldCV(LinearRegression(), scoring=["r2", "neg_mean_squared_error"], refit="neg_mean_squared_error",
                 interval="nested", nested_repeats=3, random_state=0).fit(X, y)
    assert cv.results_["neg_mean_squared_error"].interval == "nested"
    assert cv.results_["r2"].interval == "naive"
    assert not any("nested" in n for n in cv.results_["r2"].notes)


def test_caller_objects_unchanged_and_clone_round_trips():
    X, y = _data()
    scoring = {"r2": "r2", "mae": "neg_mean_absolute_error"}
    before = dict(scoring)
    cv = KFoldCV(LinearRegression(), scoring=scoring, refit="mae")
    cv.fit(X, y)
    assert scoring == before
    assert clone(cv).get_params()["scoring"] == scoring and clone(cv).get_params()["refit"] == "mae"


def test_numpy_forms_of_r2_and_rmse_equal_scikit_learns():
    """The closed form scores splits with numpy forms of r2 and RMSE (no per-call validation): same numbers."""
    import warnings

    from sklearn.metrics import root_mean_squared_error

    from resample._model_selection.scoring import _r2, _rmse

    rng = np.random.default_rng(5)
    cases = [(rng.normal(size=n), rng.normal(size=n)) for n in (1, 2, 3, 10, 100)]
    cases += [(np.ones(4), np.ones(4)), (np.ones(4), np.zeros(4)), (np.arange(5.0), np.arange(5.0))]
    for y, p in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # r2 of one row warns and gives NaN
            expected = r2_score(y, p)
        assert np.isclose(_r2(y, p), expected, rtol=1e-12, equal_nan=True)
        assert np.isclose(_rmse(y, p), root_mean_squared_error(y, p), rtol=1e-12)


def test_loocv_with_train_scores_matches_cross_validate():
    X, y = _data(n=30)
    scoring = ["neg_mean_squared_error", "neg_root_mean_squared_error", "neg_mean_absolute_error"]
    cv = LeaveOneOutCV(LinearRegression(), scoring=scoring, return_train_score=True).fit(X, y)
    ref = cross_validate(LinearRegression(), X, y, cv=LeaveOneOut(), scoring=scoring, return_train_score=True)
    _assert_like_cross_validate(cv, ref, scoring, rtol=1e-9)
