"""Nested cross-validation: an honest standard error for a k-fold estimate.

Bates, Hastie and Tibshirani (2023, "Cross-validation: what does it estimate and
how well does it do it?", JASA, Algorithm 1 and section 4.3). The naive standard
error of k-fold CV treats the held-out losses as independent; they are not (the
training sets overlap), and its intervals under-cover. Nested CV estimates the mean
squared error of the CV estimate directly. For each of ``R`` random partitions into
``K`` folds and each outer fold ``k``:

* ``e_out``: held-out values on fold ``k`` of the model fitted without fold ``k``;
* ``e_in``: the inner CV of the other ``K - 1`` folds: held-out values on each fold
  ``j != k`` of the model fitted without folds ``j`` and ``k``;
* ``a_k = (mean(e_in) - mean(e_out))^2`` and ``b_k = var(e_out) / |fold k|``.

Then ``MSE = mean(a) - mean(b)`` estimates the mean squared error of a CV estimate
on ``n (K - 1) / K`` points, ``Err_NCV`` is the mean of all ``e_in`` and ``Err_CV``
the mean of all ``e_out``. The interval (section 4.3) is::

    centre = Err_NCV - (1 + (K - 2) / K) * (Err_NCV - Err_CV)     # bias corrected
    SE     = sqrt((K - 1) / K * MSE), clipped to [SE_naive, sqrt(K) * SE_naive]
    centre -/+ z * SE

with ``SE_naive`` the standard deviation of the per-sample CV losses over sqrt(n).

Every pair of folds ``{j, k}`` is fitted once: the model without ``j`` and ``k``
gives ``e_in`` values on ``j`` (for outer fold ``k``) and on ``k`` (for outer fold
``j``). So one repetition costs ``K (K - 1) / 2 + K`` fits. For least-squares models
none is a refit: a held-out block ``S`` has residuals ``(I - H_SS)^{-1} r_S`` on the
full-data hat matrix ``H`` (:mod:`resample._linalg.least_squares`), and the inner CV of a
training set is again a set of held-out blocks (``S = fold j  U  fold k``), so the
whole nested run is a batch of small linear solves.
"""

from dataclasses import dataclass, field, replace

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold

from resample._model_selection.paths import compute_held_out
from resample._model_selection.results import ConfidenceInterval, SplitIndices, normal_interval
from resample._utils.notes import Note, NoteKind
from resample._utils.random import int_seed

__all__ = ["NestedCVResult", "nested_folds", "nested_splits", "nested_statistics", "run_nested"]


@dataclass(frozen=True, eq=False)
class NestedCVResult:
    """The nested cross-validation estimate of the uncertainty of a k-fold estimate.

    Values are in the scorer's own units and sign, like ``estimate_``.

    Attributes
    ----------
    estimate : float
        Bias-corrected centre of the interval,
        ``err_ncv - (1 + (K - 2) / K) * (err_ncv - err_cv)``: an estimate of the
        error of the model fitted to all n points.
    standard_error : float
        ``sqrt((K - 1) / K * mse)`` clipped to ``[naive_standard_error,
        sqrt(K) * naive_standard_error]``.
    confidence_interval : ConfidenceInterval
        ``estimate -/+ z * standard_error`` at ``confidence_level``.
    confidence_level : float
    err_ncv, err_cv : float
        Mean held-out value of the inner (training size ``n (K - 2) / K``) and of
        the outer (``n (K - 1) / K``) fits, over all repetitions.
    bias : float
        ``(1 + (K - 2) / K) * (err_ncv - err_cv)``.
    mse : float
        ``mean(a) - mean(b)``: estimated mean squared error of a CV estimate on
        ``n (K - 1) / K`` points (may be negative from noise; then the clip applies).
    naive_standard_error : float
        Standard deviation of the pooled outer per-sample values over sqrt(n).
    n_splits, n_repeats : int
        ``K`` and the number of random partitions ``R``.
    a, b : ndarray of shape (n_repeats * n_splits,)
        The per-outer-fold terms of the MSE estimate.
    folds : list of ndarray
        The fold number of every row, one array per repetition.
    computation : str
        ``"closed form"`` or ``"refits"``.
    """

    estimate: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    err_ncv: float
    err_cv: float
    bias: float
    mse: float
    naive_standard_error: float
    n_splits: int
    n_repeats: int
    computation: str
    a: np.ndarray = field(repr=False, default=None)
    b: np.ndarray = field(repr=False, default=None)
    folds: list = field(repr=False, default=None)

    @property
    def inflation(self):
        """``standard_error / naive_standard_error``: between 1 and sqrt(K)."""
        return self.standard_error / self.naive_standard_error

    def interval(self, confidence_level=0.95):
        """The nested interval at another level.

        Examples
        --------
        >>> r = nested_statistics([np.array([0, 0, 1, 1, 2, 2])], *_toy_values(), 3)
        >>> low, high = r.interval(0.9)
        >>> bool(low < r.estimate < high)
        True
        """
        return normal_interval(self.estimate, self.standard_error, confidence_level)

    def _repr_html_(self):
        """A small HTML table (estimate, standard error, interval, computation) for Jupyter."""
        from resample._utils.html_repr import result_html

        details = [("bias correction", f"{self.bias:.6g}"), ("naive standard error", f"{self.naive_standard_error:.4g}"),
                   ("folds x repeats", f"{self.n_splits} x {self.n_repeats}"), ("computation", self.computation)]
        return result_html(
            "NestedCVResult (Bates, Hastie & Tibshirani)", estimate=self.estimate,
            standard_error=self.standard_error, confidence_interval=self.confidence_interval,
            confidence_level=self.confidence_level, interval_name="nested", details=details,
        )

    def __repr__(self):
        low, high = self.confidence_interval
        return (
            f"NestedCVResult(estimate={self.estimate:.6g}, standard_error={self.standard_error:.3g} "
            f"(naive {self.naive_standard_error:.3g}, inflation {self.inflation:.2f}), "
            f"{self.confidence_level:.0%} CI=({low:.6g}, {high:.6g}), K={self.n_splits}, "
            f"repeats={self.n_repeats}, computation={self.computation!r})"
        )


