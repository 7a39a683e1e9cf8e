"""Nested cross-validation intervals (Bates, Hastie & Tibshirani 2023) of KFoldCV.

Reference values are computed here, independently of the library: brute-force
nested loops with numpy's lstsq refits, and the estimator's arithmetic written out.
Every random draw has a fixed seed (hypothesis explores seeds but its properties
hold exactly, up to rounding), so no test here can fail by chance.
"""

import numpy as np
import pytest
from scipy import stats
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import KFold

from resample import KFoldCV, NestedCVResult
from resample._model_selection.nested import nested_splits, nested_statistics


def _linear_data(seed, n=30, p=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    return X, y


def _lstsq_sq_errors(X, y, train, test):
    Z = np.c_[np.ones(len(X)), X]
    coef = np.linalg.lstsq(Z[train], y[train], rcond=None)[0]
    return (y[test] - Z[test] @ coef) ** 2


def _brute_force_nested(X, y, folds, K):
    """Algorithm 1 with refits, on squared errors (positive losses), written out."""
    n = len(y)
    a, b, e_in_all, e_out_all = [], [], [], []
    for fold in folds:
        for k in range(K):
            outer_train = np.flatnonzero(fold != k)
            outer_test = np.flatnonzero(fold == k)
            e_out = _lstsq_sq_errors(X, y, outer_train, outer_test)
            e_in = []
            for j in range(K):
                if j == k:
                    continue
                inner_train = np.flatnonzero((fold != k) & (fold != j))
                inner_test = np.flatnonzero(fold == j)
                e_in.append(_lstsq_sq_errors(X, y, inner_train, inner_test))
            e_in = np.concatenate(e_in)
            a.append((e_in.mean() - e_out.mean()) ** 2)
            b.append(np.var(e_out, ddof=1) / len(e_out))
            e_in_all.append(e_in)
            e_out_all.append(e_out)
    e_in_all, e_out_all = np.concatenate(e_in_all), np.concatenate(e_out_all)
    mse = np.mean(a) - np.mean(b)
    err_ncv, err_cv = e_in_all.mean(), e_out_all.mean()
    naive = np.std(e_out_all, ddof=1) / np.sqrt(n)
    se = np.sqrt(min(max((K - 1) / K * mse, naive**2), K * naive**2))
    bias = (1 + (K - 2) / K) * (err_ncv - err_cv)
    return dict(mse=mse, err_ncv=err_ncv, err_cv=err_cv, naive=naive, se=se, bias=bias, centre=err_ncv - bias)


@pytest.mark.parametrize("shortcut", ["auto", False])
def test_nested_linear_equals_brute_force_refits(shortcut):
    # n = 30 with K = 4 gives unequal folds (8, 8, 7, 7): the sizes enter a, b and the means.
    X, y = _linear_data(0)
    cv = KFoldCV(
        LinearRegression(), n_splits=4, shuffle=True, random_state=3, interval="nested", nested_repeats=3,
        scoring="neg_mean_squared_error", shortcut=shortcut,
    ).fit(X, y)
    r = cv.nested_
    assert r.computation == ("closed form" if shortcut == "auto" else "refits")
    ref = _brute_force_nested(X, y, r.folds, 4)
    # the library works in the scorer's sign (minus squared error): centres flip, spreads do not
    assert r.mse == pytest.approx(ref["mse"], rel=1e-9)
    assert r.err_ncv == pytest.approx(-ref["err_ncv"], rel=1e-9)
    assert r.err_cv == pytest.approx(-ref["err_cv"], rel=1e-9)
    assert r.naive_standard_error == pytest.approx(ref["naive"], rel=1e-9)
    assert r.standard_error == pytest.approx(ref["se"], rel=1e-9)
    assert r.bias == pytest.approx(-ref["bias"], rel=1e-9)
    assert r.estimate == pytest.approx(-ref["centre"], rel=1e-9)
    z = stats.norm.ppf(0.95)
    low, high = cv.confidence_interval(0.9)
    assert low == pytest.approx(-ref["centre"] - z * ref["se"], rel=1e-9)
    assert high == pytest.approx(-ref["centre"] + z * ref["se"], rel=1e-9)


def test_nested_folds_are_partitions_of_the_right_size():
    X, y = _linear_data(1, n=23)
    r = KFoldCV(LinearRegression(), n_splits=5, interval="nested", nested_repeats=4, random_state=0,
                scoring="neg_mean_squared_error").fit(X, y).nested_
    assert len(r.folds) == 4 and r.n_repeats == 4 and r.n_splits == 5
    for fold in r.folds:
        assert sorted(np.bincount(fold).tolist()) == [4, 4, 5, 5, 5]
    assert not all(np.array_equal(r.folds[0], f) for f in r.folds[1:])  # fresh partitions


def test_ridge_closed_form_nested_equals_refits():
    X, y = _linear_data(2, n=40, p=6)
    kw = dict(n_splits=5, interval="nested", nested_repeats=2, random_state=7, scoring="neg_mean_squared_error")
    fast = KFoldCV(Ridge(alpha=3.0), **kw).fit(X, y).nested_
    slow = KFoldCV(Ridge(alpha=3.0), shortcut=False, **kw).fit(X, y).nested_
    assert fast.computation == "closed form" and slow.computation == "refits"
    for name in ("mse", "err_ncv", "err_cv", "standard_error", "estimate"):
        assert getattr(fast, name) == pytest.approx(getattr(slow, name), rel=1e-7), name


def test_nested_statistics_hand_computation():
    # K = 3 on 6 rows: folds {0,1}, {2,3}, {4,5}. nested_splits orders the fits as
    # pairs (0,1), (0,2), (1,2) with test = fold j then fold k, then outer folds 0, 1, 2.
    folds = [np.array([0, 0, 1, 1, 2, 2])]
    values = [
        np.array([1.0, 3.0, 2.0, 4.0]),  # without folds 0,1: on fold 0 (1, 3), on fold 1 (2, 4)
        np.array([5.0, 7.0, 6.0, 8.0]),  # without folds 0,2: on fold 0 (5, 7), on fold 2 (6, 8)
        np.array([1.0, 1.0, 3.0, 5.0]),  # without folds 1,2: on fold 1 (1, 1), on fold 2 (3, 5)
        np.array([2.0, 4.0]),  # outer fold 0
        np.array([0.0, 2.0]),  # outer fold 1
        np.array([4.0, 4.0]),  # outer fold 2
    ]
    r = nested_statistics(folds, values, 3, confidence_level=0.9)
    # outer 0: e_in = fold 1 without {1,0} (2, 4) + fold 2 without {2,0} (6, 8): mean 5; e_out mean 3
    # outer 1: e_in = fold 0 without {0,1} (1, 3) + fold 2 without {2,1} (3, 5): mean 3; e_out mean 1
    # outer 2: e_in = fold 0 without {0,2} (5, 7) + fold 1 without {1,2} (1, 1): mean 3.5; e_out mean 4
    a = [(5 - 3) ** 2, (3 - 1) ** 2, (3.5 - 4) ** 2]
    b = [np.var([2, 4], ddof=1) / 2, np.var([0, 2], ddof=1) / 2, 0.0]  # 1, 1, 0
    mse = np.mean(a) - np.mean(b)  # 8.25 / 3 - 2 / 3 = 2.0833...
    err_ncv = np.mean([2, 4, 6, 8, 1, 3, 3, 5, 5, 7, 1, 1])  # 46 / 12
    err_cv = np.mean([2, 4, 0, 2, 4, 4])  # 16 / 6
    naive = np.std([2, 4, 0, 2, 4, 4], ddof=1) / np.sqrt(6)
    se = np.sqrt(np.clip(2 / 3 * mse, naive**2, 3 * naive**2))
    bias = (1 + 1 / 3) * (err_ncv - err_cv)
    assert r.mse == pytest.approx(8.25 / 3 - 2 / 3)
    assert r.err_ncv == pytest.approx(46 / 12) and r.err_cv == pytest.approx(16 / 6)
    assert r.naive_standard_error == pytest.approx(naive)
    assert r.standard_error == pytest.approx(se)
    assert r.bias == pytest.approx(bias)
    assert r.estimate == pytest.approx(err_ncv - bias)
    z = stats.norm.ppf(0.95)
    assert r.confidence_interval == pytest.approx((err_ncv - bias - z * se, err_ncv - bias + z * se))
    assert isinstance(r, NestedCVResult) and "inflation" in repr(r)


def test_standard_error_is_clipped_to_naive_and_sqrt_k_naive():
    folds = [np.array([0, 0, 1, 1, 2, 2])]
    equal = [np.full(4, 2.0)] * 3 + [np.array([1.0, 3.0])] * 3  # inner mean = outer mean: mse = -1
    r = nested_statistics(folds, equal, 3)
    assert r.mse < 0 and r.standard_error == pytest.approx(r.naive_standard_error)
    far = [np.full(4, 100.0)] * 3 + [np.array([1.0, 3.0])] * 3  # inner far from outer: huge mse
    r = nested_statistics(folds, far, 3)
    assert r.standard_error == pytest.approx(np.sqrt(3) * r.naive_standard_error)


def test_batched_block_residuals_match_lstsq_and_detect_singular_blocks():
    from resample._linalg.least_squares import LeastSquaresCV, _Plan

    X, y = _linear_data(3, n=15, p=2)
    ls = LeastSquaresCV(X, y, _Plan(True, 0.0, "LinearRegression"))
    tests = [np.array([0, 4, 9]), np.array([1, 2, 3, 5]), np.array([6, 7, 8])]
    for t, e in zip(tests, ls.many_block_residuals(tests)):
        train = np.setdiff1d(np.arange(15), t)
        assert np.allclose(e**2, _lstsq_sq_errors(X, y, train, t), rtol=1e-10)
    # a dummy column set only on rows 0 and 1: leaving both out loses that direction
    Xs = np.c_[X, np.r_[1.0, 1.0, np.zeros(13)]]
    ls = LeastSquaresCV(Xs, y, _Plan(True, 0.0, "LinearRegression"))
    assert ls.many_block_residuals([np.array([0, 1, 2])]) is None


def test_singular_closed_form_falls_back_to_refits():
    # a column that is non-zero on one row only: any fit without that row loses it, so
    # the closed form is singular there; shortcut="auto" must refit and still work.
    X, y = _linear_data(4, n=24, p=2)
    X = np.c_[X, np.r_[1.0, np.zeros(23)]]
    cv = KFoldCV(LinearRegression(), n_splits=4, interval="nested", nested_repeats=2, random_state=0,
                 scoring="neg_mean_squared_error").fit(X, y)
    assert cv.nested_.computation == "refits"
    assert np.isfinite(cv.nested_.standard_error)


def test_logistic_nested_refits_stratified_and_interval_ordering():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] + rng.normal(size=60) > 0.8).astype(int)  # unbalanced classes
    cv = KFoldCV(LogisticRegression(), n_splits=4, shuffle=True, random_state=0, interval="nested",
                 nested_repeats=2, scoring="neg_log_loss").fit(X, y)
    r = cv.nested_
    assert r.computation == "refits"
    counts = np.bincount(y)
    for fold in r.folds:  # stratified: each fold holds its share of each class, to within one
        for k in range(4):
            share = np.bincount(y[fold == k], minlength=2)
            assert np.all(np.abs(share - counts / 4) <= 1)
    low90, high90 = cv.confidence_interval(0.9)
    low95, high95 = cv.confidence_interval(0.95)
    assert low95 < low90 < r.estimate < high90 < high95
    naive = cv.naive_confidence_interval(0.95)
    assert naive == pytest.approx(tuple(stats.norm.interval(0.95, cv.estimate_, cv.naive_standard_error_)))
    assert 1 <= r.inflation <= np.sqrt(4) + 1e-12
    assert cv.standard_error_ == r.standard_error and cv.result_.standard_error == r.standard_error
    assert cv.result_.interval == "nested" and "[nested]" in repr(cv.result_)
    assert any("nested" in note for note in cv.result_.notes)


