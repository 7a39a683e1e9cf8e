"""Permutation test of a cross-validated score: is the model better than chance?

As scikit-learn's ``permutation_test_score`` (Ojala & Garriga 2010, test 1): the
targets are permuted (within groups, when given), the whole cross-validation is run
again on each permutation, and the p-value is the share of permuted scores at least
as good as the real one, counting the real one: ``(C + 1) / (n_permutations + 1)``.

For least-squares models on the closed-form path the design never changes, so the
hat matrix ``H = Q Q'`` and every fold's ``I - H_SS`` are shared by all permutations;
a permuted ``y`` only changes the right-hand side, and all permutations are scored
with a few matrix products (:meth:`~resample._linalg.least_squares.LeastSquaresCV.many_response_residuals`).

References
----------
Ojala, M. & Garriga, G. C. (2010). Permutation tests for studying classifier
performance. Journal of Machine Learning Research 11, 1833-1863.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.utils import indexable

from resample._linalg.least_squares import LeastSquaresCV, shortcut_plan
from resample._model_selection.base import BaseCV
from resample._model_selection.stateless import fit_stateless_prefix
from resample._utils.checks import check_data, check_int
from resample._utils.deprecation import DEPRECATED, renamed
from resample._utils.random import BLOCK_SIZE, as_generator, spawn
from resample._utils.sklearn_compat import safe_indexing

__all__ = ["CVPermutationResult", "cv_permutation_test"]

#: Permuted responses solved together on the closed-form path (n x 256 floats at a time).
_CHUNK = BLOCK_SIZE


@dataclass(frozen=True, eq=False, slots=True)
class CVPermutationResult:
    """The result of :func:`cv_permutation_test`.

    Attributes
    ----------
    score : float
        The cross-validated score on the real targets (``estimate_``; greater is better).
    pvalue : float
        ``(#{null >= score} + 1) / (n_permutations + 1)``.
    null_distribution : ndarray of shape (n_permutations,)
        The cross-validated score on each permutation of the targets.
    n_permutations : int
    computation : str
        ``"closed form"`` (all permutations from one factorisation) or ``"refits"``.
    notes : tuple of str
    """

    score: float
    pvalue: float
    null_distribution: np.ndarray = field(repr=False)
    n_permutations: int
    computation: str
    notes: tuple = ()

    def __repr__(self):
        return (
            f"CVPermutationResult(score={self.score:.6g}, pvalue={self.pvalue:.6g}, "
            f"n_permutations={self.n_permutations}, computation={self.computation!r})"
        )


def cv_permutation_test(cv, X, y, *, groups=None, n_permutations=1000, n_jobs=None, random_state=None,
                        rng=DEPRECATED):
    """Permutation test of a cross-validated score (in the spirit of ``permutation_test_score``).

    Parameters
    ----------
    cv : KFoldCV, LeaveOneOutCV, ValidationSetCV or BootstrapCV
        An unfitted (or fitted: it is cloned) cross-validation estimator; its
        estimator, scoring and splits are used as they are. Never changed.
    X : array-like of shape (n_samples, ...)
    y : array-like of shape (n_samples,)
    groups : array-like of shape (n_samples,) or None, default=None
        Targets are permuted within groups (as scikit-learn), and the groups are
        passed to the splitter.
    n_permutations : int, default=1000
    n_jobs : int or None, default=None
        Permutations refitted in parallel (joblib); the closed form needs none.
    random_state : None, int or numpy.random.Generator, default=None
        Draws the permutations, in blocks of 256 from child streams (results do not
        depend on ``n_jobs``); scikit-learn's name (``permutation_test_score``).
        The splits keep ``cv``'s own ``random_state``.
    rng : None, int or numpy.random.Generator
        Deprecated since 0.2 (removed in 0.3): the old name of ``random_state``;
        it still works, with a ``FutureWarning``.

    Returns
    -------
    CVPermutationResult

    Notes
    -----
    The closed form applies to ``LinearRegression`` and ``Ridge`` (alone or after
    stateless Pipeline steps) scored by ``"neg_mean_squared_error"``, with splits
    whose training set is the complement of the test set (k-fold, leave-one-out,
    validation sets): then every permutation is scored on the same splits as the
    real targets, as they do not depend on ``y``. Otherwise the cross-validation is
    refitted on every permutation.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from resample import KFoldCV, cv_permutation_test
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 3)); y = X[:, 0] + rng.normal(size=60)
    >>> cv = KFoldCV(LinearRegression(), n_splits=10, scoring="neg_mean_squared_error", random_state=0)
    >>> res = cv_permutation_test(cv, X, y, n_permutations=999, random_state=0)
    >>> res.computation, res.pvalue  # no permutation did as well as the real targets
    ('closed form', 0.001)
    """
    if not isinstance(cv, BaseCV):
        raise TypeError(
            "cv must be one of resample's cross-validation estimators (KFoldCV, LeaveOneOutCV, "
            f"ValidationSetCV, BootstrapCV); got {type(cv).__name__}."
        )
    check_int(n_permutations, "n_permutations", low=1)
    if y is None:
        raise ValueError("y is None; a permutation test permutes the targets: pass y.")
    n = check_data(X, y, groups, estimator=cv.estimator)
    X, y, groups = indexable(X, y, groups)
    rng = as_generator(renamed("rng", rng, "random_state", random_state), "random_state")
    real = clone(cv).set_params(refit=False, return_estimator=False).fit(X, y, groups)
    blocks = _permutation_blocks(rng, n_permutations, n, groups)
    notes = []
    null = None
    if real.result_.computation == "closed form":
        null, why = _closed_form_null(real, X, y, blocks)
        if null is None:
            notes.append(f"closed form not used for the permutations ({why}): refitted each one")
    computation = "closed form" if null is not None else "refits"
    if null is None:
        parts = Parallel(n_jobs=n_jobs)(delayed(_refit_block)(real, X, y, groups, orders) for orders in blocks)
        null = np.concatenate(parts)
    score = float(real.estimate_)
    pvalue = (np.count_nonzero(null >= score) + 1) / (n_permutations + 1)
    return CVPermutationResult(score, float(pvalue), null, int(n_permutations), computation, tuple(notes))


def _permutation_blocks(rng, n_permutations, n, groups):
    """Row orders ``(m, n)`` of the permuted targets, block by block (one child stream each)."""
    codes = None if groups is None else np.unique(np.asarray(groups), return_inverse=True)[1].ravel()
    out = []
    for k, child in enumerate(spawn(rng, math.ceil(n_permutations / BLOCK_SIZE))):
        u = child.random((min(BLOCK_SIZE, n_permutations - k * BLOCK_SIZE), n))
        if codes is None:
            out.append(np.argsort(u, axis=1))
            continue
        # within groups: the rows of each group, in group order, take the targets of
        # the same group's rows in a random order
        by_group = np.argsort(codes, kind="stable")
        orders = np.empty(u.shape, dtype=np.int64)
        for b in range(len(u)):
            orders[b, by_group] = np.lexsort((u[b], codes))
        out.append(orders)
    return out


def _refit_block(real, X, y, groups, orders):
    scores = np.empty(len(orders))
    for b, order in enumerate(orders):
        model = clone(real).set_params(progress=False)  # a fresh cross-validation; the caller's is untouched
        scores[b] = model.fit(X, safe_indexing(y, order), groups).estimate_
    return scores


def _closed_form_null(real, X, y, blocks):
    """Scores of every permutation from one factorisation, or ``(None, why)``."""
    splits = real.result_.splits
    if not splits.is_partition_complement:
        return None, "the training sets are not the complements of the test sets"
    _, rest, Xt, _ = fit_stateless_prefix(real.estimator, X, y)
    plan = shortcut_plan(rest, real.scorer_, Xt, y, {})
    if isinstance(plan, str):
        return None, plan
    ls = LeastSquaresCV(Xt, y, plan)
    tests = [splits.test(i) for i in range(len(splits))]
    yv = np.asarray(y, dtype=float)
    check = ls.many_response_residuals(yv[:, None], tests)
    # the pooled estimate of a mean metric: minus the mean squared held-out residual
    if check is None or not np.isclose(-np.mean(np.concatenate(check) ** 2), real.estimate_, rtol=1e-9, atol=0):
        return None, "the closed form does not reproduce the real score"
    null = []
    for orders in blocks:
        for s in range(0, len(orders), _CHUNK):
            Y = yv[orders[s : s + _CHUNK]].T  # (n, m)
            e = ls.many_response_residuals(Y, tests)
            if e is None:
                return None, "a test block is singular"
            null.append(-np.mean(np.concatenate(e) ** 2, axis=0))
    return np.concatenate(null), None
