"""The one entry point that computes held-out values: closed form, batched folds or refits.

With ``shortcut="approximate"`` it computes the approximate leave-one-out values of a
penalised GLM (:mod:`resample._model_selection.approximate`) or says why it cannot.
Otherwise :func:`compute_held_out` tries, in order, the exact least-squares closed form
(:mod:`resample._linalg.least_squares`), the estimator's own fold batching
(``fit_folds``, :mod:`resample._protocol`) and one fit per split through joblib
(:mod:`resample._model_selection.engine`), and returns the typed record of the path
that ran (:mod:`resample._model_selection.records`). Every CV estimator, the nested
CV and the comparison of two estimators go through it.
"""

import warnings
from dataclasses import dataclass, replace

import numpy as np
from sklearn.base import clone, is_classifier

from resample._linalg.fold_condition import disagreeing_splits
from resample._linalg.least_squares import LeastSquaresCV, shortcut_plan
from resample._model_selection.approximate import N_CHECK, approximate_held_out, approximate_plan
from resample._model_selection.engine import run_splits, score_fitted
from resample._model_selection.records import (
    BatchedRecord,
    ClosedFormRecord,
    RefitRecord,
)
from resample._model_selection.scoring import pointwise_metric
from resample._protocol import fit_folds, fit_folds_reason, supports_fit_folds
from resample._utils.notes import Note, NoteKind
from resample._utils.sklearn_compat import scorer_parts
from resample.exceptions import ParameterError, ShortcutWarning

__all__ = ["AGREEMENT_TOL", "PathOptions", "compute_held_out"]

#: Largest gap, in units of std(y), between the closed form's exact least-squares
#: fit and the estimator's own fit on all data before the user is warned.
AGREEMENT_TOL = 1e-6
#: Ridge solvers that solve the normal equations directly (the others iterate to a tolerance)
_DIRECT = ("auto", "cholesky", "svd")


@dataclass(frozen=True)
class PathOptions:
    """How :func:`compute_held_out` may compute (the CV estimators' parameters of the same names).

    ``full_fit``: the closed form also fits the estimator on all data (for ``estimator_``);
    ``check_agreement``: it compares that fit with exact least squares and warns on a gap;
    ``all_rows``: each fold model is also scored on every row (Davison-Hinkley);
    ``rng``, ``n_check``: the Generator that draws the rows the approximate path checks
    by exact refits, and how many (``shortcut="approximate"``).
    """

    shortcut: object = "auto"
    batch_folds: object = "auto"
    n_jobs: int | None = None
    error_score: object = "raise"
    keep_models: bool = False
    progress: bool = False
    memory: object = None
    full_fit: bool = False
    check_agreement: bool = True
    all_rows: bool = False
    rng: object = None
    n_check: int = N_CHECK


def compute_held_out(estimator, X, y, splits, scorer, fit_params, options):
    """Held-out values of ``estimator`` on every split of ``splits``, by the fastest valid path.

    Parameters
    ----------
    estimator : estimator
        What is resampled (after any stateless prefix); never fitted itself.
    X, y : the (transformed) data
    splits : SplitIndices
    scorer : callable
    fit_params : dict
    options : PathOptions

    Returns
    -------
    ClosedFormRecord, BatchedRecord, RefitRecord or ApproximateRecord
    """
    if options.shortcut == "approximate":
        plan = approximate_plan(estimator, scorer, X, y, fit_params, splits)
        if isinstance(plan, str):
            raise ParameterError(plan + ". Pass shortcut='auto' to refit.")
        rng = options.rng if options.rng is not None else np.random.default_rng()
        return approximate_held_out(estimator, plan, X, y, splits, scorer, rng, options.n_check)
    declined = ()
    if options.shortcut is not False:
        plan = shortcut_plan(estimator, scorer, X, y, fit_params)
        if isinstance(plan, str):
            if options.shortcut is True:
                raise ValueError(f"shortcut=True, but the closed form cannot be used: {plan}.")
        else:
            record = _closed_form(estimator, plan, X, y, splits, options)
            if isinstance(record, str):  # the arithmetic does not support the closed form
                if options.shortcut is True:
                    raise ValueError(f"shortcut=True, but {record}; pass shortcut='auto' to refit.")
                declined = (Note(NoteKind.SHORTCUT_DECLINED, f"{record}: refitted {type(estimator).__name__} instead"),)
            elif record is not None:
                return record
            elif options.shortcut is True:
                raise ValueError(
                    "shortcut=True, but the closed form is singular on some split (a training set "
                    "loses a direction of the full design); pass shortcut='auto' to refit there."
                )
    labels = _predicts_labels(estimator, scorer)
    notes = declined
    if options.batch_folds is not False and supports_fit_folds(estimator):
        record = _batched(estimator, X, y, splits, scorer, options, labels)
        if record is not None:
            return record
        reason = fit_folds_reason(estimator)
        notes += (Note(NoteKind.BATCH_DECLINED,
                      f"{type(estimator).__name__} declined to fit the folds together; fitted one by one"
                      + (f" ({reason})" if reason else "")),)
    outcomes = run_splits(
        estimator, X, y, splits, scorer, fit_params=fit_params, n_jobs=options.n_jobs,
        error_score=options.error_score, keep=options.keep_models, progress=options.progress,
        memory=options.memory, all_rows=options.all_rows,
    )
    return RefitRecord.from_outcomes(splits, outcomes, options.error_score, label_predictions=labels, notes=notes)


