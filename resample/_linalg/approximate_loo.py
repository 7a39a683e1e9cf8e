"""Approximate leave-one-out of L2-penalised generalised linear models: one Newton step per row.

A penalised GLM fitted on all rows minimises, in the scale of the summed loss,

    L(theta) = sum_i l_i(X_i theta) + 1/2 theta' Lambda theta,

with ``l_i`` the negative log-likelihood of row ``i`` as a function of its linear
predictor ``eta_i = X_i theta`` (a scalar for the binomial and Poisson families, a
vector of K class scores for the multinomial one) and ``Lambda`` diagonal (zero on
the intercept). Leaving row ``i`` out and taking one Newton step from the full fit
``theta`` (Beirami et al. 2017, "On optimal generalizability in parametric learning";
Rad & Maleki 2020, "A scalable estimate of the out-of-sample prediction error via
approximate leave-one-out", JRSS-B, eq. 9 / ALO) gives, with the Woodbury identity,
the held-out linear predictor without forming any leave-one-out Hessian::

    eta_{-i} = eta_i + (I - A_i W_i)^{-1} (A_i r_i + b_i),
    A_i = X_i H^{-1} X_i',   b_i = X_i H^{-1} (D theta - G),

where ``r_i`` and ``W_i`` are the gradient and Hessian of ``l_i`` in ``eta_i``
(``mu - y`` and ``Var(y)`` for the canonical links), ``H = sum_j X_j' W_j X_j +
Lambda_loo`` is the Hessian of the full loss with the leave-one-out penalty,
``D = Lambda_full - Lambda_loo`` and ``G`` the full objective's gradient at ``theta``.
For a binary or Poisson model and ``D = G = 0`` this is Rad & Maleki's
``x_i' theta + h_i l'_i / (1 - h_i l''_i)`` with ``h_i = x_i' H^{-1} x_i``. Two
terms are added to the textbook form, both exact parts of the same Newton step:

- ``D theta``: scikit-learn's ``PoissonRegressor`` puts ``alpha`` on the *mean* loss,
  so in the summed scale its penalty is ``n alpha`` on all rows and ``(n - 1) alpha``
  on a leave-one-out training set (``LogisticRegression``'s ``C`` multiplies the
  summed loss, so its penalty ``1 / C`` does not change: ``D = 0``).
- ``G``: the solver stops at a tolerance, so the full fit's gradient is small but not
  zero; including it makes the step start from the fit's true optimum conditions
  instead of assuming them.

The error of one Newton step is O(1/n) per row for smooth losses (Rad & Maleki,
theorem 3), and smaller for strong penalties (the objective is nearly quadratic).
Cost: O(n q^2 K^2 + (K q)^3) for ``q`` design columns; no refit.

The multinomial likelihood is unchanged when the same vector is added to every
class's coefficients, so its Hessian is singular along ``1_K (x) e_a`` for every
unpenalised column ``a`` (the intercept). The gradients solved against are
orthogonal to those directions, and so is every leave-one-out Hessian's action on
them, so adding ``tau`` times their projector makes ``H`` invertible without
changing any step (the class probabilities ignore a common shift of the scores).
"""

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
from scipy.special import expit, softmax

__all__ = ["GLMFit", "loo_linear_predictors", "mean_response"]

#: rows per block of the multinomial leverage blocks (bounds the (m, K, K, q) temporary)
_BLOCK_FLOATS = 4_000_000


@dataclass(frozen=True)
class GLMFit:
    """A fitted L2-penalised GLM, in the summed-loss scale.

    Attributes
    ----------
    family : {"binomial", "multinomial", "poisson"}
    Z : ndarray of shape (n, q)
        The design, with a trailing column of ones when the model has an intercept.
    theta : ndarray of shape (K, q)
        Coefficients (and intercept, last) per linear predictor; K = 1 except multinomial.
    y : ndarray
        Binary 0/1 (binomial), class index in 0..K-1 (multinomial) or counts (Poisson).
    penalty_full, penalty_loo : ndarray of shape (q,)
        Diagonal of ``Lambda`` for the fit on all n rows and on n - 1 rows.
    """

    family: str
    Z: np.ndarray
    theta: np.ndarray
    y: np.ndarray
    penalty_full: np.ndarray
    penalty_loo: np.ndarray


def mean_response(family, eta):
    """The mean of the response at linear predictors ``eta`` of shape (n, K).

    Binomial: ``P(y = 1)`` of shape (n,); multinomial: class probabilities (n, K);
    Poisson: the mean count (n,).

    Examples
    --------
    >>> mean_response("poisson", np.zeros((2, 1)))
    array([1., 1.])
    """
    if family == "binomial":
        return expit(eta[:, 0])
    if family == "poisson":
        return np.exp(eta[:, 0])
    return softmax(eta, axis=1)


