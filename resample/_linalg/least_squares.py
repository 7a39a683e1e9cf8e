"""Exact cross-validation of least-squares models without refits.

For a penalised least-squares fit with a fixed quadratic penalty (ordinary least
squares, ridge with a fixed alpha) the fitted values are ``H y`` with the hat matrix
``H = Z (Z'Z + P)^+ Z'``, where ``Z`` is the design (an intercept column included)
and ``P`` the penalty (zero on the intercept). Deleting the rows ``S`` and refitting
gives, on those rows, the residuals (e.g. Hastie, Tibshirani & Friedman, ESL eq. 7.52
for LOOCV; Zhang 1993 for the block form)::

    e_S = (I - H_SS)^{-1} r_S,     r = y - H y,

so LOOCV needs only the leverages ``h_ii`` (``e_i = r_i / (1 - h_ii)``) and k-fold
one small solve per fold. No library in the field does the block form.

Numerics. Raw polynomial columns of horsepower span 1e2..1e23 at degree 10, and a
``PolynomialFeatures`` bias plus an intercept is an exact duplicate. So: drop the
columns that are constant (the intercept absorbs them exactly, for ridge too since
scikit-learn centres X), centre and scale the rest to unit norm (exact: a shift is
absorbed by the unpenalised intercept and a scale is moved into the penalty), then
take a Householder QR (LAPACK geqp3, column pivoting reveals the rank). ``H = Q Q'``
on the data rows. numpy's SVD-based ``lstsq`` and scikit-learn's
``LinearRegression`` (scipy ``gelsd`` with a relative cutoff) treat the same columns
as rank-deficient from degree 3 and return a different fit.
"""

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
from sklearn.linear_model import LinearRegression, Ridge

from resample._utils.sklearn_compat import scorer_parts, set_fitted, validate_estimator_params

__all__ = ["shortcut_plan", "LeastSquaresCV"]

# relative size of |R_jj| below which a pivoted column counts as dependent
_RANK_TOL = 1e-10
# 1 - h_ii below this: the sample alone fixes a parameter; LOOCV is undefined
_LEVERAGE_TOL = 1e-10


@dataclass(frozen=True)
class _Plan:
    fit_intercept: bool
    alpha: float  # 0 for ordinary least squares
    model: str


def shortcut_plan(estimator, scorer, X, y, fit_params):
    """A plan for the closed form, or a string saying why it cannot be used.

    ``estimator`` is what is resampled after any stateless prefix (so a plain
    ``LinearRegression`` or ``Ridge``); ``X`` is the (transformed) design.
    """
    if type(estimator) not in (LinearRegression, Ridge):
        return (
            f"the closed form covers LinearRegression and Ridge (alone or after stateless Pipeline steps); "
            f"got {type(estimator).__name__}"
        )
    # The estimator's own parameter checks first (Ridge(alpha=-1) and
    # LinearRegression(fit_intercept="yes") fail their fit, so they fail here too).
    validate_estimator_params(estimator)
    params = estimator.get_params()
    if params.get("positive"):
        return "positive=True constrains the coefficients, so the fit is not a linear smoother"
    alpha = 0.0
    if isinstance(estimator, Ridge):
        alpha = params["alpha"]
        if np.ndim(alpha) != 0:
            return "Ridge with one alpha per target is not covered"
        alpha = float(alpha)
    parts = scorer_parts(scorer)
    if parts is None or parts[0].__name__ != "mean_squared_error" or parts[1] >= 0 or parts[3]:
        return "the closed form gives squared errors: use scoring='neg_mean_squared_error'"
    if fit_params:
        return f"fit parameters ({', '.join(sorted(fit_params))}) are not covered"
    if y is None or np.ndim(y) != 1:
        return "the closed form covers a one-dimensional target"
    if hasattr(X, "toarray"):
        return "sparse X is not covered"
    Xa = np.asarray(X)
    if Xa.ndim != 2 or Xa.dtype.kind not in "biuf":
        return "the closed form needs a numeric two-dimensional X"
    return _Plan(bool(params["fit_intercept"]), alpha, type(estimator).__name__)


