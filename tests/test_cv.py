"""Behaviour of the CV estimators: pooling, delegation, refit, stateless steps, protocol."""

import copy
import pickle

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    LeaveOneOut,
    StratifiedKFold,
    cross_val_predict,
    cross_val_score,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, PolynomialFeatures, StandardScaler

from resample import CVResult, KFoldCV, LeaveOneOutCV, ValidationSetCV
from resample.splitters import BlockedKFold


def _regression(n=60, p=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, X @ np.arange(1, p + 1) + rng.normal(size=n)


def _classification(n=80, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] + rng.normal(size=n) > 0).astype(int)
    return X, y


def test_kfold_scores_equal_cross_val_score():
    X, y = _classification()
    for scoring in ["accuracy", "neg_log_loss", "roc_auc", "f1"]:
        cv = KFoldCV(LogisticRegression(), n_splits=5, scoring=scoring).fit(X, y)
        sk = cross_val_score(LogisticRegression(), X, y, cv=StratifiedKFold(5), scoring=scoring)
        np.testing.assert_allclose(cv.scores_, sk, rtol=1e-12, err_msg=scoring)


def test_pooled_estimate_is_mean_of_all_held_out_values():
    X, y = _regression(n=53)
    cv = KFoldCV(KNeighborsRegressorLike(), n_splits=5, scoring="neg_mean_squared_error").fit(X, y)
    pred = cross_val_predict(KNeighborsRegressorLike(), X, y, cv=KFold(5))
    assert cv.estimate_ == pytest.approx(-np.mean((y - pred) ** 2), rel=1e-12)
    # folds of 11, 11, 11, 10, 10: the pooled mean weights each fold by its size
    assert cv.estimate_ == pytest.approx(np.average(cv.scores_, weights=[11, 11, 11, 10, 10]))
    assert cv.standard_error_ == pytest.approx(np.std(cv.scores_, ddof=1) / np.sqrt(5))


class KNeighborsRegressorLike(RegressorMixin, BaseEstimator):
    """A regressor outside the closed form: predicts the mean of the 3 nearest rows."""

    def fit(self, X, y):
        self.X_, self.y_ = np.asarray(X), np.asarray(y)
        self.n_features_in_ = self.X_.shape[1]
        return self

    def predict(self, X):
        d = ((np.asarray(X)[:, None, :] - self.X_[None]) ** 2).sum(-1)
        return self.y_[np.argsort(d, axis=1)[:, :3]].mean(axis=1)


def test_loocv_r2_pools_predictions_instead_of_nan():
    X, y = _regression()
    cv = LeaveOneOutCV(LinearRegression(), scoring="r2", shortcut=False).fit(X, y)
    pred = cross_val_predict(LinearRegression(), X, y, cv=LeaveOneOut())
    assert cv.estimate_ == pytest.approx(r2_score(y, pred), rel=1e-12)
    assert np.isnan(cv.standard_error_)
    assert any("pooled" in n for n in cv.result_.notes)


def test_loocv_log_loss_is_defined_per_sample():
    X, y = _classification(n=40)
    cv = LeaveOneOutCV(LogisticRegression(), scoring="neg_log_loss").fit(X, y)
    proba = cross_val_predict(LogisticRegression(), X, y, cv=LeaveOneOut(), method="predict_proba")
    expected = -np.mean(-np.log(proba[np.arange(len(y)), y]))
    assert cv.estimate_ == pytest.approx(expected, rel=1e-10)
    v = cv.result_.sample_values
    assert cv.standard_error_ == pytest.approx(v.std(ddof=1) / np.sqrt(len(v)))


def test_default_scoring_is_estimators_score():
    X, y = _regression()
    cv = KFoldCV(LinearRegression(), shortcut=False).fit(X, y)
    np.testing.assert_allclose(cv.scores_, cross_val_score(LinearRegression(), X, y, cv=KFold(5)))
    assert cv.result_.scoring == "r2"


def test_refit_and_delegation():
    X, y = _classification()
    cv = KFoldCV(LogisticRegression(), n_splits=4).fit(X, y)
    ref = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(cv.predict_proba(X), ref.predict_proba(X))
    np.testing.assert_array_equal(cv.predict(X), ref.predict(X))
    np.testing.assert_array_equal(cv.classes_, [0, 1])
    assert cv.score(X, y) == pytest.approx(ref.score(X, y))
    assert cv.confidence_interval(0.9).low < cv.estimate_ < cv.confidence_interval(0.9).high
    assert cv.confidence_interval(0.99).high > cv.confidence_interval(0.9).high
    no_refit = KFoldCV(LogisticRegression(), refit=False).fit(X, y)
    assert not hasattr(no_refit, "estimator_")
    with pytest.raises(AttributeError, match="refit=False"):
        no_refit.predict(X)