def _gradient_hessian(fit, eta):
    """``r`` (n, K) and ``W`` (n, K, K): the first two derivatives of each row's loss in ``eta``."""
    mu = mean_response(fit.family, eta)
    if fit.family == "multinomial":
        Y = np.zeros_like(mu)
        Y[np.arange(len(mu)), fit.y] = 1.0
        W = -mu[:, :, None] * mu[:, None, :]
        W[:, np.arange(mu.shape[1]), np.arange(mu.shape[1])] += mu
        return mu - Y, W
    r = (mu - fit.y)[:, None]
    w = mu * (1.0 - mu) if fit.family == "binomial" else mu
    return r, w[:, None, None]


def _hessian(fit, W):
    """``sum_i X_i' W_i X_i + Lambda_loo`` (K q x K q), plus the projector onto the
    multinomial null directions (see the module docstring)."""
    Z, (K, q) = fit.Z, fit.theta.shape
    H = np.empty((K, q, K, q))
    for k in range(K):
        for m in range(k, K):
            block = Z.T @ (W[:, k, m, None] * Z)
            H[k, :, m, :] = block
            H[m, :, k, :] = block.T
    H = H.reshape(K * q, K * q)
    H[np.diag_indices_from(H)] += np.tile(fit.penalty_loo, K)
    if fit.family == "multinomial":
        free = np.flatnonzero(fit.penalty_loo == 0)
        tau = np.trace(H) / (K * q)
        for a in free:
            n_vec = np.zeros((K, q))
            n_vec[:, a] = 1.0
            n_vec = n_vec.ravel()
            H += tau * np.outer(n_vec, n_vec) / K
    return H


def loo_linear_predictors(fit):
    """Approximate leave-one-out linear predictors of every row, shape (n, K).

    Raises
    ------
    numpy.linalg.LinAlgError
        Where the penalised Hessian is singular (no penalty and dependent columns).

    Examples
    --------
    A binary logistic fit with a strong penalty: its leave-one-out predictors stay
    near the full fit's.

    >>> rng = np.random.default_rng(0)
    >>> Z = np.column_stack([rng.normal(size=50), np.ones(50)])
    >>> y = (Z[:, 0] + rng.normal(size=50) > 0).astype(float)
    >>> fit = GLMFit("binomial", Z, np.zeros((1, 2)), y, np.array([1e6, 0.0]), np.array([1e6, 0.0]))
    >>> eta = loo_linear_predictors(fit)
    >>> eta.shape
    (50, 1)
    """
    Z, theta = fit.Z, fit.theta
    K, q = theta.shape
    eta = Z @ theta.T  # (n, K)
    r, W = _gradient_hessian(fit, eta)
    H = _hessian(fit, W)
    chol = sla.cho_factor(H, lower=True, check_finite=False)  # LinAlgError where not positive definite
    G = r.T @ Z + theta * fit.penalty_full  # the full objective's gradient, (K, q)
    z0 = (theta * (fit.penalty_full - fit.penalty_loo) - G).ravel()
    v = sla.cho_solve(chol, z0, check_finite=False).reshape(K, q)
    b = Z @ v.T  # (n, K)
    if K == 1:
        V = sla.solve_triangular(chol[0], Z.T, lower=True, check_finite=False)
        A = np.einsum("qi,qi->i", V, V)  # leverages x_i' H^{-1} x_i
        w = W[:, 0, 0]
        return eta + ((A * r[:, 0] + b[:, 0]) / (1.0 - A * w))[:, None]
    A = _leverage_blocks(Z, sla.cho_solve(chol, np.eye(K * q), check_finite=False).reshape(K, q, K, q))
    I = np.eye(K)
    rhs = np.einsum("ikl,il->ik", A, r) + b
    step = np.linalg.solve(I - np.einsum("ikl,ilm->ikm", A, W), rhs[:, :, None])[:, :, 0]
    return eta + step


def _leverage_blocks(Z, Hinv):
    """``A_i[k, l] = z_i' Hinv[k, :, l, :] z_i`` for every row, in blocks of rows, shape (n, K, K)."""
    n, q = Z.shape
    K = Hinv.shape[0]
    out = np.empty((n, K, K))
    step = max(1, _BLOCK_FLOATS // (K * K * q))
    for start in range(0, n, step):
        Zb = Z[start : start + step]
        T = np.einsum("ia,kalb->iklb", Zb, Hinv, optimize=True)
        out[start : start + step] = np.einsum("iklb,ib->ikl", T, Zb)
    return out