def test_naive_is_the_default_and_labelled():
    X, y = _linear_data(6)
    cv = KFoldCV(LinearRegression(), scoring="neg_mean_squared_error").fit(X, y)
    assert cv.interval == "naive" and cv.nested_ is None and cv.result_.interval == "naive"
    assert "[naive]" in repr(cv.result_)
    assert cv.confidence_interval(0.9) == cv.naive_confidence_interval(0.9)
    assert cv.standard_error_ == cv.naive_standard_error_ == cv.result_.naive_standard_error


def test_nested_does_not_change_the_k_fold_estimate():
    X, y = _linear_data(7)
    kw = dict(n_splits=5, shuffle=True, random_state=11, scoring="neg_mean_squared_error")
    plain = KFoldCV(LinearRegression(), **kw).fit(X, y)
    nested = KFoldCV(LinearRegression(), interval="nested", nested_repeats=2, **kw).fit(X, y)
    assert nested.estimate_ == plain.estimate_
    assert nested.naive_standard_error_ == plain.standard_error_
    for (tr1, te1), (tr2, te2) in zip(plain.result_.splits, nested.result_.splits):
        assert np.array_equal(te1, te2)


def test_nested_with_a_fixed_seed_is_reproducible():
    X, y = _linear_data(8)
    kw = dict(n_splits=5, interval="nested", nested_repeats=3, random_state=4, scoring="neg_mean_squared_error")
    first = KFoldCV(LinearRegression(), **kw).fit(X, y).nested_
    second = KFoldCV(LinearRegression(), **kw).fit(X, y).nested_
    assert first.standard_error == second.standard_error and first.estimate == second.estimate


