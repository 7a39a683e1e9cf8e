"""permutation_test: exact p-values equal SciPy's; random ones behave (issue 17)."""

import math

import numpy as np
import pytest
from scipy import stats

from resample import permutation_test


def diff_means(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def pearson(x, y, axis=-1):
    xc = x - x.mean(axis=axis, keepdims=True)
    yc = y - y.mean(axis=axis, keepdims=True)
    return (xc * yc).sum(axis=axis) / np.sqrt((xc**2).sum(axis=axis) * (yc**2).sum(axis=axis))


def three_way(x, y, z, axis=-1):  # a k-sample statistic: spread of the sample means
    return np.var(np.stack([np.mean(a, axis=axis) for a in (x, y, z)]), axis=0)


CASES = [
    ("independent", lambda r: (r.normal(size=6), r.normal(1, size=5)), diff_means),
    ("independent", lambda r: (r.integers(0, 4, 5).astype(float), r.integers(0, 4, 4).astype(float)), diff_means),
    ("independent", lambda r: (r.normal(size=3), r.normal(size=4), r.normal(1, size=3)), three_way),
    ("pairings", lambda r: (r.normal(size=6), r.normal(size=6)), pearson),
    ("samples", lambda r: (r.normal(size=8), r.normal(0.5, size=8)), diff_means),
    ("samples", lambda r: (r.normal(0.3, size=9),), lambda x, axis=-1: np.mean(x, axis=axis)),
]


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_exact_pvalues_equal_scipy(case, alternative):
    kind, make, statistic = CASES[case]
    data = make(np.random.default_rng(case))
    ours = permutation_test(data, statistic, permutation_type=kind, n_resamples=math.inf, alternative=alternative)
    theirs = stats.permutation_test(
        data, statistic, permutation_type=kind, n_resamples=np.inf, alternative=alternative, vectorized=True
    )
    assert ours.exact
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-12)
    assert ours.pvalue == pytest.approx(theirs.pvalue, rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(np.sort(ours.null_distribution), np.sort(theirs.null_distribution)[
        :: len(theirs.null_distribution) // len(ours.null_distribution)
    ] if kind == "pairings" else np.sort(theirs.null_distribution), rtol=1e-10, atol=1e-12)


def test_exact_when_few_permutations():
    x, y = np.arange(4.0), np.arange(4.0) + 2
    res = permutation_test((x, y), diff_means, n_resamples=9999)
    assert res.exact and res.n_resamples == math.comb(8, 4)
    res = permutation_test((x, y), diff_means, n_resamples=50, rng=0)
    assert not res.exact and res.n_resamples == 50 and res.null_distribution.shape == (50,)


def test_not_vectorized_and_batch_do_not_change_result():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=30), rng.normal(size=25)
    ref = permutation_test((x, y), diff_means, n_resamples=700, rng=5)
    for batch in (1, 17, 300):
        res = permutation_test((x, y), diff_means, n_resamples=700, rng=5, batch=batch)
        np.testing.assert_array_equal(res.null_distribution, ref.null_distribution)
    loop = permutation_test((x, y), lambda a, b: a.mean() - b.mean(), n_resamples=700, rng=5)
    np.testing.assert_allclose(loop.null_distribution, ref.null_distribution, rtol=1e-12)


def test_random_pvalue_close_to_exact():
    # 12 + 12 observations: 2.7 million partitions. The exact two-sided p-value of a
    # t-like statistic is near the Welch t-test's; 20000 random permutations give a
    # p-value with sd sqrt(p(1-p)/20000) <= 0.0036, so 0.02 is more than 5 sd.
    rng = np.random.default_rng(8)
    x, y = rng.normal(size=12), rng.normal(0.6, size=12)
    res = permutation_test((x, y), diff_means, n_resamples=20000, rng=1)
    theirs = stats.ttest_ind(x, y)
    assert abs(res.pvalue - theirs.pvalue) < 0.02
    assert res.pvalue >= 1 / 20001  # never zero


def test_batch_axes():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(4, 3))
    res = permutation_test((x, y), diff_means, n_resamples=math.inf)
    assert res.null_distribution.shape == (126, 3) and np.shape(res.pvalue) == (3,)
    for j in range(3):
        one = permutation_test((x[:, j], y[:, j]), diff_means, n_resamples=math.inf)
        assert res.pvalue[j] == pytest.approx(one.pvalue)


def test_errors():
    x = np.arange(5.0)
    with pytest.raises(ValueError, match="permutation_type="):
        permutation_test((x, x), diff_means, permutation_type="shuffle")
    with pytest.raises(ValueError, match="alternative="):
        permutation_test((x, x), diff_means, alternative="both")
    with pytest.raises(ValueError, match="at least two"):
        permutation_test((x,), np.mean)
    with pytest.raises(ValueError, match="equal length"):
        permutation_test((x, x[:4]), diff_means, permutation_type="pairings")
    with pytest.raises(ValueError, match="n_resamples=0"):
        permutation_test((x, x), diff_means, n_resamples=0)
