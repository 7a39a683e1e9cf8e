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