@pytest.mark.parametrize(
    "params, data, match",
    [
        (dict(cv=KFold(3)), "linear", "cannot use cv="),
        (dict(n_splits=2), "linear", "needs n_splits >= 3"),
        (dict(scoring="r2"), "linear", "mean of per-sample values"),
        (dict(n_splits=10), "small", "at least 2 samples per fold"),
        (dict(interval="wide"), "linear", "interval"),
        (dict(nested_repeats=0), "linear", "nested_repeats"),
    ],
)
def test_nested_errors(params, data, match):
    X, y = _linear_data(9, n=30 if data == "linear" else 15)
    kw = dict(interval="nested", scoring="neg_mean_squared_error") | params
    with pytest.raises(ValueError, match=match):
        KFoldCV(LinearRegression(), **kw).fit(X, y)


def test_nested_needs_a_target():
    from sklearn.cluster import KMeans

    X, _ = _linear_data(10)
    with pytest.raises(ValueError, match="needs a target"):
        KFoldCV(KMeans(n_clusters=2, n_init=1), interval="nested", scoring="neg_mean_squared_error").fit(X)


def test_nested_splits_pair_and_outer_layout():
    s = nested_splits([np.array([0, 1, 2, 0, 1, 2])], 3)
    assert len(s) == 3 + 3
    assert [s.test(i).tolist() for i in range(6)] == [[0, 3, 1, 4], [0, 3, 2, 5], [1, 4, 2, 5], [0, 3], [1, 4], [2, 5]]
    for i in range(6):  # training = complement of test
        train, test = s[i]
        assert sorted(np.r_[train, test].tolist()) == list(range(6))


