"""Memory stays within the documented bounds as n and the number of resamples grow."""

import tracemalloc

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Ridge
from sklearn.model_selection import LeaveOneOut

from resample import KFoldCV, LeaveOneOutCV, bootstrap

#: rows of the refit tests: n (n - 1) training indices would be 32 MB
N_REFIT = 2_000


def _peak(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_exact_loocv_memory_is_linear_in_n():
    """CVResult documents O(n_splits + held-out rows) memory, and the closed form
    needs a few copies of the design: at most (4 (p + 1) + 16) * 8 bytes a row."""
    rng = np.random.default_rng(0)
    p = 5
    for n in (2_000, 20_000):
        X = rng.normal(size=(n, p))
        y = X.sum(axis=1) + rng.normal(size=n)
        peak = _peak(lambda: LeaveOneOutCV(Ridge(), scoring="neg_mean_squared_error", refit=False).fit(X, y))
        assert peak < (4 * (p + 1) + 16) * 8 * n + 1_000_000, (n, peak)


def test_bootstrap_memory_does_not_grow_with_resamples_or_with_n_squared():
    """Resamples are drawn in blocks of BLOCK_SIZE, so peak memory is one block of
    indices plus the distribution, never n_resamples x n (SciPy holds 8 GB at
    n = 20,000 for BCa)."""
    x = np.random.default_rng(1).normal(size=100_000)
    small = _peak(lambda: bootstrap((x,), np.mean, n_resamples=499, method="BCa", rng=0))
    large = _peak(lambda: bootstrap((x,), np.mean, n_resamples=4_999, method="BCa", rng=0))
    assert large < small + 8 * 4_999 * 4 + 1_000_000  # only the longer distribution is added
    assert large < 64_000_000  # one block of 256 x 100,000 int32 indices at most would be 100 MB


class _MeanRegressor(RegressorMixin, BaseEstimator):
    """Predicts the training mean: a fit so cheap that the test measures the splits, not the model."""

    def fit(self, X, y):
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


@pytest.mark.parametrize(
    "make",
    [
        lambda: LeaveOneOutCV(_MeanRegressor(), scoring="neg_mean_squared_error", refit=False),
        # a scikit-learn splitter that yields n training arrays: read one at a time, never kept
        lambda: KFoldCV(_MeanRegressor(), cv=LeaveOneOut(), scoring="neg_mean_squared_error", refit=False),
        lambda: KFoldCV(_MeanRegressor(), cv=list(LeaveOneOut().split(np.zeros(N_REFIT))),
                        scoring="neg_mean_squared_error", refit=False),
    ],
    ids=["LeaveOneOutCV", "cv=LeaveOneOut()", "cv=list of pairs"],
)
def test_loocv_with_refits_never_holds_all_training_sets(make):
    """LOOCV with one refit per row: the n training arrays hold n (n - 1) indices
    (32 MB at n = 2000); built one per fit they cost O(n). The bound allows a few
    hundred bytes per split for its record plus 1 MB, under an eighth of n^2 indices.
    The third case starts from a list of pairs the caller already holds (those
    32 MB are the caller's, allocated before tracing): nothing is copied from it."""
    n = N_REFIT
    rng = np.random.default_rng(2)
    X = rng.normal(size=(n, 2))
    y = X[:, 0] + rng.normal(size=n)
    cv = make()
    tracemalloc.start()
    try:
        cv.fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    squared = 8 * n * (n - 1)
    assert peak < 1_000 * n + 1_000_000 < squared / 8, (peak, squared)
    # the refits ran: the estimate is minus the exact LOOCV error of the mean, n^2/(n-1)^2 * var
    expected = np.mean((y - y.mean()) ** 2) * n**2 / (n - 1) ** 2
    assert np.isclose(-cv.estimate_, expected, rtol=1e-12)
