"""cv_permutation_test: closed form equals refits; p-values on noise are uniform (issue 17)."""

import numpy as np
import pytest
from scipy import stats
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import KFold, permutation_test_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

from resample import KFoldCV, LeaveOneOutCV, ValidationSetCV, cv_permutation_test

MSE = "neg_mean_squared_error"


def _data(n=40, p=3, seed=0, signal=0.5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, signal * X[:, 0] + rng.normal(size=n)


@pytest.mark.parametrize(
    "cv",
    [
        KFoldCV(LinearRegression(), n_splits=5, scoring=MSE, random_state=0),
        KFoldCV(Ridge(alpha=3.0), n_splits=4, n_repeats=2, shuffle=True, scoring=MSE, random_state=1),
        LeaveOneOutCV(make_pipeline(PolynomialFeatures(2), LinearRegression()), scoring=MSE),
        ValidationSetCV(LinearRegression(fit_intercept=False), test_size=0.3, scoring=MSE, random_state=2),
    ],
    ids=["kfold-ols", "repeated-ridge", "loo-poly", "validation"],
)
def test_closed_form_equals_refits(cv):
    X, y = _data()
    fast = cv_permutation_test(cv, X, y, n_permutations=30, random_state=7)
    slow = cv_permutation_test(cv.set_params(shortcut=False), X, y, n_permutations=30, random_state=7)
    assert fast.computation == "closed form" and slow.computation == "refits"
    np.testing.assert_allclose(fast.null_distribution, slow.null_distribution, rtol=1e-8)
    assert fast.score == pytest.approx(slow.score, rel=1e-8)
    assert fast.pvalue == slow.pvalue


def test_agrees_with_sklearn_on_the_same_permutations_in_distribution():
    # Same model, folds and scorer: the scores on the real data are equal; the null
    # distributions come from different permutations, so compare their means (each
    # from 300 permutations: sd of a mean about sd/17; 5 of those apart is a failure,
    # which under the same null happens with probability < 1e-6).
    X, y = _data(n=60)
    cv = KFoldCV(LinearRegression(), n_splits=5, scoring=MSE, random_state=0, shuffle=False)
    ours = cv_permutation_test(cv, X, y, n_permutations=300, random_state=0)
    score, null, pvalue = permutation_test_score(
        LinearRegression(), X, y, cv=KFold(5), scoring=MSE, n_permutations=300, random_state=0
    )
    assert ours.score == pytest.approx(score, rel=1e-10)
    gap = abs(ours.null_distribution.mean() - null.mean())
    assert gap < 5 * np.hypot(ours.null_distribution.std(), null.std()) / np.sqrt(300)


def test_pvalues_on_noise_are_uniform():
    # 200 data sets of pure noise, 99 permutations each: the p-value is uniform on
    # {0.01, ..., 1}. A chi-square test of the 10 decile counts (20 expected each)
    # rejects at level 0.001, so this fails by chance once in 1000 runs; the seed is fixed.
    rng = np.random.default_rng(2026)
    cv = KFoldCV(LinearRegression(), n_splits=10, scoring=MSE, random_state=0)
    p = []
    for _ in range(200):
        X, y = rng.normal(size=(30, 2)), rng.normal(size=30)
        p.append(cv_permutation_test(cv, X, y, n_permutations=99, random_state=rng).pvalue)
    counts = np.histogram(p, bins=np.linspace(0, 1, 11) + 1e-9)[0]
    assert stats.chisquare(counts).pvalue > 1e-3, counts
    # and with a real signal the test has power
    X, y = _data(n=60, signal=1.0)
    assert cv_permutation_test(cv, X, y, n_permutations=99, random_state=0).pvalue == 0.01


@pytest.mark.filterwarnings("ignore:The groups parameter is ignored")
def test_refits_for_other_models_and_groups():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] + rng.normal(size=40) > 0).astype(int)
    groups = np.repeat(np.arange(4), 10)
    cv = KFoldCV(LogisticRegression(), n_splits=4, random_state=0)
    res = cv_permutation_test(cv, X, y, groups=groups, n_permutations=20, random_state=1)
    assert res.computation == "refits" and res.null_distribution.shape == (20,)
    assert 1 / 21 <= res.pvalue <= 1


def test_permutations_within_groups_keep_group_targets():
    from resample._model_selection.permutation import _permutation_blocks

    groups = np.array([0, 1, 0, 1, 2, 2, 0, 1])
    (orders,) = _permutation_blocks(np.random.default_rng(0), 50, 8, groups)
    assert (groups[orders] == groups).all()  # each row gets a target of its own group
    assert len({tuple(o) for o in orders}) > 10


def test_errors():
    X, y = _data()
    with pytest.raises(TypeError, match="cross-validation estimators"):
        cv_permutation_test(LinearRegression(), X, y)
    with pytest.raises(ValueError, match="n_permutations=0"):
        cv_permutation_test(KFoldCV(LinearRegression()), X, y, n_permutations=0)
    with pytest.raises(ValueError, match="pass y"):
        cv_permutation_test(KFoldCV(LinearRegression()), X, None)
