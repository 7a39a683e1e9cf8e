"""Fit and score one estimator per split: the loop every CV estimator shares.

Kept apart from the estimator classes so that each piece stays one idea: the
classes decide the splits and assemble results; this module fits, scores, times
and reports failures with the split they happened in.
"""

import numbers
import os
import time
import warnings
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _check_method_params, check_memory

from resample._utils.progress import parallel_with_progress
from resample._model_selection.scoring import SplitScore, score_split
from resample.exceptions import FitFailedError, ResampleWarning

__all__ = ["SplitOutcome", "run_splits", "score_fitted", "describe_split"]


@dataclass(frozen=True)
class SplitOutcome:
    """What one split produced: its score record, the fitted model and timings."""

    scored: SplitScore | None
    estimator: object
    fit_time: float
    score_time: float
    error: str | None = None  # "ExceptionType: message" when the split failed
    all_rows: float | None = None  # mean per-sample value of the fold model on every row (Davison-Hinkley)


def describe_split(i, n_splits, train, test):
    return f"split {i} of {n_splits} ({len(train)} training rows, {len(test)} test rows)"


def _fail(exc, i, n_splits, train, test, error_score, stage):
    where = describe_split(i, n_splits, train, test)
    if isinstance(error_score, str):  # "raise"
        note = f"{stage} failed on {where}; pass error_score=np.nan to record failures instead of raising."
        if hasattr(exc, "add_note"):
            exc.add_note(note)
            raise exc
        raise FitFailedError(f"{note} {type(exc).__name__}: {exc}", split=i) from exc
    return f"{type(exc).__name__}: {exc}"


def _subset(X, idx):
    return None if X is None else _safe_indexing(X, idx)


def _fit_and_score(estimator, X, y, train, test, scorer, fit_params, i, n_splits, error_score, keep, all_rows=False):
    model = clone(estimator)  # never fit the caller's object
    params = _check_method_params(X, params=fit_params, indices=train) if fit_params else {}
    start = time.perf_counter()
    try:
        if y is None:
            model.fit(_subset(X, train), **params)
        else:
            model.fit(_subset(X, train), _subset(y, train), **params)
    except Exception as exc:
        err = _fail(exc, i, n_splits, train, test, error_score, "fit")
        return SplitOutcome(None, None, time.perf_counter() - start, 0.0, err)
    fit_time = time.perf_counter() - start
    return score_fitted(model, X, y, train, test, scorer, i, n_splits, error_score, keep, fit_time, all_rows)


def score_fitted(model, X, y, train, test, scorer, i, n_splits, error_score, keep, fit_time=0.0, all_rows=False):
    """Score a fitted fold model on its test rows (and, with ``all_rows``, on every row)."""
    start = time.perf_counter()
    try:
        scored = score_split(model, _subset(X, test), _subset(y, test), scorer)
        on_all = score_split(model, X, y, scorer).values.mean() if all_rows else None
    except Exception as exc:
        err = _fail(exc, i, n_splits, train, test, error_score, "scoring")
        return SplitOutcome(None, None, fit_time, time.perf_counter() - start, err)
    return SplitOutcome(scored, model if keep else None, fit_time, time.perf_counter() - start, None,
                        None if on_all is None else float(on_all))


def run_splits(
    estimator, X, y, splits, scorer, *, fit_params, n_jobs, error_score, keep, progress=False, memory=None, all_rows=False
):
    """Fit a clone on each split's training rows and score it on its test rows.

    With ``memory`` (a directory or a ``joblib.Memory``) each split's outcome is
    cached on disk as soon as it finishes, keyed by joblib on everything that
    determines it (estimator parameters, data, indices, scorer), so a run that
    was interrupted or killed recomputes only the splits that had not finished.
    """
    n_splits = len(splits)
    fit_and_score = _cached(memory)
    if progress:  # same fits, streamed back as they finish so a bar can follow them
        jobs = (
            delayed(_indexed)(
                fit_and_score, i, estimator, X, y, tr, te, scorer, fit_params, n_splits, error_score, keep, all_rows
            )
            for i, (tr, te) in enumerate(splits)
        )
        return parallel_with_progress(jobs, n_jobs, n_splits, desc="splits")
    jobs = (
        delayed(fit_and_score)(estimator, X, y, tr, te, scorer, fit_params, i, n_splits, error_score, keep, all_rows)
        for i, (tr, te) in enumerate(splits)
    )
    return Parallel(n_jobs=n_jobs)(jobs)


def _cached(memory):
    """``_fit_and_score``, cached by ``memory`` when one is given (as scikit-learn's Pipeline does)."""
    if memory is None:
        return _fit_and_score
    # the split's position and count only label error messages: not part of the key
    if isinstance(memory, os.PathLike):
        memory = os.fspath(memory)
    return check_memory(memory).cache(_fit_and_score, ignore=["i", "n_splits"])


def _indexed(fit_and_score, i, estimator, X, y, train, test, scorer, fit_params, n_splits, error_score, keep, all_rows):
    return i, fit_and_score(estimator, X, y, train, test, scorer, fit_params, i, n_splits, error_score, keep, all_rows)


def check_error_score(error_score):
    if isinstance(error_score, str):
        if error_score != "raise":
            raise ValueError(f"error_score={error_score!r} is not allowed: use 'raise' or a number such as np.nan.")
    elif isinstance(error_score, bool) or not isinstance(error_score, numbers.Real):
        raise TypeError(f"error_score must be 'raise' or a number (e.g. np.nan); got {error_score!r}.")


def warn_failures(failed, n_splits):
    if failed:
        shown = "; ".join(f"split {i}: {msg}" for i, msg in failed[:3])
        more = f" (and {len(failed) - 3} more)" if len(failed) > 3 else ""
        warnings.warn(
            f"{len(failed)} of {n_splits} fits failed and were left out of the estimate: {shown}{more}",
            ResampleWarning,
            stacklevel=3,
        )


def as_index(a):
    return np.asarray(a, dtype=np.intp)
