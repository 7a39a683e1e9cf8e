"""Would LinearRegression's own fit on a training set differ from exact least squares?

scikit-learn's ``LinearRegression`` solves ``scipy.linalg.lstsq(X_c, y, cond=tol)`` on
the training rows' design ``X_c`` (centred by the training means when it fits an
intercept): singular values below ``tol`` times the largest are cut, and where one is
cut its fit is no longer the exact least-squares fit that the closed form reports.
Whether that happens on a training set is a property of the singular values of that
training design, which this module computes from p x p matrices, without a refit:

- the closed form's scaled design ``Z`` (unit-norm columns, an intercept column
  ``1/sqrt(n)``) gives ``Z_T'Z_T`` for the training rows ``T``: where the block
  solve has formed ``I - Q_S'Q_S`` for the held-out rows ``S`` (k-fold), as
  ``F' (I - Q_S'Q_S) F`` with ``Z = Q F``, p^3 work per fold; otherwise by
  downdating, ``Z'Z - Z_S'Z_S`` (m p^2 work; when the training set is the smaller
  side, it is summed directly);
- the intercept is removed by the Schur complement ``D - b b' / a`` of the block
  form ``[[a, b'], [b, D]]`` of ``Z_T'Z_T``, which is the Gram matrix of the
  training design centred by its own means (scaled);
- with ``C = V diag(lam) V'`` (``eigh``) and the column scales ``s``, the p x p matrix
  ``B = diag(sqrt(lam)) V' diag(s)`` has ``B'B = X_c'X_c``, so its singular values
  are those of ``X_c``: taking them from ``B`` (not from the eigenvalues of the
  unscaled Gram matrix, which square the condition number) removes the column
  scales from the error. The scaled Gram matrix still squares the scaled design's
  own condition number: measured against ``numpy.linalg.cond`` on nearly collinear
  designs, the relative error is 1e-11 at condition 1e4, 4e-8 at 1e6 (where
  LinearRegression's default ``tol`` cuts), 4e-6 at 1e7, 3e-4 at 1e8 and 4% at 1e9.
  Beyond about 1e9 the number only says "large": the rounding of the Gram matrix
  errs by about ``eps`` in ``(sigma_min / sigma_max)^2``, so the computed condition
  stays above about ``1 / sqrt(eps)`` (~1e7) and a design past the default cutoff
  (1e6) is still flagged. scikit-learn before 1.9 cut at ``eps * max(n, p)``; that
  cutoff is out of this check's reach, and the all-data comparison covers it.

Many small folds (LOOCV) are screened first by a bound that needs only the
leverages: with ``tau_S = (1 + m/n_T) sum_{i in S} (h_ii - 1/n)`` (``sum h_ii``
without an intercept), ``lambda_min(C_T) >= lambda_min(C) (1 - tau_S)`` and
``lambda_max(C_T) <= lambda_max(C)`` (``C_T = C - W_S`` with ``W_S`` positive
semi-definite and ``trace(C^-1 W_S) <= tau_S``; for one row it is exact), so
``cond(X_c,T) <= cond(X_c) / sqrt(1 - tau_S)``. Only folds the bound cannot clear
are computed.
"""

import numpy as np

__all__ = ["CUTOFF_MARGIN", "disagreeing_splits", "training_conditions"]

#: A training design whose condition number times the cutoff reaches this may lose
#: a singular value to the cutoff (near tol=1e-6 the computed ratio matches numpy.linalg.cond to ~1e-7).
CUTOFF_MARGIN = 0.9

# folds per batch of p x p work (bounds the (B, m, p) gather)
_GATHER_BUDGET = 1 << 22


def _singular_ratio(C, s):
    """``sigma_max / sigma_min`` of the design with scaled Gram ``C`` (B, p, p) and column scales ``s``."""
    lam, V = np.linalg.eigh(C)
    if np.any(lam[..., 0] <= 0):  # a lost direction: keep what can be computed, the rest are inf
        lam = np.clip(lam, 0, None)
    B = np.sqrt(lam)[..., :, None] * np.swapaxes(V, -1, -2) * s  # (B, p, p), B'B = X_c'X_c
    sv = np.linalg.svd(B, compute_uv=False)
    with np.errstate(divide="ignore"):
        return np.where(sv[..., -1] > 0, sv[..., 0] / sv[..., -1], np.inf)