def _batched(estimator, X, y, splits, scorer, options, labels):
    """The fold models of ``fit_folds``, scored per split; None when the estimator declines."""
    fitted = fit_folds(clone(estimator), X, y, splits)  # pairs built as the estimator reads them
    if fitted is None:
        return None
    outcomes = [
        score_fitted(m, X, y, tr, te, scorer, i, len(splits), options.error_score, options.keep_models,
                     all_rows=options.all_rows)
        for i, (m, (tr, te)) in enumerate(zip(fitted, splits))
    ]
    record = BatchedRecord.from_fitted(splits, outcomes, options.error_score, type(estimator).__name__,
                                       label_predictions=labels)
    reason = fit_folds_reason(estimator)
    if reason:
        record = replace(record, notes=record.notes + (Note(NoteKind.BATCHED_FOLDS, reason),))
    return record


def _closed_form(estimator, plan, X, y, splits, options):
    """Exact held-out residuals of a least-squares fit; None where a training set is singular, and
    a string saying why where the arithmetic overflowed (never a finite number it did not support)."""
    with np.errstate(over="ignore", invalid="ignore"):  # detected below, from the numbers themselves
        ls = LeastSquaresCV(X, y, plan)
    if not ls.finite:
        return _OVERFLOW.format(where="the scaled design or its fit")
    if len(splits.test_index) == len(splits) == ls.n and splits.is_partition_complement:
        loo = ls.loo_residuals()  # leave-one-out: the leverages alone
        parts = None if loo is None else [loo[splits.test_index]]
    else:
        tests = [splits.test(i) for i in range(len(splits))]
        if splits.is_partition_complement:
            parts = ls.many_block_residuals(tests)
        else:  # gaps or bootstrap samples: solve on each training set
            parts = [ls.refit_residuals(splits[i][0], t) for i, t in enumerate(tests)]
    if parts is None or any(r is None for r in parts):
        return None
    if not all(np.isfinite(r).all() for r in parts):
        return _OVERFLOW.format(where="the held-out residuals")
    # The estimator's own fit on all data: needed for estimator_, and to see whether
    # its solver agrees with exact least squares on this design.
    check = options.check_agreement and _needs_agreement_check(estimator, plan, ls)
    full = None
    if options.full_fit and not check:  # Ridge: the fit on all data from the same factorisation
        full = ls.fitted_ridge(clone(estimator), X)
    if full is None and (check or options.full_fit):
        full = clone(estimator).fit(X, y)
    gap = ls.agreement(full.predict(X)) if check else 0.0
    notes = () if gap <= AGREEMENT_TOL else (_disagreement(plan, ls, gap),)
    if options.check_agreement and not notes:
        # One warning per design: where the fit on all data already disagrees, naming the
        # training sets adds nothing the user can act on beyond shortcut=False.
        notes = _fold_check(estimator, plan, ls, X, splits)
    residuals = np.concatenate(parts)  # aligned with splits.test_index
    y_test = np.asarray(y, dtype=float)[splits.test_index]
    return ClosedFormRecord(splits, residuals, y_test, ls, full, notes)


#: why the closed form declined when its arithmetic overflowed
_OVERFLOW = (
    "the closed form overflowed or produced NaN in {where} (values too large for float64 "
    "arithmetic), so it has no number to report"
)


def _disagreement(plan, ls, gap):
    """The note (and ShortcutWarning) when the estimator's own fit differs from exact least squares."""
    note = Note(
        NoteKind.SHORTCUT_DISAGREES,
        f"The closed form reports exact least squares, but {plan.model}'s own fit on all the data "
        f"differs from it by up to {gap:.2g} standard deviations of y (the scaled design has "
        f"condition number {ls.condition:.2g} and rank {ls.rank}); refits of {plan.model} would give "
        "other numbers. Pass shortcut=False to cross-validate the estimator's own refits, or use a "
        "better-conditioned design (orthogonal polynomials, StandardScaler).",
    )
    # stacklevel: _disagreement, _closed_form, compute_held_out, BaseCV.fit, the caller
    warnings.warn(ShortcutWarning(str(note), kind=note.kind), stacklevel=5)
    return note