def test_return_estimators_gives_fold_models():
    X, y = _regression()
    cv = KFoldCV(Ridge(alpha=2.0), n_splits=3, return_estimator=True, scoring="neg_mean_squared_error").fit(X, y)
    assert cv.result_.computation == "closed form" and len(cv.estimators_) == 3
    for i, (train, test) in enumerate(cv.result_.splits):
        model = cv.estimators_[i]
        np.testing.assert_allclose(model.coef_, Ridge(alpha=2.0).fit(X[train], y[train]).coef_)
        assert -np.mean((y[test] - model.predict(X[test])) ** 2) == pytest.approx(cv.scores_[i], rel=1e-9)


def test_inputs_are_not_modified():
    X, y = _regression()
    X0, y0 = X.copy(), y.copy()
    est = make_pipeline(StandardScaler(), Ridge())
    params = copy.deepcopy(est.get_params())
    KFoldCV(est, n_splits=3, shuffle=True, random_state=0).fit(X, y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    assert not hasattr(est[-1], "coef_")
    assert est.get_params().keys() == params.keys()


class CountingTransformer(FunctionTransformer):
    calls = 0

    def transform(self, X):
        type(self).calls += len(X)
        return super().transform(X)


CountingTransformer.__resample_stateless__ = True


def test_stateless_steps_run_once_per_run_and_match_the_plain_loop():
    X, y = _regression(n=40)
    CountingTransformer.calls = 0
    model = make_pipeline(CountingTransformer(np.tanh), PolynomialFeatures(2), KNeighborsRegressorLike())
    cv = KFoldCV(model, n_splits=5, scoring="neg_mean_squared_error").fit(X, y)
    assert CountingTransformer.calls == len(X)  # once over all rows, the refit included
    plain = cross_val_score(model, X, y, cv=KFold(5), scoring="neg_mean_squared_error")
    np.testing.assert_allclose(cv.scores_, plain, rtol=1e-12)
    np.testing.assert_allclose(cv.predict(X[:5]), model.fit(X, y).predict(X[:5]))
    assert any("computed once" in n for n in cv.result_.notes)


def test_stateful_steps_are_refitted_per_fold():
    X, y = _regression()
    model = make_pipeline(StandardScaler(), KNeighborsRegressorLike())
    cv = KFoldCV(model, n_splits=4, scoring="neg_mean_squared_error").fit(X, y)
    plain = cross_val_score(model, X, y, cv=KFold(4), scoring="neg_mean_squared_error")
    np.testing.assert_allclose(cv.scores_, plain, rtol=1e-12)
    assert not any("computed once" in n for n in cv.result_.notes)


def test_any_splitter_and_groups():
    X, y = _regression(n=30)
    groups = np.repeat(np.arange(6), 5)
    cv = KFoldCV(LinearRegression(), cv=GroupKFold(3), scoring="neg_mean_squared_error").fit(X, y, groups)
    for train, test in cv.result_.splits:
        assert not set(groups[train]) & set(groups[test])
    blocked = KFoldCV(Ridge(), cv=BlockedKFold(3, gap=2), scoring="neg_mean_squared_error").fit(X, y)
    slow = KFoldCV(Ridge(), cv=BlockedKFold(3, gap=2), scoring="neg_mean_squared_error", shortcut=False).fit(X, y)
    assert blocked.result_.computation == "closed form"  # training sets are not complements: direct solve
    np.testing.assert_allclose(blocked.scores_, slow.scores_, rtol=1e-9)


def test_repeated_kfold_and_validation_set_repeats():
    X, y = _regression(n=50)
    cv = KFoldCV(Ridge(), n_splits=5, n_repeats=3, shuffle=True, random_state=0).fit(X, y)
    frame = cv.result_.to_frame()
    assert len(frame) == 15 and frame["repeat"].tolist() == [0] * 5 + [1] * 5 + [2] * 5
    val = ValidationSetCV(Ridge(), test_size=0.2, n_repeats=4, random_state=0).fit(X, y)
    assert len(val.scores_) == 4 and (val.result_.to_frame()["n_test"] == 10).all()


def test_stratified_by_default_for_classifiers():
    X, y = _classification(n=60)
    cv = KFoldCV(LogisticRegression(), n_splits=5, shuffle=True, random_state=3).fit(X, y)
    for _, test in cv.result_.splits:
        assert abs(y[test].mean() - y.mean()) < 0.1


def test_same_random_state_same_result_for_any_n_jobs():
    X, y = _classification()
    a = KFoldCV(LogisticRegression(), shuffle=True, random_state=7, n_jobs=1).fit(X, y)
    b = KFoldCV(LogisticRegression(), shuffle=True, random_state=7, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(a.scores_, b.scores_)


def test_generator_random_state_is_accepted():
    X, y = _regression()
    a = KFoldCV(Ridge(), shuffle=True, random_state=np.random.default_rng(5)).fit(X, y)
    b = KFoldCV(Ridge(), shuffle=True, random_state=np.random.default_rng(5)).fit(X, y)
    np.testing.assert_array_equal(a.scores_, b.scores_)


def test_result_is_immutable_and_pickles():
    X, y = _regression()
    cv = KFoldCV(Ridge()).fit(X, y)
    assert isinstance(cv.result_, CVResult)
    with pytest.raises(AttributeError):
        cv.result_.estimate = 0.0
    assert "k-fold" in repr(cv.result_)
    again = pickle.loads(pickle.dumps(cv))
    assert again.estimate_ == cv.estimate_


def test_clone_and_params():
    cv = KFoldCV(Ridge(alpha=3.0), n_splits=4)
    c = clone(cv)
    assert c.get_params()["estimator__alpha"] == 3.0
    c.set_params(estimator__alpha=1.0, n_splits=3)
    assert cv.estimator.alpha == 3.0 and c.n_splits == 3


class FoldBatcher(RegressorMixin, BaseEstimator):
    """A tiny estimator implementing the fold-batching protocol: mean of y."""

    batches = 0

    def __init__(self, decline=False, random_state=None):
        self.decline = decline
        self.random_state = random_state

    def fit(self, X, y):
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)

    def fit_folds(self, X, y, splits, random_states):
        if self.decline:
            return NotImplemented
        type(self).batches += 1
        assert len(random_states) == len(splits)
        # all folds at once: column means of y under a (n_splits, n) training mask
        mask = np.zeros((len(splits), len(y)))
        for k, (train, _) in enumerate(splits):
            np.add.at(mask[k], train, 1.0)
        means = mask @ np.asarray(y) / mask.sum(axis=1)
        models = []
        for m in means:
            model = clone(self)
            model.mean_ = float(m)
            models.append(model)
        return models


def test_fold_batching_protocol():
    X, y = _regression(n=30)
    FoldBatcher.batches = 0
    batched = KFoldCV(FoldBatcher(), n_splits=5, scoring="neg_mean_squared_error").fit(X, y)
    assert FoldBatcher.batches == 1 and batched.result_.batched
    single = KFoldCV(FoldBatcher(), n_splits=5, scoring="neg_mean_squared_error", batch_folds=False).fit(X, y)
    assert FoldBatcher.batches == 1 and not single.result_.batched
    np.testing.assert_allclose(batched.scores_, single.scores_, rtol=1e-12)
    declined = KFoldCV(FoldBatcher(decline=True), n_splits=5, scoring="neg_mean_squared_error").fit(X, y)
    assert not declined.result_.batched
    assert any("declined" in n for n in declined.result_.notes)
    np.testing.assert_allclose(declined.scores_, single.scores_)


class FailsOnSmallY(RegressorMixin, BaseEstimator):
    def fit(self, X, y):
        if np.min(y) < -3:
            raise ValueError("cannot handle a target below -3")
        self.n_features_in_ = np.shape(X)[1]
        return self

    def predict(self, X):
        return np.zeros(len(X))


def test_failing_fit_names_its_split():
    X = np.zeros((10, 1))
    y = np.zeros(10)
    y[7] = -5.0  # only the splits that train on row 7 fail
    with pytest.raises(ValueError, match="cannot handle") as info:
        KFoldCV(FailsOnSmallY(), n_splits=5).fit(X, y)
    assert "split 0 of 5" in "".join(getattr(info.value, "__notes__", [])) + str(info.value)
    with pytest.warns(UserWarning, match="4 of 5 fits failed"):
        cv = KFoldCV(FailsOnSmallY(), n_splits=5, error_score=np.nan, scoring="neg_mean_squared_error",
                     refit=False).fit(X, y)
    assert np.isnan(cv.scores_).sum() == 4
    assert cv.estimate_ == pytest.approx(cv.scores_[3])  # the fold that holds row 7 out
    assert any("rests on the other 1" in n for n in cv.result_.notes)
    assert [i for i, _ in cv.result_.failures] == [0, 1, 2, 4]
    assert all(msg == "ValueError: cannot handle a target below -3" for _, msg in cv.result_.failures)
