"""The least-squares fast paths chosen at scale agree with plain refits.

Blocks of more than 1000 rows used to take a per-fold refit; they now take the
Woodbury solve unless the test block holds over two thirds of the rows. Both
branches, and the Gram-Cholesky basis of well-conditioned designs, are checked
against numpy's lstsq on each training set (tolerance 1e-9 relative: the
Cholesky route squares a condition number of at most 1e3 here).
"""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import KFold, ShuffleSplit

from resample import KFoldCV, ValidationSetCV


def _refit_mse(X, y, splits, alpha=0.0):
    errors = []
    for train, test in splits:
        Z = np.c_[np.ones(len(train)), X[train]]
        if alpha:
            xm, ym = X[train].mean(0), y[train].mean()
            Xc = X[train] - xm
            b = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ (y[train] - ym))
            pred = ym + (X[test] - xm) @ b
        else:
            b = np.linalg.lstsq(Z, y[train], rcond=None)[0]
            pred = np.c_[np.ones(len(test)), X[test]] @ b
        errors.append((y[test] - pred) ** 2)
    return np.mean(np.concatenate(errors))


@pytest.mark.parametrize("alpha", [0.0, 3.0])
@pytest.mark.parametrize(
    "make, splitter",
    [
        # blocks of 1500 rows: the Woodbury branch (it used to refit each fold)
        (lambda est: KFoldCV(est, cv=KFold(2, shuffle=True, random_state=0)), KFold(2, shuffle=True, random_state=0)),
        # a test block of 80% of the rows: the direct refit branch
        (lambda est: ValidationSetCV(est, test_size=0.8, random_state=0), None),
    ],
    ids=["2-fold (Woodbury)", "validation 80% (refit)"],
)
def test_large_blocks_match_refits(make, splitter, alpha):
    rng = np.random.default_rng(0)
    n, p = 3000, 4
    X = rng.normal(size=(n, p)) * [1, 10, 0.1, 3] + 5
    y = X @ [1.0, -0.2, 4.0, 0.5] + rng.normal(size=n)
    est = Ridge(alpha=alpha) if alpha else LinearRegression()
    cv = make(est)
    cv.set_params(scoring="neg_mean_squared_error", refit=False)
    cv.fit(X, y)
    assert cv.result_.computation == "closed form"
    splits = list(cv.result_.splits)
    assert np.isclose(-cv.estimate_, _refit_mse(X, y, splits, alpha), rtol=1e-9)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_loocv_estimator_comes_from_the_same_factorisation(fit_intercept, monkeypatch):
    """estimator_ is a real fitted Ridge equal to Ridge.fit to 1e-10 (relative), built
    without calling Ridge.fit (which is made to fail during the run)."""
    import pandas as pd

    from resample import LeaveOneOutCV

    rng = np.random.default_rng(1)
    n, p = 400, 6
    X = rng.normal(size=(n, p)) * [0.1, 1, 10, 100, 1, 1] + 3
    X[:, 4] = 2.0  # a constant column: dropped from the design, coefficient 0 in both
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    X = pd.DataFrame(X, columns=[f"x{i}" for i in range(p)])
    reference = Ridge(alpha=2.5, fit_intercept=fit_intercept).fit(X, y)

    def no_fit(self, *args, **kwargs):
        raise AssertionError("Ridge.fit ran: the closed form should build estimator_ itself")

    monkeypatch.setattr(Ridge, "fit", no_fit)
    cv = LeaveOneOutCV(Ridge(alpha=2.5, fit_intercept=fit_intercept), scoring="neg_mean_squared_error").fit(X, y)
    est = cv.estimator_
    assert type(est) is Ridge and est.get_params() == reference.get_params()
    scale = np.abs(reference.coef_).max()
    np.testing.assert_allclose(est.coef_, reference.coef_, rtol=0, atol=1e-10 * scale)
    assert abs(est.intercept_ - reference.intercept_) <= 1e-10 * max(1.0, abs(reference.intercept_))
    assert list(est.feature_names_in_) == list(X.columns) and est.n_features_in_ == p
    np.testing.assert_allclose(cv.predict(X), reference.predict(X), rtol=1e-10)