def nested_folds(n_samples, n_splits, n_repeats, rng, y=None):
    """``n_repeats`` random partitions into ``n_splits`` folds, as fold-id arrays.

    Stratified by ``y`` when ``y`` is given (class labels). Each repetition gets an
    int seed drawn from ``rng`` (scikit-learn's splitters need one).

    Returns
    -------
    list of ndarray of shape (n_samples,)
        Fold number (0 .. n_splits - 1) of every row, one array per repetition.

    Examples
    --------
    >>> folds = nested_folds(7, 3, 2, np.random.default_rng(0))
    >>> len(folds), sorted(np.bincount(folds[0]).tolist())
    (2, [2, 2, 3])
    """
    ids = []
    X = np.zeros((n_samples, 1))
    for _ in range(n_repeats):
        seed = int_seed(rng)
        if y is not None:
            splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        else:
            splitter = KFold(n_splits=n_splits, shuffle=True, random_state=seed)
        fold = np.empty(n_samples, dtype=np.intp)
        for k, (_, test) in enumerate(splitter.split(X, y)):
            fold[test] = k
        ids.append(fold)
    return ids


def nested_splits(fold_ids, n_splits):
    """The fits one nested run needs, as a :class:`SplitIndices`.

    Per repetition: first the ``K (K - 1) / 2`` pair fits (test = fold j then fold k,
    j < k; training = the rest), then the ``K`` outer fits (test = fold k).

    Examples
    --------
    >>> s = nested_splits([np.array([0, 1, 2, 0, 1, 2])], 3)
    >>> len(s), s.test(0).tolist(), s.test(3).tolist()
    (6, [0, 3, 1, 4], [0, 3])
    """
    n = len(fold_ids[0])
    tests = []
    for fold in fold_ids:
        members = [np.flatnonzero(fold == k) for k in range(n_splits)]
        for j in range(n_splits):
            for k in range(j + 1, n_splits):
                tests.append(np.concatenate([members[j], members[k]]))
        tests.extend(members)
    return SplitIndices(n, tests)  # each training set is the complement of its test set


