"""Comparing two estimators on the same splits: difference, standard error, interval, p-value.

Both estimators are cross-validated on identical splits (through :class:`KFoldCV`,
so the closed form, batched fold fits and joblib apply), and the paired split
differences ``d_j = score_a_j - score_b_j`` (scorer sign: positive means ``a``
scores higher) are tested. The split scores share training rows, so the plain
paired t-test is far too liberal; the methods here correct for that:

``"corrected_t"``
    Nadeau & Bengio (2003, Machine Learning 52, "Inference for the
    generalization error"), the corrected resampled t-test, as Bouckaert & Frank
    (2004) apply it to repeated k-fold: ``t = mean(d) / sqrt((1/J + n_test/n_train)
    var(d))`` with ``J - 1`` degrees of freedom.
``"5x2cv_t"``
    Dietterich (1998, Neural Computation 10, "Approximate statistical tests for
    comparing supervised classification learning algorithms"): five repeats of
    2-fold CV, ``t = d_11 / sqrt(sum_i s_i^2 / 5)`` with 5 degrees of freedom,
    ``s_i^2`` the variance of the two differences of repeat ``i``.
``"5x2cv_f"``
    Alpaydin (1999, Neural Computation 11, "Combined 5x2 cv F test"):
    ``f = sum_ij d_ij^2 / (2 sum_i s_i^2)``, F(10, 5) under the null.
``"nested"``
    The nested cross-validation of Bates, Hastie & Tibshirani (2023) applied to the
    per-sample loss differences (a per-sample quantity like any loss): a normal
    interval for the difference in error of the two models fitted to these data.
``"paired"``
    Paired per-sample differences (averaged over repeats) with a normal test:
    the naive analogue, which ignores that the samples' differences share training
    sets; reported for reference and labelled as such.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy import stats
from sklearn.base import is_classifier
from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold
from sklearn.utils.multiclass import type_of_target

from resample._model_selection.engine import as_index
from resample._utils.random import as_generator, int_seed
from resample._model_selection.results import ConfidenceInterval, SplitIndices
from resample._utils.checks import (
    check_compare,
    check_confidence_level,
    check_data,
    check_estimator,
    check_pointwise,
    check_scoring,
)

__all__ = ["compare", "ComparisonResult"]


@dataclass(frozen=True, eq=False)
class ComparisonResult:
    """The comparison of two estimators on the same splits.

    All scores are in the scorer's sign (for ``neg_mean_squared_error`` minus
    the MSE), so a positive ``difference`` means estimator ``a`` scores higher.

    Attributes
    ----------
    difference : float
        Estimated score of ``a`` minus score of ``b``: the mean split difference
        (``"corrected_t"``, ``"5x2cv_*"``), the bias-corrected nested estimate
        (``"nested"``) or the mean per-sample difference (``"paired"``).
    standard_error : float
        Its standard error under ``method``.
    confidence_interval : ConfidenceInterval
        ``difference -/+ q * standard_error``, ``q`` the t (``df`` finite) or
        normal quantile at ``confidence_level``.
    confidence_level : float
    statistic, pvalue : float
        The test of "no difference" and its two-sided p-value (one-sided upper
        tail for the F test of ``"5x2cv_f"``).
    df : float or tuple
        Degrees of freedom (inf for a normal reference, ``(10, 5)`` for the F test).
    method : str
    scoring : str
    estimate_a, estimate_b : float
        Each estimator's cross-validation estimate on the splits.
    scores_a, scores_b, differences : ndarray of shape (n_splits,)
        Split scores and their differences (for ``"nested"``: of the repeated
        outer k-fold splits of the nested run).
    splits : SplitIndices
    repeats : ndarray of shape (n_splits,)
        Repeat number of each split.
    sample_index, sample_differences : ndarray or None
        Per-sample held-out differences of the metric (``a - b``) with their rows,
        where the metric is a mean over samples.
    notes : tuple of str
    """

    difference: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    statistic: float
    pvalue: float
    df: object
    method: str
    scoring: str
    estimate_a: float
    estimate_b: float
    scores_a: np.ndarray = field(repr=False)
    scores_b: np.ndarray = field(repr=False)
    differences: np.ndarray = field(repr=False)
    splits: SplitIndices = field(repr=False)
    repeats: np.ndarray = field(repr=False)
    sample_index: np.ndarray | None = field(default=None, repr=False)
    sample_differences: np.ndarray | None = field(default=None, repr=False)
    notes: tuple = ()

    def to_frame(self):
        """One row per split: repeat, sizes, both scores and their difference.

        Examples
        --------
        >>> from sklearn.linear_model import LinearRegression, Ridge
        >>> from resample import compare
        >>> from resample.datasets import load_auto
        >>> auto = load_auto()
        >>> r = compare(LinearRegression(), Ridge(alpha=100.0), auto[["horsepower", "weight"]], auto["mpg"],
        ...             cv=5, n_repeats=2, scoring="neg_mean_squared_error", rng=0)
        >>> list(r.to_frame().columns)
        ['split', 'repeat', 'n_train', 'n_test', 'score_a', 'score_b', 'difference']
        """
        import pandas as pd

        n = len(self.differences)
        return pd.DataFrame(
            {
                "split": np.arange(n),
                "repeat": self.repeats,
                "n_train": [self.splits.train_size(i) for i in range(n)],
                "n_test": [len(self.splits.test(i)) for i in range(n)],
                "score_a": self.scores_a,
                "score_b": self.scores_b,
                "difference": self.differences,
            }
        )

    def __repr__(self):
        low, high = self.confidence_interval
        return (
            f"ComparisonResult({self.method}, {self.scoring}: difference={self.difference:.6g} (a - b), "
            f"standard_error={self.standard_error:.3g}, {self.confidence_level:.0%} CI=({low:.6g}, {high:.6g}), "
            f"statistic={self.statistic:.4g}, pvalue={self.pvalue:.4g}, n_splits={len(self.differences)})"
        )


# ---------------------------------------------------------------------- the tests
def _interval(centre, se, df, level):
    q = stats.norm.ppf(0.5 + level / 2) if np.isinf(df) else stats.t.ppf(0.5 + level / 2, df)
    return ConfidenceInterval(float(centre - q * se), float(centre + q * se))


def corrected_t(differences, n_train, n_test, level):
    """Nadeau-Bengio corrected resampled t: ``(difference, se, statistic, pvalue, df, interval)``.

    The variance of the mean of ``J`` overlapping-split differences is
    ``(1/J + n_test/n_train) var(d)`` instead of ``var(d) / J``.

    Examples
    --------
    >>> d = np.array([0.1, 0.3, 0.2, 0.4])
    >>> m, se, t, p, df, ci = corrected_t(d, 90, 10, 0.95)
    >>> round(se, 6) == round(float(np.sqrt((1 / 4 + 10 / 90) * d.var(ddof=1))), 6), df
    (True, 3)
    """
    d = np.asarray(differences, dtype=float)
    J = len(d)
    mean = float(d.mean())
    se = float(np.sqrt((1 / J + n_test / n_train) * d.var(ddof=1)))
    t = mean / se if se > 0 else (0.0 if mean == 0 else np.copysign(np.inf, mean))
    df = J - 1
    return mean, se, float(t), float(2 * stats.t.sf(abs(t), df)), df, _interval(mean, se, df, level)


def _five_by_two(differences):
    d = np.asarray(differences, dtype=float).reshape(5, 2)  # repeat i, fold j
    s2 = ((d - d.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)  # s_i^2 per repeat
    return d, s2


def five_by_two_t(differences, level):
    """Dietterich's 5x2cv paired t: ``t = d_11 / sqrt(mean_i s_i^2)``, 5 df.

    ``difference`` is the mean of the ten differences and the interval is
    ``mean -/+ t_5 * sqrt(mean_i s_i^2)`` (Dietterich's estimate of the variance of
    one difference, conservative for the mean of ten); the statistic and p-value
    are Dietterich's, which use the first difference only.

    Examples
    --------
    >>> d = np.array([1.0, 3.0, 2.0, 2.0, 0.0, 4.0, 2.0, 3.0, 1.0, 1.0])
    >>> m, se, t, p, df, ci = five_by_two_t(d, 0.95)
    >>> bool(np.isclose(t, 1.0 / np.sqrt((2 + 0 + 8 + 0.5 + 0) / 5))), df
    (True, 5)
    """
    d, s2 = _five_by_two(differences)
    se = float(np.sqrt(s2.mean()))
    t = float(d[0, 0] / se) if se > 0 else np.copysign(np.inf, d[0, 0]) if d[0, 0] else 0.0
    mean = float(d.mean())
    return mean, se, t, float(2 * stats.t.sf(abs(t), 5)), 5, _interval(mean, se, 5, level)


def five_by_two_f(differences, level):
    """Alpaydin's combined 5x2cv F: ``f = sum d_ij^2 / (2 sum s_i^2)``, F(10, 5).

    Examples
    --------
    >>> d = np.array([1.0, 3.0, 2.0, 2.0, 0.0, 4.0, 2.0, 3.0, 1.0, 1.0])
    >>> m, se, f, p, df, ci = five_by_two_f(d, 0.95)
    >>> round(f, 6) == round(49.0 / (2 * 10.5), 6), df
    (True, (10, 5))
    """
    d, s2 = _five_by_two(differences)
    mean, se, _, _, _, ci = five_by_two_t(differences, level)
    f = float((d**2).sum() / (2 * s2.sum())) if s2.sum() > 0 else np.inf
    return mean, se, f, float(stats.f.sf(f, 10, 5)), (10, 5), ci


def _normal(centre, se, level):
    z = centre / se if se > 0 else (0.0 if centre == 0 else np.copysign(np.inf, centre))
    return float(z), float(2 * stats.norm.sf(abs(z))), _interval(centre, se, np.inf, level)


# ---------------------------------------------------------------------- the driver
_METHODS = ("auto", "corrected_t", "5x2cv_t", "5x2cv_f", "nested", "paired")


def _draw_splits(estimator, X, y, groups, cv, n_repeats, rng, n):
    """``(pairs, repeat of each pair)`` for ``cv`` (None or int: repeated k-fold; '5x2')."""
    if cv is None or isinstance(cv, (int, np.integer)) or cv == "5x2":
        k, r = (2, 5) if cv == "5x2" else (10 if cv is None else int(cv), n_repeats)
        labels = y is not None and is_classifier(estimator) and type_of_target(y) in ("binary", "multiclass")
        cls = RepeatedStratifiedKFold if labels else RepeatedKFold
        splitter = cls(n_splits=k, n_repeats=r, random_state=int_seed(rng))
        pairs = _compact(splitter.split(X, y), n)
        return pairs, np.arange(len(pairs)) // k
    pairs = _compact(cv.split(X, y, groups) if hasattr(cv, "split") else cv, n)
    if len(pairs) < 2:
        raise ValueError(f"cv={cv!r} produced {len(pairs)} split(s); comparing needs at least 2.")
    return pairs, np.zeros(len(pairs), dtype=int)


def _compact(pairs, n):
    """The pairs as a :class:`SplitIndices`, read one at a time (complements are not kept)."""
    return SplitIndices.from_pairs(n, ((as_index(tr), as_index(te)) for tr, te in pairs))


def _run(estimator, X, y, groups, pairs, scoring, n_jobs):
    from resample._model_selection.cv import KFoldCV

    return KFoldCV(estimator, cv=pairs, scoring=scoring, n_jobs=n_jobs, refit=False).fit(X, y, groups)


def _per_split(result, n_splits):
    order = np.argsort(result.sample_split, kind="stable")
    bounds = np.searchsorted(result.sample_split[order], np.arange(n_splits + 1))
    return [result.sample_values[order[bounds[i] : bounds[i + 1]]] for i in range(n_splits)]


def compare(
    estimator_a,
    estimator_b,
    X,
    y=None,
    *,
    groups=None,
    cv=None,
    n_repeats=10,
    method="auto",
    scoring=None,
    confidence_level=0.95,
    nested_repeats=50,
    n_jobs=None,
    rng=None,
):
    """Compare two estimators by cross-validation on identical splits.

    Parameters
    ----------
    estimator_a, estimator_b : estimator objects
        Cloned before every fit.
    X : array-like of shape (n_samples, ...)
    y : array-like of shape (n_samples,), default=None
    groups : array-like, default=None
        For group-aware splitters passed as ``cv``.
    cv : None, int, "5x2", splitter or iterable of (train, test), default=None
        None: ``n_repeats`` repeats of 10-fold CV (5 repeats of 2-fold for the
        ``"5x2cv_*"`` methods); an int ``K``: ``n_repeats`` repeats of K-fold;
        ``"5x2"``: five repeats of 2-fold. Classifiers are stratified. A splitter
        or explicit splits are used as given (``"corrected_t"`` and ``"paired"``).
    n_repeats : int, default=10
        Repeats of K-fold when ``cv`` is None or an int.
    method : {"auto", "corrected_t", "5x2cv_t", "5x2cv_f", "nested", "paired"}, default="auto"
        "auto" is "5x2cv_t" for ``cv="5x2"`` and "corrected_t" otherwise. See
        :mod:`resample._model_selection.compare` for each test.
    scoring : str, callable or None, default=None
        One metric for both estimators (scikit-learn's ``scoring``). "nested" and
        "paired" need a mean over samples (squared or absolute error, accuracy,
        log loss).
    confidence_level : float, default=0.95
    nested_repeats : int, default=50
        Random partitions of the nested run (``method="nested"``; ``cv`` is then
        the number of folds, default 10).
    n_jobs : int or None, default=None
        Fits in parallel through joblib.
    rng : int, numpy.random.Generator or None, default=None
        Seed of the splits.

    Returns
    -------
    ComparisonResult

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import PolynomialFeatures
    >>> from resample import compare
    >>> from resample.datasets import load_auto
    >>> auto = load_auto()
    >>> quadratic = make_pipeline(PolynomialFeatures(2), LinearRegression())
    >>> r = compare(quadratic, LinearRegression(), auto[["horsepower"]], auto["mpg"],
    ...             scoring="neg_mean_squared_error", rng=0)
    >>> r.method, bool(r.difference > 0), bool(r.pvalue < 0.001)  # the quadratic fit predicts better
    ('corrected_t', True, True)
    """
    check_estimator(estimator_a, "estimator_a")
    check_estimator(estimator_b, "estimator_b")
    check_compare(method, _METHODS, cv, n_repeats)
    level = check_confidence_level(confidence_level)
    n = check_data(X, y, groups, estimator=estimator_a)
    scorer = check_scoring(estimator_a, scoring)
    check_scoring(estimator_b, scoring)
    if method == "auto":
        method = "5x2cv_t" if cv == "5x2" else "corrected_t"
    if method in ("nested", "paired"):
        check_pointwise(scorer, scoring, y, f"method={method!r}")
    if method.startswith("5x2cv"):
        cv = "5x2"
    rng = as_generator(rng, "rng")
    notes = []
    if method == "nested":
        return _compare_nested(estimator_a, estimator_b, X, y, cv, nested_repeats, scorer, scoring, level, n_jobs, rng, n)
    pairs, repeats = _draw_splits(estimator_a, X, y, groups, cv, n_repeats, rng, n)
    a = _run(estimator_a, X, y, groups, pairs, scoring, n_jobs)
    b = _run(estimator_b, X, y, groups, pairs, scoring, n_jobs)
    splits = a.result_.splits
    d = a.scores_ - b.scores_
    sample_diff = None
    if a.result_.sample_values is not None and b.result_.sample_values is not None:
        sample_diff = a.result_.sample_values - b.result_.sample_values
    if method == "corrected_t":
        n_test = np.mean([len(splits.test(i)) for i in range(len(splits))])
        n_train = np.mean([splits.train_size(i) for i in range(len(splits))])
        mean, se, stat, p, df, ci = corrected_t(d, n_train, n_test, level)
        notes.append(f"Nadeau-Bengio corrected t over {len(d)} splits (n_test/n_train = {n_test / n_train:.3g})")
    elif method == "5x2cv_t":
        mean, se, stat, p, df, ci = five_by_two_t(d, level)
        notes.append("Dietterich's 5x2cv t: statistic and p-value use the first difference; the interval is "
                     "centred at the mean of the ten")
    elif method == "5x2cv_f":
        mean, se, stat, p, df, ci = five_by_two_f(d, level)
        notes.append("Alpaydin's combined 5x2cv F test (one-sided); the interval is that of the 5x2cv t")
    else:  # paired
        oof_a, counts = _row_means(a.result_, n)
        oof_b, _ = _row_means(b.result_, n)
        seen = counts > 0
        rows = oof_a[seen] - oof_b[seen]
        mean = float(rows.mean())
        se = float(rows.std(ddof=1) / np.sqrt(len(rows)))
        stat, p, ci = _normal(mean, se, level)
        df = np.inf
        notes.append("naive: paired per-sample differences treated as independent (they share training sets), "
                     "so the standard error is too small; prefer 'corrected_t' or 'nested'")
    return ComparisonResult(
        difference=mean,
        standard_error=se,
        confidence_interval=ci,
        confidence_level=level,
        statistic=stat,
        pvalue=p,
        df=df,
        method=method,
        scoring=a.result_.scoring,
        estimate_a=a.estimate_,
        estimate_b=b.estimate_,
        scores_a=a.scores_,
        scores_b=b.scores_,
        differences=d,
        splits=splits,
        repeats=repeats,
        sample_index=a.result_.sample_index if sample_diff is not None else None,
        sample_differences=sample_diff,
        notes=tuple(notes),
    )


def _row_means(result, n):
    counts = np.bincount(result.sample_index, minlength=n)
    total = np.bincount(result.sample_index, weights=result.sample_values, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / counts, counts


def _compare_nested(estimator_a, estimator_b, X, y, cv, nested_repeats, scorer, scoring, level, n_jobs, rng, n):
    from resample._model_selection.nested import nested_folds, nested_splits, nested_statistics
    from resample._utils.checks import check_int

    K = 10 if cv is None else check_int(cv, "cv", low=3)
    check_int(nested_repeats, "nested_repeats", low=1)
    if n < 2 * K:
        raise ValueError(f"method='nested' needs at least 2 samples per fold: n_samples={n} < 2 * cv = {2 * K}.")
    labels = None
    if is_classifier(estimator_a) and type_of_target(y) in ("binary", "multiclass"):
        labels = np.asarray(y)
    fold_ids = nested_folds(n, K, nested_repeats, rng, y=labels)
    splits = nested_splits(fold_ids, K)
    pairs = splits  # compact: training sets are rebuilt one split at a time
    a = _run(estimator_a, X, y, None, pairs, scoring, n_jobs)
    b = _run(estimator_b, X, y, None, pairs, scoring, n_jobs)
    va, vb = _per_split(a.result_, len(pairs)), _per_split(b.result_, len(pairs))
    diffs = [x - z for x, z in zip(va, vb)]
    r = nested_statistics(fold_ids, diffs, K, confidence_level=level, computation=a.result_.computation)
    stat, p, ci = _normal(r.estimate, r.standard_error, level)
    per_rep = K * (K - 1) // 2 + K
    outer = np.array([i for i in range(len(pairs)) if i % per_rep >= per_rep - K])
    outer_a, outer_b = a.scores_[outer], b.scores_[outer]
    values_a = np.concatenate([va[i] for i in outer])
    values_b = np.concatenate([vb[i] for i in outer])
    outer_splits = SplitIndices(n, [splits.test(i) for i in outer])
    return ComparisonResult(
        difference=r.estimate,
        standard_error=r.standard_error,
        confidence_interval=ci,
        confidence_level=level,
        statistic=stat,
        pvalue=p,
        df=np.inf,
        method="nested",
        scoring=a.result_.scoring,
        estimate_a=float(values_a.mean()),
        estimate_b=float(values_b.mean()),
        scores_a=outer_a,
        scores_b=outer_b,
        differences=outer_a - outer_b,
        splits=outer_splits,
        repeats=np.arange(len(outer)) // K,
        sample_index=np.concatenate([outer_splits.test(i) for i in range(len(outer))]),
        sample_differences=values_a - values_b,
        notes=(
            f"nested CV (Bates, Hastie & Tibshirani) of the per-sample differences: {nested_repeats} partitions "
            f"into {K} folds; difference is the bias-corrected estimate, the interval a normal one with the "
            f"nested standard error (inflation {r.inflation:.2f} over naive)",
        ),
    )
