"""Memory stays within the documented bounds as n and the number of resamples grow."""

import tracemalloc

import numpy as np
from sklearn.linear_model import Ridge

from resample import LeaveOneOutCV, bootstrap


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