def nested_statistics(fold_ids, split_values, n_splits, confidence_level=0.95, computation="refits"):
    """Bates, Hastie & Tibshirani's estimates from the held-out values of :func:`nested_splits`.

    Parameters
    ----------
    fold_ids : list of ndarray
        As returned by :func:`nested_folds`.
    split_values : list of ndarray
        Per-sample held-out values of every split of :func:`nested_splits`, in its
        order and aligned with its test indices (any sign: the result is equivariant).
    n_splits : int
        ``K``.

    Returns
    -------
    NestedCVResult

    Examples
    --------
    >>> r = nested_statistics([np.array([0, 0, 1, 1, 2, 2])], *_toy_values(), 3)
    >>> r.n_repeats, r.n_splits, bool(r.standard_error >= r.naive_standard_error)
    (1, 3, True)
    """
    K = n_splits
    n_pairs = K * (K - 1) // 2
    per_rep = n_pairs + K
    if len(split_values) != per_rep * len(fold_ids):
        raise ValueError(
            f"split_values has {len(split_values)} entries; {len(fold_ids)} repetitions of K={K} need "
            f"{per_rep * len(fold_ids)}."
        )
    a, b, inner, outer = [], [], [], []
    for r, fold in enumerate(fold_ids):
        sizes = np.bincount(fold, minlength=K)
        values = split_values[r * per_rep : (r + 1) * per_rep]
        # held[j][k]: values on fold j of the model fitted without folds j and k
        held = [[None] * K for _ in range(K)]
        p = 0
        for j in range(K):
            for k in range(j + 1, K):
                v = np.asarray(values[p], dtype=float)
                held[j][k], held[k][j] = v[: sizes[j]], v[sizes[j] :]
                p += 1
        for k in range(K):
            e_out = np.asarray(values[n_pairs + k], dtype=float)
            e_in = np.concatenate([held[j][k] for j in range(K) if j != k])
            a.append((e_in.mean() - e_out.mean()) ** 2)
            b.append(e_out.var(ddof=1) / len(e_out) if len(e_out) > 1 else 0.0)
            inner.append(e_in)
            outer.append(e_out)
    a, b = np.asarray(a), np.asarray(b)
    inner, outer = np.concatenate(inner), np.concatenate(outer)
    n = len(fold_ids[0])
    mse = float(a.mean() - b.mean())
    err_ncv, err_cv = float(inner.mean()), float(outer.mean())
    naive = float(outer.std(ddof=1) / np.sqrt(n))
    # section 4.3: the MSE is that of a CV on n (K - 1) / K points: rescale to n, and
    # keep the standard error between the naive one and sqrt(K) times it.
    se = float(np.sqrt(np.clip((K - 1) / K * mse, naive**2, K * naive**2)))
    bias = (1 + (K - 2) / K) * (err_ncv - err_cv)
    centre = err_ncv - bias
    return NestedCVResult(
        estimate=float(centre),
        standard_error=se,
        confidence_interval=normal_interval(centre, se, confidence_level),
        confidence_level=confidence_level,
        err_ncv=err_ncv,
        err_cv=err_cv,
        bias=float(bias),
        mse=mse,
        naive_standard_error=naive,
        n_splits=K,
        n_repeats=len(fold_ids),
        computation=computation,
        a=a,
        b=b,
        folds=list(fold_ids),
    )


def _toy_values():
    """Held-out values of a 3-fold nested run on 6 points (for the doctests)."""
    rng = np.random.default_rng(1)
    splits = nested_splits([np.array([0, 0, 1, 1, 2, 2])], 3)
    return ([rng.normal(size=len(splits.test(i))) for i in range(len(splits))],)


def run_nested(estimator, Xt, y, scorer, fit_params, options, n_splits, n_repeats, rng, labels):
    """Nested CV of ``estimator`` on ``(Xt, y)``: ``(NestedCVResult or None, notes)``.

    The nested fits go through the same entry point as the CV run itself
    (:func:`~resample._model_selection.paths.compute_held_out`: the batched closed
    form for least-squares models, else batched fold fits or joblib refits), without
    a fit on all data (the CV run has one). None, with a note, when a nested fit failed.
    """
    K, R = n_splits, n_repeats
    fold_ids = nested_folds(len(y), K, R, rng, y=labels)
    splits = nested_splits(fold_ids, K)
    options = replace(options, full_fit=False, check_agreement=False, keep_models=False, all_rows=False)
    record = compute_held_out(estimator, Xt, y, splits, scorer, fit_params, options)
    if record.failures:
        first = record.failures[0][1]
        text = (
            f"interval='nested': {len(record.failures)} of {len(splits)} nested fits failed (first: {first}); "
            "no nested interval, the naive one is reported"
        )
        return None, (Note(NoteKind.NESTED, text),)
    solves = "closed-form solves" if record.computation == "closed form" else "fits"
    text = (
        f"interval='nested': nested cross-validation of Bates, Hastie & Tibshirani (2023), {R} random "
        f"partitions into {K} folds ({len(splits)} {solves}); "
        "the interval is centred at the bias-corrected estimate result_.nested.estimate"
    )
    result = nested_statistics(fold_ids, record.split_values(), K, computation=record.computation)
    return result, (Note(NoteKind.NESTED, text),)
