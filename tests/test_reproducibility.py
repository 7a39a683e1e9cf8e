"""Same random_state, same numbers: across n_jobs, joblib backends and repeated runs."""

import gc
import tracemalloc

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.tree import DecisionTreeRegressor

from resample import KFoldCV, LeaveOneOutCV, ValidationSetCV


def _data(seed=0, n=60):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X[:, 0] - 2 * X[:, 1] + rng.normal(size=n)
    return X, y


ESTIMATORS = [
    lambda: KFoldCV(DecisionTreeRegressor(random_state=0), n_splits=5, shuffle=True, n_repeats=2, random_state=3),
    lambda: ValidationSetCV(DecisionTreeRegressor(max_depth=3, random_state=0), n_repeats=4, random_state=3),
    lambda: LeaveOneOutCV(DecisionTreeRegressor(max_depth=2, random_state=0)),
]


@pytest.mark.parametrize("make", ESTIMATORS)
@pytest.mark.parametrize("backend, n_jobs", [("loky", 2), ("threading", 2), ("sequential", 1)])
def test_bit_identical_across_backends_and_n_jobs(make, backend, n_jobs):
    X, y = _data()
    reference = make().fit(X, y)
    with parallel_backend(backend, n_jobs=n_jobs):
        other = make().set_params(n_jobs=n_jobs).fit(X, y)
    np.testing.assert_array_equal(reference.scores_, other.scores_)
    assert reference.estimate_ == other.estimate_
    np.testing.assert_array_equal(reference.result_.predictions, other.result_.predictions)


class Interrupting(RegressorMixin, BaseEstimator):
    # class attributes: not parameters, so not part of the cache key
    fits = 0
    stop_at = 3

    def fit(self, X, y):
        type(self).fits += 1
        if type(self).fits == type(self).stop_at:
            raise KeyboardInterrupt
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


def test_keyboard_interrupt_stops_cleanly_and_the_cache_keeps_finished_splits(tmp_path):
    X, y = _data(n=30)
    with pytest.raises(KeyboardInterrupt):
        KFoldCV(Interrupting(), n_splits=5, memory=tmp_path, refit=False).fit(X, y)
    assert Interrupting.fits == 3  # two splits finished, the third was interrupted
    Interrupting.fits, Interrupting.stop_at = 0, None
    resumed = KFoldCV(Interrupting(), n_splits=5, memory=tmp_path, refit=False).fit(X, y)
    assert Interrupting.fits == 3  # only the three unfinished splits ran again
    fresh = KFoldCV(Interrupting(), n_splits=5, refit=False).fit(X, y)
    np.testing.assert_array_equal(resumed.scores_, fresh.scores_)


def test_many_consecutive_runs_do_not_grow_memory():
    """Soak: 70 CV runs; traced Python memory after the last stays within a small
    constant of memory after the 10th (no per-run growth)."""
    X, y = _data(n=200)
    clf_y = (y > 0).astype(int)

    def run():
        KFoldCV(Ridge(), n_splits=5, shuffle=True, random_state=0, scoring="neg_mean_squared_error").fit(X, y)
        KFoldCV(LogisticRegression(), n_splits=2).fit(X, clf_y)
        LeaveOneOutCV(Ridge(), scoring="neg_mean_squared_error").fit(X, y)

    tracemalloc.start()
    try:
        for _ in range(10):
            run()
        gc.collect()
        warm, _ = tracemalloc.get_traced_memory()
        for _ in range(60):
            run()
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # keeping even one LOOCV result (200 splits, several 200-row arrays) per run
    # would add more than 60 * 8 kB
    assert after - warm < 100_000, (warm, after)