def _fold_check(estimator, plan, ls, X, splits):
    """Notes (and ShortcutWarnings) for the training sets whose own fit may differ from exact least squares.

    LinearRegression: the condition number of each training design against its cutoff
    (:mod:`resample._linalg.fold_condition`). Ridge never cuts, but its direct solver
    works on the unscaled ``X_c'X_c + alpha I`` (or ``X_c X_c' + alpha I`` on training
    sets with fewer rows than features), whose rounding error reaches ``eps`` times
    its condition number; on any training set that is at most
    ``(trace(X_c'X_c) + alpha) / alpha`` (the training Gram matrix is dominated by the
    full one), and every training set is named once that bound reaches
    :data:`RIDGE_CONDITION_LIMIT`.
    """
    if plan.model == "LinearRegression":
        cutoff = _cutoff(estimator, ls)
        folds, conditions = disagreeing_splits(ls, splits, cutoff)
        return (_fold_disagreement(plan, folds, conditions, len(splits), cutoff=cutoff),) if len(folds) else ()
    bound = _ridge_condition_bound(ls)
    if estimator.get_params()["solver"] not in _DIRECT or bound < RIDGE_CONDITION_LIMIT:
        return ()  # iterative solvers: the all-data comparison decides
    folds = np.arange(len(splits))
    return (_fold_disagreement(plan, folds, np.full(len(folds), bound), len(splits)),)


#: Ridge's direct solvers err by about eps times the condition number of their system
#: in the predictions, and a fold's MSE by that over the relative residual size. At
#: 1e10 this was up to 1e-6 of the MSE without a warning (hypothesis: PolynomialFeatures(2)
#: of two nearly equal columns near 100, condition 7e9, scikit-learn 3e-7 to 1e-6 off the
#: exact answer, the closed form 7e-11); at 1e8 it stays near 1e-8.
RIDGE_CONDITION_LIMIT = 1e8


def _ridge_condition_bound(ls):
    """``(trace(X_c'X_c) + alpha) / alpha``: a bound on the condition number of Ridge's own
    (unscaled) system on any training set, O(p) from the column scales."""
    scale = ls._scale[1:] if ls.plan.fit_intercept else ls._scale
    alpha = ls.plan.alpha
    return float((np.sum(scale**2) + alpha) / alpha) if alpha > 0 else np.inf


def _fold_disagreement(plan, folds, conditions, n_splits, cutoff=None):
    """The note (and ShortcutWarning) naming the splits whose own fit may differ from exact least squares."""
    shown = ", ".join(f"{i} ({c:.2g})" for i, c in zip(folds[:10], conditions[:10]))
    more = f" and {len(folds) - 10} more" if len(folds) > 10 else ""
    why = (
        f"may cut singular values below its cutoff {cutoff:.2g} of the largest"
        if cutoff is not None
        else "solves an unscaled system whose condition number may reach the bound shown"
    )
    note = Note(
        NoteKind.SHORTCUT_DISAGREES,
        f"The closed form reports exact least squares, but on {len(folds)} of {n_splits} training sets "
        f"{plan.model} {why}: splits "
        f"{shown}{more} (split (condition number of its centred training design)), where refits of "
        f"{plan.model} there would give other numbers. Pass shortcut=False to cross-validate the "
        "estimator's own refits, or use a better-conditioned design (orthogonal polynomials, StandardScaler).",
    )
    warnings.warn(ShortcutWarning(str(note), kind=note.kind), stacklevel=5)
    return note


def _cutoff(estimator, ls):
    """LinearRegression's relative singular-value cutoff: ``tol`` (scikit-learn >= 1.9), else ``eps * max(n, p)``."""
    tol = estimator.get_params().get("tol")
    return tol if tol is not None else np.finfo(float).eps * max(ls.Z.shape)


def _needs_agreement_check(estimator, plan, ls):
    """Whether the estimator's own fit could differ from exact least squares here.

    Ridge with a direct solver on a well-conditioned system cannot, beyond rounding.
    LinearRegression (scikit-learn >= 1.9) cuts singular values of the centred X
    below ``tol`` times the largest (``eps * max(n, p)`` before), so it agrees while
    the centred design's condition number stays well inside ``1 / cutoff``.
    """
    params = estimator.get_params()
    if plan.model == "Ridge":
        return ls.condition >= 1e8 or params["solver"] not in _DIRECT
    tol = params.get("tol")
    cutoff = tol if tol is not None else np.finfo(float).eps * max(ls.Z.shape)
    return not ls.centred_condition() * cutoff < 0.01


def _predicts_labels(estimator, scorer):
    """Whether the held-out predictions are class labels (pooled per row by vote).

    A classifier's ``predict`` feeds accuracy and the plain scorers of label metrics
    (``f1_macro``, ``balanced_accuracy``, ``precision_macro``...); those labels may
    be strings, and numeric ones must not be averaged either.
    """
    if not is_classifier(estimator):
        return False
    point = pointwise_metric(scorer)
    if point is not None:
        return point[0].response == "predict"
    parts = scorer_parts(scorer)
    return parts is not None and parts[2] == "predict"
