"""ISLR chapter 5 figures reproduced on the bundled Auto data."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import LeaveOneOut, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

from resample import KFoldCV, LeaveOneOutCV
from resample.datasets import load_auto
from resample.exceptions import ShortcutWarning

# Published in ISLR (2nd ed.), section 5.3.2 lab: LOOCV MSE of mpg ~ poly(horsepower, d).
BOOK_LOOCV = {1: 24.23, 2: 19.25, 3: 19.33, 4: 19.42, 5: 19.03}


@pytest.fixture(scope="module")
def auto():
    data = load_auto()
    return data[["horsepower"]], data["mpg"]


def _poly(d):
    return make_pipeline(PolynomialFeatures(d), LinearRegression())


@pytest.mark.parametrize("degree", sorted(BOOK_LOOCV))
def test_loocv_matches_the_book(auto, degree):
    X, y = auto
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShortcutWarning)
        cv = LeaveOneOutCV(_poly(degree), scoring="neg_mean_squared_error").fit(X, y)
    assert cv.result_.computation == "closed form"
    assert round(-cv.estimate_, 2) == BOOK_LOOCV[degree]


def test_raw_polynomials_warn_where_linear_regression_loses_rank(auto):
    """From d = 3 LinearRegression's SVD solver drops directions of the raw powers:
    its own refits give 20.33 (not the book's 19.33). The closed form keeps exact
    least squares and says so."""
    X, y = auto
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShortcutWarning)
        LeaveOneOutCV(_poly(2), scoring="neg_mean_squared_error").fit(X, y)  # no warning at d = 2
    with pytest.warns(ShortcutWarning, match="shortcut=False"):
        cv = LeaveOneOutCV(_poly(3), scoring="neg_mean_squared_error").fit(X, y)
    assert any("exact least squares" in note for note in cv.result_.notes)
    refits = LeaveOneOutCV(_poly(3), scoring="neg_mean_squared_error", shortcut=False).fit(X, y)
    assert refits.result_.computation == "refits"
    # scikit-learn's own loop gives the same (rank-deficient) refits
    sk = -cross_val_score(_poly(3), X, y, cv=LeaveOneOut(), scoring="neg_mean_squared_error").mean()
    assert -refits.estimate_ == pytest.approx(sk, rel=1e-10)
    assert round(sk, 2) == 20.33


def test_closed_form_at_degree_ten_is_exact_least_squares(auto):
    """Check d = 10 against brute-force LOOCV refits in extended precision of the
    same least-squares problem, posed on orthogonalised columns (mpmath would be
    slower; a QR of the centred, scaled powers in float64 per refit is accurate)."""
    X, y = auto
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShortcutWarning)
        cv = LeaveOneOutCV(_poly(10), scoring="neg_mean_squared_error").fit(X, y)
    x = X.to_numpy()[:, 0].astype(float)
    t = (x - x.mean()) / x.std()
    V = np.polynomial.legendre.legvander(t / np.abs(t).max(), 10)  # well-conditioned basis
    yv = y.to_numpy()
    err = []
    for i in range(len(yv)):
        keep = np.arange(len(yv)) != i
        coef, *_ = np.linalg.lstsq(V[keep], yv[keep], rcond=None)
        err.append((yv[i] - V[i] @ coef) ** 2)
    assert -cv.estimate_ == pytest.approx(np.mean(err), rel=1e-8)


def test_ten_fold_closed_form_equals_refits(auto):
    X, y = auto
    kw = dict(n_splits=10, shuffle=True, random_state=0, scoring="neg_mean_squared_error")
    fast = KFoldCV(_poly(2), **kw).fit(X, y)
    slow = KFoldCV(_poly(2), shortcut=False, **kw).fit(X, y)
    assert fast.result_.computation == "closed form"
    np.testing.assert_allclose(fast.scores_, slow.scores_, rtol=1e-9)


def test_agreement_check_follows_linear_regressions_own_cutoff():
    """A well-conditioned design skips the check (no full fit with refit=False),
    but a user's coarse LinearRegression(tol=...) cuts singular values that exact
    least squares keeps: then the check runs and warns."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2)) * [1.0, 0.05]  # centred condition number about 20
    y = X @ [1.0, 10.0] + rng.normal(size=80)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShortcutWarning)
        LeaveOneOutCV(LinearRegression(), scoring="neg_mean_squared_error", refit=False).fit(X, y)
    with pytest.warns(ShortcutWarning, match="differs from it"):
        LeaveOneOutCV(LinearRegression(tol=0.2), scoring="neg_mean_squared_error").fit(X, y)