def _centred(G_T, intercept):
    """The scaled Gram of the training design centred by its own means (Schur complement of the intercept)."""
    if not intercept:
        return G_T
    a = G_T[..., 0, 0][..., None, None]
    b = G_T[..., 1:, 0]
    return G_T[..., 1:, 1:] - b[..., :, None] * b[..., None, :] / a


def training_conditions(ls, splits, *, only=None):
    """Condition number of every training design (or those in ``only``), as LinearRegression sees it.

    ``ls`` is a least-squares :class:`~resample._linalg.least_squares.LeastSquaresCV`
    (no penalty); ``splits`` a :class:`~resample._model_selection.results.SplitIndices`.
    Returns an array of shape (n_splits,), NaN for splits not in ``only``.
    """
    intercept = ls.plan.fit_intercept
    s = ls._scale[1:] if intercept else ls._scale
    Z, G = ls.Z, ls._gram
    n, p = Z.shape
    out = np.full(len(splits), np.nan)
    todo = np.arange(len(splits)) if only is None else np.asarray(only, dtype=np.intp)
    if not splits.is_partition_complement:  # bootstrap samples, gaps: sum the training rows (with repeats)
        for i in todo:
            w = np.bincount(splits[i][0], minlength=n).astype(float)
            G_T = Z.T @ (Z * w[:, None])
            out[i] = _singular_ratio(_centred(G_T, intercept)[None], s)[0]
        return out
    sizes = splits.test_sizes
    for m in np.unique(sizes[todo]):
        members = todo[sizes[todo] == m]
        every = np.flatnonzero(sizes == m)
        kept = ls.training_grams(np.stack([splits.test(i) for i in every])) if 2 * m <= n else None
        if kept is not None:  # from the block solve's I - Q_S'Q_S: p^3 per fold
            out[members] = _singular_ratio(_centred(kept[np.searchsorted(every, members)], intercept), s)
            continue
        step = max(1, _GATHER_BUDGET // max(1, min(m, n - m) * p))
        for start in range(0, len(members), step):
            chunk = members[start : start + step]
            if 2 * m <= n:  # downdate the full Gram by the held-out rows
                Zs = Z[np.stack([splits.test(i) for i in chunk])]  # (B, m, p)
                G_T = G - np.swapaxes(Zs, -1, -2) @ Zs
            else:  # the training set is the smaller side: sum it directly
                Zt = Z[np.stack([splits[i][0] for i in chunk])]
                G_T = np.swapaxes(Zt, -1, -2) @ Zt
            out[chunk] = _singular_ratio(_centred(G_T, intercept), s)
    return out


def _screen(ls, splits, full_condition, cutoff):
    """The splits that the leverage bound cannot clear (complement splits only)."""
    h = np.einsum("ij,ij->i", ls.Q, ls.Q)
    n = ls.n
    sizes = splits.test_sizes
    if ls.plan.fit_intercept:
        per_row = h - 1 / n
        tau = (1 + sizes / np.maximum(n - sizes, 1)) * np.add.reduceat(per_row[splits.test_index], splits.test_ptr[:-1])
    else:
        tau = np.add.reduceat(h[splits.test_index], splits.test_ptr[:-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = np.where(tau < 1, full_condition / np.sqrt(np.clip(1 - tau, 0, None)), np.inf)
    return np.flatnonzero(~(bound * cutoff < CUTOFF_MARGIN))


def disagreeing_splits(ls, splits, cutoff):
    """Splits whose training design may lose a singular value to ``cutoff``: ``(indices, conditions)``.

    The full design's condition number comes first (it bounds every fold's via the
    leverages); only folds the bound cannot clear get their own p x p computation.
    """
    if ls._gram is None or ls.rank < ls.Z.shape[1]:
        # exactly dependent columns: every fit is reduced, and the fitted values are unique
        # whatever the solver, so the all-data comparison (which runs here) is the check
        return np.empty(0, dtype=np.intp), np.empty(0)
    intercept = ls.plan.fit_intercept
    s = ls._scale[1:] if intercept else ls._scale
    full = float(_singular_ratio(_centred(ls._gram, intercept)[None], s)[0])
    only = _screen(ls, splits, full, cutoff) if splits.is_partition_complement else None
    if only is not None and len(only) == 0:
        return np.empty(0, dtype=np.intp), np.empty(0)
    conditions = training_conditions(ls, splits, only=only)
    flagged = np.flatnonzero(~(np.nan_to_num(conditions, nan=0.0) * cutoff < CUTOFF_MARGIN))
    return flagged, conditions[flagged]
