"""Issue 12, cross-validation's edges: label metrics with string classes, the wrapped
estimator's own parameter checks before the closed form, and the plain mean of the
fold scores. Each test failed before its fix (noted beside it)."""

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_regression
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import InvalidParameterError

from resample import KFoldCV, LeaveOneOutCV, ValidationSetCV


@pytest.mark.parametrize("scoring", ["f1_macro", "precision_macro", "balanced_accuracy", "accuracy"])
def test_string_labels_with_label_metrics(scoring):
    # Point 4: before, these raised "could not convert string to float" after all the fits.
    X, y = load_iris(return_X_y=True)
    classes = np.array(["setosa", "versicolor", "virginica"])
    names = classes[y]
    est = LogisticRegression(max_iter=1000)
    as_text = KFoldCV(est, n_splits=4, scoring=scoring).fit(X, names)
    as_codes = KFoldCV(est, n_splits=4, scoring=scoring).fit(X, y)
    assert as_text.estimate_ == pytest.approx(as_codes.estimate_, abs=1e-12)
    ref = cross_val_score(est, X, names, cv=StratifiedKFold(4), scoring=scoring)  # stratified, as KFoldCV for a classifier
    np.testing.assert_allclose(as_text.scores_, ref, rtol=1e-12)
    # out-of-fold predictions are labels (one vote each), not averages of label codes
    np.testing.assert_array_equal(as_text.result_.oof_predictions, classes[as_codes.result_.oof_predictions.astype(int)])


def test_numeric_labels_with_a_label_metric_vote_instead_of_averaging():
    # Before, f1_macro's held-out labels 0/1/2 were averaged over repeats (1.5 is no class).
    X, y = load_iris(return_X_y=True)
    cv = KFoldCV(DecisionTreeClassifier(random_state=0), n_splits=3, shuffle=True, n_repeats=3,
                 scoring="f1_macro", random_state=0).fit(X, y)
    assert set(np.unique(cv.result_.oof_predictions)) <= {0.0, 1.0, 2.0}


@pytest.mark.parametrize(
    "estimator, parameter",
    [(Ridge(alpha=-1.0), "alpha"), (LinearRegression(fit_intercept="yes"), "fit_intercept")],
)
@pytest.mark.parametrize("cls", [LeaveOneOutCV, KFoldCV, ValidationSetCV])
def test_wrapped_estimator_parameters_checked_before_the_closed_form(estimator, parameter, cls):
    # Point 5: before, the closed form returned a number for parameters the estimator's fit refuses.
    X, y = make_regression(n_samples=30, n_features=3, noise=1.0, random_state=0)
    with pytest.raises(InvalidParameterError, match=parameter):
        cls(estimator, scoring="neg_mean_squared_error", refit=False).fit(X, y)
    with pytest.raises(InvalidParameterError, match=parameter):  # what scikit-learn says
        estimator.fit(X, y)


@pytest.mark.parametrize("shortcut", ["auto", False])
def test_mean_score_matches_cross_val_score_with_unequal_folds(shortcut):
    # Point 10: before, there was no plain mean of fold scores to match cross_val_score(...).mean().
    X, y = make_regression(n_samples=53, n_features=4, noise=10.0, random_state=1)
    est = LinearRegression()
    cv = KFoldCV(est, n_splits=5, scoring="neg_mean_squared_error", shortcut=shortcut).fit(X, y)
    ref = cross_val_score(est, X, y, cv=KFold(5), scoring="neg_mean_squared_error")
    assert cv.mean_score_ == pytest.approx(ref.mean(), rel=1e-10)
    assert cv.result_.mean_score == cv.mean_score_
    # and estimate_ is what the docs say: the mean over all held-out rows, each fold weighted by its size
    sizes = np.array([len(t) for _, t in KFold(5).split(X)])
    assert len(set(sizes)) > 1
    assert cv.estimate_ == pytest.approx(np.average(ref, weights=sizes), rel=1e-10)
    assert abs(cv.estimate_ - cv.mean_score_) > 1e-6 * abs(cv.estimate_)
