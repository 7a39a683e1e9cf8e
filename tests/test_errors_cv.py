"""Every error message of the core's CV estimators and splitters, triggered once.

Each bad input must fail before any fit (the estimator below records fits), with a
message naming the parameter, the value received and what is allowed.
"""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression

from resample import KFoldCV, LeaveOneOutCV, ValidationSetCV
from resample.splitters import BlockedKFold, BootstrapSplit


class Recorder(RegressorMixin, BaseEstimator):
    fits = 0

    def fit(self, X, y):
        type(self).fits += 1
        self.n_features_in_ = np.shape(X)[1]
        return self

    def predict(self, X):
        return np.zeros(len(X))


class RecorderClassifier(ClassifierMixin, Recorder):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return super().fit(X, y)

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


rng = np.random.default_rng(0)
X = rng.normal(size=(20, 2))
y = rng.normal(size=20)
X_nan = X.copy()
X_nan[3, 1] = np.nan
X_inf = X.copy()
X_inf[0, 0] = np.inf
y_nan = y.copy()
y_nan[5] = np.nan
y_cls = np.array([0] * 17 + [1] * 3)

CASES = [
    # (id, callable, exception, pattern)
    ("nan-in-X", lambda: KFoldCV(Recorder()).fit(X_nan, y), ValueError, r"X contains NaN \(1 values\).*allow_nan"),
    ("inf-in-X", lambda: KFoldCV(Recorder()).fit(X_inf, y), ValueError, "X contains infinity"),
    ("nan-in-y", lambda: KFoldCV(Recorder()).fit(X, y_nan), ValueError, "y contains NaN"),
    ("lengths", lambda: KFoldCV(Recorder()).fit(X, y[:-1]), ValueError, "X has 20 samples, y has 19"),
    ("y-missing", lambda: KFoldCV(Recorder()).fit(X), ValueError, "requires y to be passed"),
    ("one-sample", lambda: KFoldCV(Recorder()).fit(X[:1], y[:1]), ValueError, "X has 1 samples; at least 2"),
    ("n_splits-low", lambda: KFoldCV(Recorder(), n_splits=1).fit(X, y), ValueError, r"n_splits=1 is out of range: it must be an int in the range \[2, inf\)"),
    ("n_splits-high", lambda: KFoldCV(Recorder(), n_splits=21).fit(X, y), ValueError, r"n_splits=21 is larger than the number of samples \(20\)"),
    ("n_splits-type", lambda: KFoldCV(Recorder(), n_splits=2.5).fit(X, y), TypeError, r"n_splits must be an int in the range \[2, inf\); got 2.5"),
    ("repeats-no-shuffle", lambda: KFoldCV(Recorder(), n_repeats=3).fit(X, y), ValueError, "n_repeats=3 with shuffle=False"),
    ("test_size-high", lambda: ValidationSetCV(Recorder(), test_size=1.5).fit(X, y), ValueError, r"test_size=1.5 is out of range.*strictly between 0 and 1"),
    ("test_size-zero", lambda: ValidationSetCV(Recorder(), test_size=0.0).fit(X, y), ValueError, r"test_size=0.0 is out of range: it must be"),
    ("test_size-count", lambda: ValidationSetCV(Recorder(), test_size=20).fit(X, y), ValueError, r"test_size=20 is out of range.*between 1 and 19"),
    ("test_size-no-train", lambda: ValidationSetCV(Recorder(), test_size=0.99).fit(X, y), ValueError, r"test_size=0.99 of 20 samples leaves 20 test and 0 training"),
    ("stratify-small-class", lambda: KFoldCV(RecorderClassifier(), n_splits=5).fit(X, y_cls), ValueError, r"class 1 has only 3 samples, fewer than n_splits=5"),
    ("stratify-text-class", lambda: KFoldCV(RecorderClassifier(), n_splits=5).fit(X, np.array(["a"] * 19 + ["b"], dtype=object)), ValueError, r"class 'b' has only 1 samples.*To fix it: merge rare classes"),
    ("stratify-continuous", lambda: KFoldCV(Recorder(), stratify=True).fit(X, y), ValueError, "stratify=True needs class labels"),
    ("groups-length", lambda: KFoldCV(Recorder()).fit(X, y, groups=np.zeros(7)), ValueError, "groups has 7 entries but X has 20 samples"),
    ("no-fit", lambda: KFoldCV(object()).fit(X, y), TypeError, r"estimator must be an object implementing 'fit'; got <object"),
    ("unknown-scoring", lambda: KFoldCV(Recorder(), scoring="accuracyy").fit(X, y), ValueError, r"scoring='accuracyy' is not a known scorer name"),
    ("scoring-type", lambda: KFoldCV(Recorder(), scoring=3).fit(X, y), (TypeError, ValueError), "scoring"),
    ("scoring-duplicate", lambda: KFoldCV(Recorder(), scoring=["r2", "r2"]).fit(X, y), ValueError, r"names 'r2' twice"),
    ("scoring-callable-in-list", lambda: KFoldCV(Recorder(), scoring=["r2", len]).fit(X, y), ValueError, r"Put callables in a dict"),
    ("scoring-empty", lambda: KFoldCV(Recorder(), scoring=[]).fit(X, y), ValueError, r"scoring=\[\] is empty"),
    ("scoring-unknown-in-list", lambda: KFoldCV(Recorder(), scoring=["r2", "accuracyy"]).fit(X, y), ValueError, r"scoring\[1\]='accuracyy' is not a known scorer name"),
    ("refit-unknown-metric", lambda: KFoldCV(Recorder(), scoring=["r2"], refit="mae").fit(X, y), ValueError, r"refit='mae' is not one of the metrics in scoring \('r2'\)"),
    ("cv-int-too-large", lambda: KFoldCV(Recorder(), cv=30).fit(X, y), ValueError, r"cv=30 is larger than the number of samples \(20\)"),
    ("cv-int-one", lambda: KFoldCV(Recorder(), cv=1).fit(X, y), ValueError, r"cv"),
    ("error_score", lambda: KFoldCV(Recorder(), error_score="ignore").fit(X, y), ValueError, r"error_score='ignore' is not allowed: it must be 'raise' or a number"),
    ("shortcut-impossible", lambda: KFoldCV(Recorder(), shortcut=True).fit(X, y), ValueError, r"shortcut=True, but the closed form cannot be used: .*LinearRegression and Ridge"),
    ("batch_folds", lambda: KFoldCV(Recorder(), batch_folds="always").fit(X, y), ValueError, r"batch_folds='always' is not allowed: it must be one of 'auto', True, False"),
    ("random_state-legacy", lambda: KFoldCV(Recorder(), shuffle=True, random_state=np.random.RandomState(0)).fit(X, y), TypeError, "legacy numpy RandomState"),
    ("random_state-negative", lambda: KFoldCV(Recorder(), shuffle=True, random_state=-1).fit(X, y), ValueError, r"random_state must be a non-negative int.*got -1"),
    ("confidence_level", lambda: KFoldCV(Recorder()).fit(X, y).confidence_interval(1.5), ValueError, r"confidence_level=1.5 is out of range"),
    ("blocked-gap", lambda: list(BlockedKFold(2, gap=10).split(X)), ValueError, r"gap=10 leaves fold 0 .* with no training data"),
    ("blocked-n_splits", lambda: list(BlockedKFold(30).split(X)), ValueError, r"n_splits=30 is larger than the number of samples \(20\)"),
    ("bootstrap-split", lambda: list(BootstrapSplit(0).split(X)), ValueError, r"n_resamples=0 is out of range"),
    ("X-1d", lambda: KFoldCV(LogisticRegression()).fit(X[:, 0], y_cls), ValueError, r"X is one-dimensional \(shape \(20,\)\), but LogisticRegression takes a 2-D array.*reshape\(-1, 1\)"),
    ("X-3d", lambda: KFoldCV(LogisticRegression()).fit(np.zeros((20, 2, 2)), y_cls), ValueError, r"X has 3 dimensions \(shape \(20, 2, 2\)\), but LogisticRegression"),
    ("X-text", lambda: KFoldCV(LogisticRegression()).fit(np.array([["a", "b"]] * 20), y_cls), TypeError, r"X holds text \(dtype <U1\), but LogisticRegression takes numbers"),
    ("loocv-one", lambda: LeaveOneOutCV(Recorder()).fit(X[:1], y[:1]), ValueError, "at least 2"),
]


@pytest.mark.parametrize("make, exc, pattern", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_fails_before_any_fit(make, exc, pattern):
    Recorder.fits = 0
    with pytest.raises(exc, match=pattern):
        make()
    if "confidence_level" not in pattern:
        assert Recorder.fits == 0


def test_nan_is_accepted_when_the_estimator_says_so():
    Xn = np.vstack([X_nan] * 3)
    cv = KFoldCV(HistGradientBoostingRegressor(max_iter=5), n_splits=3).fit(Xn, np.tile(y, 3))
    assert np.isfinite(cv.estimate_)


def test_single_class_fails_with_the_estimators_message_and_the_split():
    with pytest.raises(ValueError, match="split 0 of 2"):
        KFoldCV(LogisticRegression(), n_splits=2, stratify=False).fit(X, np.zeros(20))
