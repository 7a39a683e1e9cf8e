"""BootstrapEstimator: modified residuals, the wild bootstrap and strata (issue 17)."""

import numpy as np
import pytest
import statsmodels.api as sm
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures
from sklearn.tree import DecisionTreeRegressor

from resample import BootstrapEstimator


def heteroscedastic(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 3, size=n)
    y = 1 + 2 * x + rng.normal(size=n) * (0.2 + x**3)  # error sd grows with x
    return x[:, None], y


@pytest.mark.parametrize("resampling", ["modified_residuals", "wild"])
@pytest.mark.parametrize(
    "model",
    [LinearRegression(), Ridge(2.0), make_pipeline(PolynomialFeatures(2, include_bias=False), LinearRegression())],
    ids=["ols", "ridge", "poly"],
)
def test_batched_equals_refits(resampling, model):
    X, y = heteroscedastic(60)
    kw = dict(n_resamples=40, resampling=resampling, random_state=3, wild_weights="mammen")
    fast = BootstrapEstimator(model, **kw).fit(X, y)
    slow = BootstrapEstimator(model, batched=False, **kw).fit(X, y)
    assert fast.computation_ == "batched least squares" and slow.computation_ == "refits"
    for name in ("coef_", "intercept_"):
        a, b = fast.results_[name].bootstrap_distribution, slow.results_[name].bootstrap_distribution
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9 * np.abs(b).max())


@pytest.mark.parametrize("weights", ["rademacher", "mammen"])
def test_wild_se_equals_hc0_sandwich(weights):
    # beta* - beta = P (e * v) with E v = 0, E v^2 = 1, so the wild bootstrap variance is
    # exactly the HC0 sandwich P diag(e^2) P' (statsmodels computes it independently).
    # With 4000 resamples the SE's Monte Carlo relative sd is about 1/sqrt(2 * 4000) = 1.1%
    # (a little more for Mammen's skewed weights): 6% is over 5 sd.
    X, y = heteroscedastic()
    be = BootstrapEstimator(LinearRegression(), n_resamples=4000, resampling="wild", wild_weights=weights,
                            random_state=0).fit(X, y)
    hc0 = sm.OLS(y, sm.add_constant(X)).fit(cov_type="HC0").bse
    boot = [float(be.standard_errors_["intercept_"]), float(be.standard_errors_["coef_"][0])]
    np.testing.assert_allclose(boot, hc0, rtol=0.06)
    # residual resampling assumes one variance and misses the heteroscedasticity: the
    # homoscedastic SE of the slope is 0.84 of HC0's on these data (statsmodels);
    # 0.9 leaves 4 Monte Carlo sd of the ratio.
    plain = BootstrapEstimator(LinearRegression(), n_resamples=4000, resampling="residuals", random_state=0)
    assert float(plain.fit(X, y).standard_errors_["coef_"][0]) < 0.9 * hc0[1]


def test_modified_residuals_se_equals_closed_form():
    # beta* - beta = P r* with r* drawn from the centred modified residuals r~ (variance
    # s2 = mean(r~^2)), so Var beta* = s2 (Z'Z)^-1 (D&H 1997, section 6.2.3). Same
    # Monte Carlo tolerance as above.
    rng = np.random.default_rng(1)
    X = np.c_[rng.normal(size=40), rng.exponential(size=40) ** 2]  # a few high-leverage rows
    y = X @ [1.0, -0.5] + rng.normal(size=40)
    be = BootstrapEstimator(LinearRegression(), n_resamples=4000, resampling="modified_residuals",
                            random_state=0).fit(X, y)
    Z = np.c_[np.ones(40), X]
    e = y - Z @ np.linalg.lstsq(Z, y, rcond=None)[0]
    h = np.einsum("ij,ji->i", Z, np.linalg.solve(Z.T @ Z, Z.T))
    r = e / np.sqrt(1 - h)
    s2 = np.mean((r - r.mean()) ** 2)
    expected = np.sqrt(s2 * np.diag(np.linalg.inv(Z.T @ Z)))
    boot = np.r_[be.standard_errors_["intercept_"], be.standard_errors_["coef_"]]
    np.testing.assert_allclose(boot, expected, rtol=0.06)
    raw = BootstrapEstimator(LinearRegression(), n_resamples=4000, resampling="residuals", random_state=0).fit(X, y)
    assert np.all(np.r_[raw.standard_errors_["coef_"]] < boot[1:])  # raw residuals are too small by 1 - h


def test_strata_keep_class_counts():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = np.r_[np.zeros(50, int), np.ones(10, int)]
    X[y == 1] += 1.5
    be = BootstrapEstimator(LogisticRegression(), n_resamples=30, random_state=0).fit(X, y, strata=y)
    assert be.computation_ == "refits" and be.results_["coef_"].bootstrap_distribution.shape[-1] == 30
    # batched least squares with strata equals its refits
    Xr, yr = heteroscedastic(50)
    groups = (Xr[:, 0] > 1.5).astype(int)
    fast = BootstrapEstimator(LinearRegression(), n_resamples=20, random_state=1).fit(Xr, yr, strata=groups)
    slow = BootstrapEstimator(LinearRegression(), n_resamples=20, random_state=1, batched=False).fit(Xr, yr, strata=groups)
    np.testing.assert_allclose(fast.results_["coef_"].bootstrap_distribution,
                               slow.results_["coef_"].bootstrap_distribution, rtol=1e-8)


def test_strata_rows_stay_in_their_stratum():
    from resample._bootstrapping.row_samplers import StrataRows as _StrataRows
    from resample._bootstrapping.schemes import Strata

    labels = np.array([0, 1, 1, 0, 2, 2, 2, 0])
    rows = _StrataRows(Strata(labels))(np.random.default_rng(0), 100, 8)
    assert (labels[rows] == labels).all()


def test_errors():
    X, y = heteroscedastic(30)
    with pytest.raises(ValueError, match="LinearRegression or Ridge"):
        BootstrapEstimator(DecisionTreeRegressor(), resampling="modified_residuals", n_resamples=5,
                           attributes=["feature_importances_"]).fit(X, y)
    with pytest.raises(ValueError, match="needs a regressor"):
        BootstrapEstimator(LogisticRegression(), resampling="wild", n_resamples=5).fit(X, y > 3)
    with pytest.raises(ValueError, match="strata is for resampling='cases'"):
        BootstrapEstimator(LinearRegression(), resampling="wild", n_resamples=5).fit(X, y, strata=y > 3)
    with pytest.raises(ValueError, match="one label per row"):
        BootstrapEstimator(LinearRegression(), n_resamples=5).fit(X, y, strata=[0, 1])
    with pytest.raises(ValueError, match="wild_weights"):
        BootstrapEstimator(LinearRegression(), resampling="wild", wild_weights="normal").fit(X, y)
