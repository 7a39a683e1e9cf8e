"""Hypothesis properties of the splitters and the exact fast paths."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

from resample import KFoldCV, LeaveOneOutCV, ValidationSetCV
from resample.splitters import BlockedKFold, BootstrapSplit

SETTINGS = settings(max_examples=30, deadline=None)


@SETTINGS
@given(n=st.integers(2, 60), k=st.integers(2, 10), shuffle=st.booleans(), seed=st.integers(0, 2**16))
def test_kfold_test_sets_partition_the_rows(n, k, shuffle, seed):
    k = min(k, n)
    X = np.arange(n, dtype=float)[:, None]
    cv = KFoldCV(Ridge(), n_splits=k, shuffle=shuffle, random_state=seed, refit=False).fit(X, X[:, 0])
    tests = [cv.result_.splits.test(i) for i in range(k)]
    np.testing.assert_array_equal(np.sort(np.concatenate(tests)), np.arange(n))
    for train, test in cv.result_.splits:
        np.testing.assert_array_equal(np.sort(np.r_[train, test]), np.arange(n))


def _problem(seed, n, p):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    return X, y


@SETTINGS
@given(seed=st.integers(0, 2**16), n=st.integers(6, 30), p=st.integers(1, 3), shortcut=st.booleans())
def test_loocv_equals_kfold_with_k_equal_n(seed, n, p, shortcut):
    X, y = _problem(seed, n, p)
    kw = dict(scoring="neg_mean_squared_error", shortcut=shortcut, refit=False)
    loo = LeaveOneOutCV(Ridge(alpha=0.5), **kw).fit(X, y)
    kf = KFoldCV(Ridge(alpha=0.5), n_splits=n, **kw).fit(X, y)
    np.testing.assert_allclose(loo.scores_, kf.scores_, rtol=1e-9, atol=1e-12)
    assert np.isclose(loo.estimate_, kf.estimate_, rtol=1e-12)


MODELS = st.sampled_from(
    [
        lambda a: LinearRegression(),
        lambda a: LinearRegression(fit_intercept=False),
        lambda a: Ridge(alpha=a),
        lambda a: Ridge(alpha=a, fit_intercept=False),
        lambda a: make_pipeline(PolynomialFeatures(2), LinearRegression()),
        lambda a: make_pipeline(PolynomialFeatures(2, include_bias=False), Ridge(alpha=a)),
    ]
)
SPLITS = st.sampled_from(["loo", "kfold", "validation", "blocked", "repeated"])


def _cv(kind, model, seed, **kw):
    return {
        "loo": lambda: LeaveOneOutCV(model, **kw),
        "kfold": lambda: KFoldCV(model, n_splits=4, shuffle=True, random_state=seed, **kw),
        "validation": lambda: ValidationSetCV(model, test_size=0.3, n_repeats=2, random_state=seed, **kw),
        "blocked": lambda: KFoldCV(model, cv=BlockedKFold(3, gap=2), **kw),
        "repeated": lambda: KFoldCV(model, n_splits=3, n_repeats=2, shuffle=True, random_state=seed, **kw),
    }[kind]()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.integers(40, 80), p=st.integers(1, 4),
       alpha=st.floats(0.01, 100.0), make=MODELS, kind=SPLITS)
def test_fast_path_equals_refit(seed, n, p, alpha, make, kind):
    """Well-conditioned Gaussian designs: the closed form and the estimator's own
    refits agree to 1e-8 relative on every split. n >= 40 keeps every training set
    (at least 22 rows) larger than the widest design (15 columns)."""
    X, y = _problem(seed, n, p)
    kw = dict(scoring="neg_mean_squared_error", refit=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a well-conditioned problem must not warn
        fast = _cv(kind, make(alpha), seed, **kw).fit(X, y)
    slow = _cv(kind, make(alpha), seed, shortcut=False, **kw).fit(X, y)
    assert fast.result_.computation == "closed form"
    assert slow.result_.computation == "refits"
    np.testing.assert_allclose(fast.scores_, slow.scores_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(fast.result_.predictions, slow.result_.predictions, rtol=1e-8, atol=1e-8)


@SETTINGS
@given(n=st.integers(4, 80), k=st.integers(2, 8), gap=st.integers(0, 5))
def test_blocked_kfold_never_trains_within_gap_of_a_test_block(n, k, gap):
    splitter = BlockedKFold(k, gap=gap)
    X = np.zeros((n, 1))
    empties = k <= n and any(max(0, s - gap) + max(0, n - e - gap) == 0 for s, e in splitter._blocks(n))
    if k > n or empties:  # the only legitimate refusals
        with pytest.raises(ValueError):
            list(splitter.split(X))
        return
    splits = list(splitter.split(X))
    tests = []
    for train, test in splits:
        assert np.all(np.diff(test) == 1)  # contiguous
        distance = np.abs(train[:, None] - test[None, :]).min(axis=1)
        assert distance.min() > gap
        assert len(train) == n - len(test) - min(gap, test[0]) - min(gap, n - 1 - test[-1])
        tests.append(test)
    np.testing.assert_array_equal(np.concatenate(tests), np.arange(n))


@SETTINGS
@given(n=st.integers(2, 50), b=st.integers(1, 20), seed=st.integers(0, 2**16))
def test_bootstrap_split_tests_on_out_of_bag_rows(n, b, seed):
    splits = list(BootstrapSplit(b, random_state=seed).split(np.zeros(n)))
    assert len(splits) == b
    for train, test in splits:
        assert len(train) == n and len(test) > 0
        np.testing.assert_array_equal(test, np.setdiff1d(np.arange(n), train))
    again = list(BootstrapSplit(b, random_state=seed).split(np.zeros(n)))
    assert all(np.array_equal(a[0], c[0]) for a, c in zip(splits, again))


def test_rank_deficient_training_sets_fall_back_to_refits():
    """Blocks of 3 rows with a gap of 2 leave 12 training rows for 15 columns."""
    X, y = _problem(0, 25, 4)
    model = make_pipeline(PolynomialFeatures(2), LinearRegression())
    cv = KFoldCV(model, cv=BlockedKFold(3, gap=2), scoring="neg_mean_squared_error").fit(X, y)
    assert cv.result_.computation == "refits"
    with pytest.raises(ValueError, match="shortcut=True, but the closed form is singular"):
        KFoldCV(model, cv=BlockedKFold(3, gap=2), scoring="neg_mean_squared_error", shortcut=True).fit(X, y)