def _column_norms(A):
    """Euclidean norm of each column: einsum's one pass is ~5x faster than
    ``np.linalg.norm(A, axis=0)`` on a tall row-major array (its squared temporary)."""
    return np.sqrt(np.einsum("ij,ij->j", A, A))


def _cholesky(G):
    """Lower Cholesky factor of ``G``, or None where it is not positive definite."""
    try:
        return np.linalg.cholesky(G)
    except np.linalg.LinAlgError:
        return None


class LeastSquaresCV:
    """Held-out residuals of a least-squares fit for any set of test blocks.

    Parameters
    ----------
    X : ndarray of shape (n, p)
    y : ndarray of shape (n,)
    plan : _Plan

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(20, 2)); y = X @ [1.0, 2.0] + rng.normal(size=20)
    >>> ls = LeastSquaresCV(X, y, _Plan(True, 0.0, "LinearRegression"))
    >>> e = ls.loo_residuals()
    >>> i = 3; keep = np.arange(20) != i
    >>> Z = np.c_[np.ones(19), X[keep]]; b = np.linalg.lstsq(Z, y[keep], rcond=None)[0]
    >>> bool(np.isclose(e[i], y[i] - np.r_[1.0, X[i]] @ b))
    True
    """

    def __init__(self, X, y, plan):
        X = np.asarray(X, dtype=float)
        self.y = np.asarray(y, dtype=float)
        self.n = len(self.y)
        self.plan = plan
        Z, self.penalty, self._scale, self._columns, self._mean = self._design(X, plan)
        self.Z = Z
        self.Q, self.rank, self.condition, self._gram, self._Linv, self._factor = self._orthonormal(Z, self.penalty)
        #: test size -> (test blocks (B, m), I - Q_S'Q_S (B, p, p)) of the last batched block
        #: solve, kept for the fold check: Z_T'Z_T = F' (I - Q_S'Q_S) F costs p^3, not m p^2
        self._complements = {}
        self._qty = self.Q.T @ self.y
        self.fitted = self.Q @ self._qty
        self.residuals = self.y - self.fitted
        #: False where the arithmetic overflowed or produced NaN (a column of 1e200 has an
        #: infinite norm, and scaling by it silently zeroes the column): the closed form is
        #: then not supported by its own numbers, and callers refit instead.
        self.finite = bool(
            np.isfinite(self._scale).all()
            and np.isfinite(self.Q).all()
            and np.isfinite(self.fitted).all()
            and np.isfinite(self.residuals).all()
        )

    @staticmethod
    def _design(X, plan):
        n = X.shape[0]
        if plan.fit_intercept:
            Z = np.empty((n, X.shape[1] + 1))  # filled in place: X may be large
            Z[:, 0] = 1 / np.sqrt(n)
            mean = X.mean(axis=0)
            np.subtract(X, mean, out=Z[:, 1:])
            scale = _column_norms(Z[:, 1:])
            # constant columns (centred norm at rounding level) are absorbed by the intercept
            varying = scale > 64 * np.finfo(float).eps * np.sqrt(n) * np.maximum(np.abs(mean), np.finfo(float).tiny)
            if not varying.all():
                Z = Z[:, np.r_[True, varying]]
                scale = scale[varying]
            Z[:, 1:] /= scale
            penalty = np.r_[0.0, plan.alpha / scale**2]
            scale = np.r_[np.sqrt(n), scale]  # of every column of Z, the intercept's included
            return Z, penalty, scale, np.flatnonzero(varying), mean
        else:
            scale = _column_norms(X)
            keep = scale > 0  # an all-zero column contributes nothing
            if plan.alpha == 0:  # duplicates of one constant column add no direction
                const = np.flatnonzero(keep & (np.ptp(X, axis=0) == 0))
                keep[const[1:]] = False
            Z = X[:, keep] / scale[keep]
            penalty = plan.alpha / scale[keep] ** 2
            scale = scale[keep]
        return Z, penalty, scale, np.flatnonzero(keep), None

    @staticmethod
    def _orthonormal(Z, penalty):
        """A basis ``Q`` of the smoother on the data rows (``H = Q Q'``), its rank, conditioning,
        the Gram matrix (least squares), ``L^{-1}`` of the Cholesky route (else None), and for
        least squares of full rank the p x p factor ``F`` with ``Z = Q F`` (else None)."""
        n, p = Z.shape
        ridge = bool(np.any(penalty > 0))
        # H = Z (Z'Z + P)^{-1} Z'. With L L' = Z'Z + P, Q = Z L'^{-1} gives H = Q Q'
        # (orthonormal for least squares; for ridge only Q Q' is used). The Gram
        # matrix and one product with the small inverse are BLAS-3 and cost about
        # 2 n p^2, against 4 n p^2 of BLAS-2-bound work for a pivoted Householder QR
        # and the explicit Q (LAPACK geqp3 + orgqr: 6-10x slower at n = 1e5). The Gram
        # matrix squares the condition number, so it is taken only where rounding
        # stays far below the tolerances: cond(Z'Z + P) < 1e8 for ridge (as before),
        # < 1e6 for least squares (errors in h_ii ~ eps * 1e6 ~ 2e-10 relative at
        # worst, and a rank-deficient design fails the test or the Cholesky).
        G = Z.T @ Z
        if ridge:
            G[np.diag_indices(p)] += penalty
        L = _cholesky(G)
        if L is not None:
            d = np.abs(np.diag(L))
            cond = float((d.max() / d.min()) ** 2)
            if cond < (1e8 if ridge else 1e6):
                Linv = sla.solve_triangular(L, np.eye(p), lower=True, check_finite=False)
                # condition reported as the pivoted QR would: of Z itself for least squares
                factor = None if ridge else L.T  # Q = Z L'^{-1}
                return Z @ Linv.T, p, (cond if ridge else float(np.sqrt(cond))), (None if ridge else G), Linv, factor
        if ridge:  # QR of [Z; sqrt(P)] (full column rank); Q1 = its data rows
            A = np.vstack([Z, np.diag(np.sqrt(penalty))])
            Q, R = np.linalg.qr(A, mode="reduced")
            d = np.abs(np.diag(R))
            return Q[:n], p, float(d.max() / max(d.min(), np.finfo(float).tiny)), None, None, None
        Q, R, piv = sla.qr(Z, mode="economic", pivoting=True)
        d = np.abs(np.diag(R))
        rank = int(np.sum(d > _RANK_TOL * d[0])) if d.size else 0
        cond = float(d[0] / d[rank - 1]) if rank else np.inf
        # Z'Z (in Z's column order) from R alone, for centred_condition: p x p work
        inv = np.argsort(piv)
        factor = R[:, inv] if rank == p else None  # Z[:, piv] = Q R
        return Q[:, :rank], rank, cond, (R.T @ R)[np.ix_(inv, inv)], None, factor

    def fitted_ridge(self, estimator, X):
        """``estimator`` (an unfitted Ridge) fitted on all rows from this factorisation, or None.

        The coefficients of the scaled design are ``L'^{-1} Q'y`` (``L L' = Z'Z + P``),
        so the fit on all data costs p^2 more, not a second pass over the data. They
        are mapped back to X's columns (divided by the column scales; the intercept
        absorbs the centring) and set with the attributes ``Ridge.fit`` sets; a
        column the design dropped as constant gets coefficient 0, as scikit-learn's
        centring gives it. None where this factorisation is not the Cholesky one.
        """
        if self._Linv is None or self.plan.model != "Ridge":
            return None
        beta = self._Linv.T @ self._qty  # coefficients of Z's columns
        coef = np.zeros(X.shape[1])
        if self.plan.fit_intercept:
            coef[self._columns] = beta[1:] / self._scale[1:]
            intercept = float(beta[0] / self._scale[0] - self._mean @ coef)
        else:
            coef[self._columns] = beta / self._scale
            intercept = 0.0
        return set_fitted(estimator, X, coef=coef, intercept_=intercept, n_iter_=None, solver_="cholesky")

    def loo_residuals(self):
        """``e_i = r_i / (1 - h_ii)``, or None if some ``h_ii`` is 1."""
        h = np.einsum("ij,ij->i", self.Q, self.Q)
        if np.any(1 - h < _LEVERAGE_TOL):
            return None
        return self.residuals / (1 - h)

    def block_residuals(self, test):
        """Residuals on rows ``test`` of the fit on all other rows, or None if singular."""
        out = self.many_block_residuals([test])
        return None if out is None else out[0]

    def many_block_residuals(self, tests):
        """:meth:`block_residuals` for many test blocks; blocks of one size share one batched solve.

        Returns a list of arrays, or None when some block is singular (its rows alone
        fix a direction of the fit, so the fit without them is not unique).
        """
        out = [None] * len(tests)
        by_size = {}
        for i, t in enumerate(tests):
            by_size.setdefault(len(t), []).append(i)
        p = self.Q.shape[1]
        for m, members in by_size.items():
            # Like with like: the Woodbury solve of a block costs about m p^2 (forming
            # Q_S'Q_S) and a refit's QR of the n - m training rows 2 (n - m) p^2. So refit
            # only when the test block holds most rows (a validation set over 2/3 of the
            # data), where Woodbury would also lose accuracy: I - Q_S'Q_S then carries
            # only the small share of information left in the training rows.
            if m > p and 2 * (self.n - m) < m:
                for i in members:
                    out[i] = self._direct(tests[i])
                    if out[i] is None:
                        return None
                continue
            T = np.stack([np.asarray(tests[i]) for i in members])  # (B, m)
            e = self._batched_blocks(T)
            if e is None:
                return None
            for row, i in enumerate(members):
                out[i] = e[row]
        return out

    def _batched_blocks(self, T):
        """``(I - Q_S Q_S')^{-1} r_S`` for every row ``S`` of ``T`` (shape (B, m)), or None if singular."""
        Qs = self.Q[T]  # (B, m, p)
        r = self.residuals[T]  # (B, m)
        m, p = Qs.shape[1:]
        if m <= p:  # solve the m x m system directly; eigenvalues of I - H_SS lie in [0, 1]
            A = np.eye(m) - Qs @ Qs.transpose(0, 2, 1)
            if np.min(np.linalg.eigvalsh(A)) < _LEVERAGE_TOL:
                return None
            return np.linalg.solve(A, r[..., None])[..., 0]
        # Woodbury: (I_m - Q_S Q_S')^{-1} = I_m + Q_S (I_p - Q_S'Q_S)^{-1} Q_S'; the p x p
        # matrix shares the nonzero spectrum of H_SS, so one small eigvalsh checks singularity
        M = np.eye(p) - Qs.transpose(0, 2, 1) @ Qs  # (B, p, p)
        if np.min(np.linalg.eigvalsh(M)) < _LEVERAGE_TOL:
            return None
        if self._factor is not None:
            self._complements[m] = (T, M)
        w = np.linalg.solve(M, (Qs.transpose(0, 2, 1) @ r[..., None]))  # (B, p, 1)
        return r + (Qs @ w)[..., 0]

    def training_grams(self, tests):
        """``Z_T'Z_T`` (B, p, p) of the training sets complementing ``tests`` (B, m), or None.

        From the ``I - Q_S'Q_S`` that the batched block solve formed for these same test
        blocks: with ``Z = Q F``, ``Z_T'Z_T = F' (I - Q_S'Q_S) F``, p^3 work per fold
        instead of the m p^2 of downdating by the held-out rows. The rounding is the
        same: ``eps`` relative to ``Z'Z`` either way. None where no such solve ran.
        """
        kept = self._complements.get(tests.shape[1])
        if kept is None or kept[0].shape != tests.shape or not np.array_equal(kept[0], tests):
            return None
        F = self._factor
        return F.T @ kept[1] @ F

    def many_response_residuals(self, Y, tests):
        """Held-out residuals of many responses ``Y`` (n, B) on this design, per test block.

        The design, and so ``H = Q Q'`` and each block's ``(I - H_SS)``, are shared:
        a new response changes only the right-hand side (a permuted ``y`` in a
        permutation test). Returns a list of ``(len(test), B)`` arrays, or None if a
        block is singular. Test blocks must be complements of their training sets.
        """
        R = Y - self.Q @ (self.Q.T @ Y)  # residuals of the full fits, (n, B)
        if all(len(t) == 1 for t in tests):  # leave-one-out: the leverages alone
            idx = np.concatenate(tests)
            h = np.einsum("ij,ij->i", self.Q[idx], self.Q[idx])
            if np.any(1 - h < _LEVERAGE_TOL):
                return None
            return list((R[idx] / (1 - h)[:, None])[:, None, :])
        out = []
        p = self.Q.shape[1]
        for t in tests:
            Qs, Rs = self.Q[t], R[t]  # (m, p), (m, B)
            if len(t) <= p:
                A = np.eye(len(t)) - Qs @ Qs.T
                if np.linalg.eigvalsh(A)[0] < _LEVERAGE_TOL:
                    return None
                out.append(np.linalg.solve(A, Rs))
            else:  # Woodbury, as _batched_blocks
                M = np.eye(p) - Qs.T @ Qs
                if np.linalg.eigvalsh(M)[0] < _LEVERAGE_TOL:
                    return None
                out.append(Rs + Qs @ np.linalg.solve(M, Qs.T @ Rs))
        return out

    def _direct(self, test):
        train = np.ones(self.n, dtype=bool)
        train[test] = False
        return self.refit_residuals(np.flatnonzero(train), test)

    def refit_residuals(self, train, test):
        """Residuals on rows ``test`` of the exact fit on rows ``train`` (repeats count twice).

        For splits whose training set is not the complement of the test set (a gap
        around the test block, bootstrap samples). None if the training rows lose a
        direction of the full design.
        """
        Zt, yt = self.Z[train], self.y[train]
        if np.any(self.penalty > 0):
            A = np.vstack([Zt, np.diag(np.sqrt(self.penalty))])
            b = np.r_[yt, np.zeros(len(self.penalty))]
            Q, R = np.linalg.qr(A, mode="reduced")
            coef = sla.solve_triangular(R, Q.T @ b)
        else:
            Q, R, piv = sla.qr(Zt, mode="economic", pivoting=True)
            d = np.abs(np.diag(R))
            r = int(np.sum(d > _RANK_TOL * d[0])) if d.size else 0
            if r < self.rank:  # the training rows lose a direction the full data has
                return None
            coef = np.zeros(Zt.shape[1])
            coef[piv[:r]] = sla.solve_triangular(R[:r, :r], (Q[:, :r].T @ yt))
        return self.y[test] - self.Z[test] @ coef

    def centred_condition(self):
        """Condition number of the centred, unscaled design, as scikit-learn's solver sees it.

        ``LinearRegression`` solves ``lstsq`` on the centred X with a relative cutoff
        on the singular values; this says, from p x p matrices only, whether that
        cutoff can bite. Constant columns (dropped here) centre to zero there, and a
        zero singular value cut off changes no prediction, so they are left out.
        Defined for least squares with an intercept; else ``inf`` (meaning: check).
        """
        if self._gram is None or not self.plan.fit_intercept or self.rank < self.Z.shape[1]:
            return np.inf
        s = self._scale[1:]
        G = self._gram[1:, 1:] * np.outer(s, s)  # X_c' X_c: the intercept column is orthogonal to it
        ev = np.linalg.eigvalsh(G)
        return float(np.sqrt(ev[-1] / ev[0])) if ev[0] > 0 else np.inf

    def agreement(self, predictions):
        """Largest gap between the exact fitted values and ``predictions``, in units of std(y)."""
        scale = np.std(self.y) or 1.0
        return float(np.max(np.abs(self.fitted - np.asarray(predictions, dtype=float))) / scale)
