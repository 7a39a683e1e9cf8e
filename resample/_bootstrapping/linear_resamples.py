"""Every bootstrap resample of a least-squares model at once, without refits.

A resample of cases is a vector of counts ``w`` and its normal equations are
``sum_i w_i z_i z_i' beta = sum_i w_i z_i y_i``, so one matrix product of the counts
with a precomputed table of the rows' ``z_i z_i'`` and ``z_i y_i`` gives every
resample's equations at once, and a batched solve their coefficients. Residual
resampling keeps the design fixed: ``beta*_b = P y*_b`` with one projection ``P``.
Used by :class:`~resample._bootstrapping.estimator.BootstrapEstimator`.
"""

import math
import numbers

import numpy as np
from sklearn.linear_model import LinearRegression, Ridge

from resample._bootstrapping.draws import counts

__all__ = ["MAX_CONDITION", "least_squares_penalty", "LinearResamples", "solve_blocks", "as_attributes"]


#: Largest condition number of the (centred, intercept-augmented) design for which
#: the normal equations of the batched path are trusted; beyond it, refits.
MAX_CONDITION = 1e7


def least_squares_penalty(estimator):
    """The ridge penalty of a plain least-squares model (0 for OLS), else None."""
    if type(estimator) is LinearRegression and not estimator.positive:
        return 0.0
    if type(estimator) is Ridge and not estimator.positive and isinstance(estimator.alpha, numbers.Real):
        return float(estimator.alpha)
    return None


class LinearResamples:
    """All resamples of a (ridge) least-squares fit, solved together.

    Columns are centred at the full-data means (exact for a model with an
    intercept) and scaled to unit root-mean-square, which keeps the normal
    equations well conditioned (raw polynomial columns of horsepower differ by
    four orders of magnitude); the ridge penalty is rescaled to match, so the
    solution is unchanged. The intercept, unpenalised as in scikit-learn's ``Ridge``,
    is the first unknown. Columns that are constant (with an intercept: the bias
    column of ``PolynomialFeatures``) get coefficient 0, as the minimum-norm
    solution of scikit-learn's solvers does.
    """

    def __init__(self, X, y, penalty, fit_intercept):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        Y = y if y.ndim == 2 else y[:, None]  # (n, k)
        self.fit_intercept = fit_intercept
        self.n_features = X.shape[1]
        self.x_mean = X.mean(axis=0) if fit_intercept else np.zeros(X.shape[1])
        self.y_mean = Y.mean(axis=0) if fit_intercept else np.zeros(Y.shape[1])
        Xc = X - self.x_mean
        scale = np.sqrt((Xc**2).mean(axis=0))
        self.keep = scale > 1e-12 * max(scale.max(), 1e-300)
        self.scale = scale[self.keep]
        Z = Xc[:, self.keep] / self.scale  # (n, p')
        penalty = penalty / self.scale**2  # alpha |beta|^2 = alpha |beta_scaled / scale|^2
        if fit_intercept:
            Z = np.hstack([np.ones((len(X), 1)), Z])  # (n, q)
            penalty = np.concatenate([[0.0], penalty])
        q = Z.shape[1]
        self.penalty = np.diag(penalty)
        self.Z, self.Y = Z, Y - self.y_mean
        self.outer = (Z[:, :, None] * Z[:, None, :]).reshape(len(Z), q * q)  # rows' z z', (n, q^2)
        self.cross = (Z[:, :, None] * self.Y[:, None, :]).reshape(len(Z), -1)  # rows' z y', (n, q k)
        self.condition = np.linalg.cond(Z.T @ Z + self.penalty)

    def cases(self, counts):
        """Coefficients for case resamples given as counts ``(m, n)``: ``(m, q, k)``."""
        m, q = len(counts), self.Z.shape[1]
        gram = (counts @ self.outer).reshape(m, q, q) + self.penalty
        rhs = (counts @ self.cross).reshape(m, q, -1)
        return _solve(gram, rhs)

    def residuals(self, Ystar):
        """Coefficients for responses ``(m, n, k)`` on the fixed design: ``(m, q, k)``."""
        projection = np.linalg.solve(self.Z.T @ self.Z + self.penalty, self.Z.T)  # (q, n)
        return np.einsum("qn,mnk->mqk", projection, Ystar - self.y_mean)

    def leverages(self):
        """``h_i = z_i' (Z'Z + P)^-1 z_i``, the diagonal of the hat matrix."""
        a_inv_z = np.linalg.solve(self.Z.T @ self.Z + self.penalty, self.Z.T)  # (q, n)
        return np.einsum("nq,qn->n", self.Z, a_inv_z)

    def leave_one_out(self):
        """Coefficients without each row in turn, ``(n, q, k)``, or None at leverage 1.

        Sherman-Morrison on ``A = Z'Z + P``: ``beta_(i) = beta - A^-1 z_i e_i / (1 - h_i)``
        with ``h_i = z_i' A^-1 z_i`` (exact for ridge too: the penalty stays fixed).
        """
        A = self.Z.T @ self.Z + self.penalty
        beta = np.linalg.solve(A, self.Z.T @ self.Y)  # (q, k)
        a_inv_z = np.linalg.solve(A, self.Z.T)  # (q, n)
        h = np.einsum("nq,qn->n", self.Z, a_inv_z)
        if np.any(h > 1 - 1e-10):
            return None
        e = (self.Y - self.Z @ beta) / (1 - h)[:, None]  # (n, k)
        return beta[None] - a_inv_z.T[:, :, None] * e[:, None, :]

    def attributes(self, beta):
        """``coef_`` ``(m, k, p)`` and ``intercept_`` ``(m, k)`` in scikit-learn's scale."""
        m, _, k = beta.shape
        slopes = beta[:, 1:, :] if self.fit_intercept else beta
        coef = np.zeros((m, k, self.n_features))
        coef[:, :, self.keep] = np.swapaxes(slopes, 1, 2) / self.scale
        if not self.fit_intercept:
            return coef, np.zeros((m, k))  # intercept_ is 0.0
        return coef, beta[:, 0, :] + self.y_mean - coef @ self.x_mean


