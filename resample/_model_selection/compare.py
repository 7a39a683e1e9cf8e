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

import numbers

import numpy as np
from sklearn.base import is_classifier
from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold
from sklearn.utils.multiclass import type_of_target

from resample._model_selection.comparison import ComparisonResult
from resample._model_selection.cv import KFoldCV
from resample._model_selection.engine import as_index
from resample._model_selection.nested import nested_folds, nested_splits, nested_statistics
from resample._model_selection.paired_tests import corrected_t, five_by_two_f, five_by_two_t, normal_test
from resample._model_selection.results import SplitIndices
from resample._utils.checks import (
    CONFIDENCE_LEVEL,
    check_compare,
    check_data,
    check_estimator,
    check_int,
    check_pointwise,
    check_scoring,
)
from resample._utils.deprecation import DEPRECATED, renamed
from resample._utils.notes import Note, NoteKind
from resample._utils.random import as_generator, int_seed
from resample._utils.sklearn_compat import Interval, StrOptions, validate_parameters

__all__ = ["compare", "ComparisonResult"]


_METHODS = ("auto", "corrected_t", "5x2cv_t", "5x2cv_f", "nested", "paired")

#: the rules of compare's own parameters (cv and the estimators are checked with the data)
_PARAMETERS = {
    "method": [StrOptions(set(_METHODS))],
    "n_repeats": [Interval(numbers.Integral, 1, None, closed="left")],
    "nested_repeats": [Interval(numbers.Integral, 1, None, closed="left")],
    "confidence_level": [CONFIDENCE_LEVEL],
    "n_jobs": [numbers.Integral, None],
}


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
    # through KFoldCV: the same entry point (closed form, fit_folds, refits) as every CV run
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
    random_state=None,
    rng=DEPRECATED,
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
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the splits (the name of the CV estimators and of scikit-learn's
        ``cross_validate`` splitters).
    rng : int, numpy.random.Generator or None
        Deprecated since 0.2 (removed in 0.3): the old name of ``random_state``;
        it still works, with a ``FutureWarning``.

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
    ...             scoring="neg_mean_squared_error", random_state=0)
    >>> r.method, bool(r.difference > 0), bool(r.pvalue < 0.001)  # the quadratic fit predicts better
    ('corrected_t', True, True)
    """
    check_estimator(estimator_a, "estimator_a")
    check_estimator(estimator_b, "estimator_b")
    validate_parameters(_PARAMETERS, {"method": method, "n_repeats": n_repeats, "nested_repeats": nested_repeats,
                                      "confidence_level": confidence_level, "n_jobs": n_jobs})
    check_compare(method, cv)
    level = float(confidence_level)
    n = check_data(X, y, groups, estimator=estimator_a)
    scorer = check_scoring(estimator_a, scoring)
    check_scoring(estimator_b, scoring)
    if method == "auto":
        method = "5x2cv_t" if cv == "5x2" else "corrected_t"
    if method in ("nested", "paired"):
        check_pointwise(scorer, scoring, y, f"method={method!r}")
    if method.startswith("5x2cv"):
        cv = "5x2"
    rng = as_generator(renamed("rng", rng, "random_state", random_state), "random_state")
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
    mean, se, stat, p, df, ci, note = _split_test(method, a.result_, b.result_, d, n, level)
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
        notes=(note,),
    )


def _split_test(method, a, b, d, n, level):
    """``(difference, se, statistic, pvalue, df, interval, note)`` of ``method`` on split differences ``d``."""
    splits = a.splits
    if method == "corrected_t":
        n_test = np.mean([len(splits.test(i)) for i in range(len(splits))])
        n_train = np.mean([splits.train_size(i) for i in range(len(splits))])
        text = f"Nadeau-Bengio corrected t over {len(d)} splits (n_test/n_train = {n_test / n_train:.3g})"
        return (*corrected_t(d, n_train, n_test, level), Note(NoteKind.METHOD, text))
    if method == "5x2cv_t":
        text = ("Dietterich's 5x2cv t: statistic and p-value use the first difference; the interval is centred "
                "at the mean of the ten")
        return (*five_by_two_t(d, level), Note(NoteKind.METHOD, text))
    if method == "5x2cv_f":
        text = "Alpaydin's combined 5x2cv F test (one-sided); the interval is that of the 5x2cv t"
        return (*five_by_two_f(d, level), Note(NoteKind.METHOD, text))
    # paired: per-row mean held-out values (over repeats) of a minus b
    oof_a, counts = _row_means(a, n)
    oof_b, _ = _row_means(b, n)
    rows = oof_a[counts > 0] - oof_b[counts > 0]
    mean = float(rows.mean())
    se = float(rows.std(ddof=1) / np.sqrt(len(rows)))
    stat, p, ci = normal_test(mean, se, level)
    text = ("naive: paired per-sample differences treated as independent (they share training sets), so the "
            "standard error is too small; prefer 'corrected_t' or 'nested'")
    return mean, se, stat, p, np.inf, ci, Note(NoteKind.METHOD, text)


def _row_means(result, n):
    counts = np.bincount(result.sample_index, minlength=n)
    total = np.bincount(result.sample_index, weights=result.sample_values, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / counts, counts


def _compare_nested(estimator_a, estimator_b, X, y, cv, nested_repeats, scorer, scoring, level, n_jobs, rng, n):
    K = 10 if cv is None else check_int(cv, "cv", low=3)
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
    stat, p, ci = normal_test(r.estimate, r.standard_error, level)
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
        notes=(Note(
            NoteKind.METHOD,
            f"nested CV (Bates, Hastie & Tibshirani) of the per-sample differences: {nested_repeats} partitions "
            f"into {K} folds; difference is the bias-corrected estimate, the interval a normal one with the "
            f"nested standard error (inflation {r.inflation:.2f} over naive)",
        ),),
    )