def test_a_nested_fit_does_not_touch_the_callers_estimator():
    X, y = _linear_data(11)
    est = Ridge(alpha=2.0)
    before = clone(est).get_params()
    KFoldCV(est, interval="nested", nested_repeats=1, scoring="neg_mean_squared_error").fit(X, y)
    assert est.get_params() == before and not hasattr(est, "coef_")


def test_the_honest_cv_guide_runs(capsys):
    """The Python blocks of docs/honest_cv.md run, in order, in one namespace."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "honest_cv.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 3
    namespace = {}
    for block in blocks:
        exec(compile(block, "docs/honest_cv.md", "exec"), namespace)
    assert namespace["cv"].result_.interval == "nested" and namespace["r"].difference > 0
    assert "NestedCVResult(" in capsys.readouterr().out


# ---------------------------------------------------------------- properties
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16), K=st.integers(3, 6), scale=st.floats(-5, 5).filter(lambda s: abs(s) > 0.1),
       shift=st.floats(-10, 10))
def test_nested_statistics_are_affine_equivariant(seed, K, scale, shift):
    """Losses to scale * loss + shift: the centre follows, the standard error scales by |scale|."""
    rng = np.random.default_rng(seed)
    n = 2 * K + int(rng.integers(0, 10))
    folds = [rng.permutation(np.arange(n) % K) for _ in range(2)]
    splits = nested_splits(folds, K)
    values = [rng.exponential(size=len(splits.test(i))) for i in range(len(splits))]
    base = nested_statistics(folds, values, K)
    moved = nested_statistics(folds, [scale * v + shift for v in values], K)
    assert moved.estimate == pytest.approx(scale * base.estimate + shift, rel=1e-9, abs=1e-9)
    assert moved.standard_error == pytest.approx(abs(scale) * base.standard_error, rel=1e-9)
    assert moved.mse == pytest.approx(scale**2 * base.mse, rel=1e-9, abs=1e-12)
    assert base.naive_standard_error <= base.standard_error <= np.sqrt(K) * base.naive_standard_error * (1 + 1e-12)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.integers(20, 40), p=st.integers(1, 4), K=st.integers(3, 5),
       ridge=st.booleans())
def test_nested_closed_form_equals_refits_on_random_problems(seed, n, p, K, ridge):
    """Well-conditioned Gaussian designs: batched block solves = the estimator's own refits (1e-7)."""
    X, y = _linear_data(seed, n=n, p=p)
    model = Ridge(alpha=1.0) if ridge else LinearRegression()
    kw = dict(n_splits=K, interval="nested", nested_repeats=1, random_state=seed, scoring="neg_mean_squared_error",
              refit=False)
    fast = KFoldCV(model, **kw).fit(X, y).nested_
    slow = KFoldCV(model, shortcut=False, **kw).fit(X, y).nested_
    assert fast.computation == "closed form" and slow.computation == "refits"
    assert fast.estimate == pytest.approx(slow.estimate, rel=1e-7)
    assert fast.mse == pytest.approx(slow.mse, rel=1e-6, abs=1e-10)


def test_nested_with_repeated_k_fold_and_parallel_refits():
    rng = np.random.default_rng(12)
    X = rng.normal(size=(36, 3))
    y = (X[:, 0] + rng.normal(size=36) > 0).astype(int)
    kw = dict(n_splits=3, shuffle=True, n_repeats=2, random_state=1, interval="nested", nested_repeats=2,
              scoring="accuracy")
    one = KFoldCV(LogisticRegression(), **kw).fit(X, y)
    two = KFoldCV(LogisticRegression(), n_jobs=2, **kw).fit(X, y)
    assert one.n_splits_ == 6 and one.nested_.n_repeats == 2
    assert one.nested_.estimate == two.nested_.estimate  # results do not depend on n_jobs
    assert one.nested_.standard_error == two.nested_.standard_error