def _solve(gram, rhs):
    try:
        return np.linalg.solve(gram, rhs)
    except np.linalg.LinAlgError:  # a resample that loses a direction: minimum-norm, as lstsq
        return np.linalg.pinv(gram, hermitian=True) @ rhs


def solve_blocks(solver, blocks, fitted, residuals):
    """Coefficients ``(B, k, p)`` and intercepts ``(B, k)`` of every resample in ``blocks``.

    Cases: each block holds index rows, turned into counts. Residuals: ``fitted`` plus
    the resampled centred ``residuals``.
    """
    n = solver.Z.shape[0]
    coefs, intercepts = [], []
    for rows in blocks:
        if residuals is None:
            beta = solver.cases(counts(rows, n).astype(float))
        else:
            ystar = fitted + residuals[rows]  # (m, n[, k])
            beta = solver.residuals(ystar if ystar.ndim == 3 else ystar[..., None])
        coef, intercept = solver.attributes(beta)
        coefs.append(coef)
        intercepts.append(intercept)
    return np.concatenate(coefs), np.concatenate(intercepts)


def as_attributes(coef, intercept, shapes):
    """``coef`` ``(m, k, p)`` and ``intercept`` ``(m, k)`` in the shapes of the fitted attributes."""
    out = {}
    if "coef_" in shapes:
        out["coef_"] = coef.reshape(len(coef), *shapes["coef_"])
    if "intercept_" in shapes:  # 0.0 whatever the outputs when there is no intercept
        flat = intercept.reshape(len(intercept), -1)[:, : max(1, math.prod(shapes["intercept_"]))]
        out["intercept_"] = flat.reshape(len(intercept), *shapes["intercept_"])
    return out
