"""Fit and score one estimator per split: the loop every CV estimator shares.

Kept apart from the estimator classes so that each piece stays one idea: the
classes decide the splits and assemble results; this module fits, scores, times
and reports failures with the split they happened in.
"""

import time

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone

from resample._model_selection.cache import open_cache
from resample._model_selection.cost import pilot_size, warn_if_long
from resample._model_selection.records import SplitOutcome
from resample._model_selection.scoring import score_split
from resample._utils.progress import parallel_with_progress
from resample._utils.sklearn_compat import check_method_params, safe_indexing
from resample.exceptions import FitFailedError

__all__ = ["SplitOutcome", "run_splits", "score_fitted", "describe_split", "as_index"]


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
    return None if X is None else safe_indexing(X, idx)


def _fit_and_score(estimator, X, y, train, test, scorer, fit_params, i, n_splits, error_score, keep, all_rows=False):
    model = clone(estimator)  # never fit the caller's object
    params = check_method_params(X, params=fit_params, indices=train) if fit_params else {}
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

    With ``memory`` (a directory or a ``joblib.Memory``, see
    :mod:`resample._model_selection.cache`) each split's outcome is stored as soon
    as it finishes, in an authenticated entry keyed on everything that determines
    it, so a run that was interrupted or killed recomputes only the splits that had
    not finished, and failed splits are retried.
    """
    n_splits = len(splits)
    cache, keys, done = _lookup(memory, estimator, X, y, splits, scorer, fit_params, error_score, keep, all_rows)
    todo = [i for i in range(n_splits) if i not in done]
    args = (estimator, X, y)
    tail = (scorer, fit_params)
    # The cost guard: a long run fits its first splits one by one (kept, not repeated)
    # and warns of the estimated time before the rest start (resample._model_selection.cost).
    pilot, times = todo[: pilot_size(len(todo))], []
    for i in pilot:
        start = time.perf_counter()
        done[i] = _fit_score_store(cache, keys[i], *args, *splits[i], *tail, i, n_splits, error_score, keep, all_rows)
        times.append(time.perf_counter() - start)
    if pilot:
        warn_if_long(estimator, times, len(todo), n_jobs)
        todo = todo[len(pilot) :]
    if progress:  # same fits, streamed back as they finish so a bar can follow them
        jobs = (
            delayed(_indexed)(j, cache, keys[i], *args, *splits[i], *tail, i, n_splits, error_score, keep, all_rows)
            for j, i in enumerate(todo)
        )
        fresh = parallel_with_progress(jobs, n_jobs, len(todo), desc="splits") if todo else []
    else:
        jobs = (
            delayed(_fit_score_store)(cache, keys[i], *args, *splits[i], *tail, i, n_splits, error_score, keep, all_rows)
            for i in todo
        )
        fresh = Parallel(n_jobs=n_jobs)(jobs) if todo else []
    done.update(zip(todo, fresh))
    return [done[i] for i in range(n_splits)]


def _lookup(memory, estimator, X, y, splits, scorer, fit_params, error_score, keep, all_rows):
    """``(cache, key per split, {split: stored outcome})``; no cache: ``(None, [None, ...], {})``."""
    cache = open_cache(memory)
    run_key = None
    if cache is not None:
        # the split's position and count only label error messages: not part of the key
        run_key = cache.run_key(
            estimator, X, y, scorer, fit_params, error_score, keep, all_rows, code=(estimator, scorer, fit_params)
        )
    if run_key is None:
        return None, [None] * len(splits), {}
    keys = [cache.split_key(run_key, tr, te) for tr, te in splits]
    done = {}
    for i, key in enumerate(keys):
        out = cache.load(key)
        if out is not None:
            done[i] = out
    return cache, keys, done


def _fit_score_store(cache, key, estimator, X, y, train, test, scorer, fit_params, i, n_splits, error_score, keep,
                     all_rows):
    out = _fit_and_score(estimator, X, y, train, test, scorer, fit_params, i, n_splits, error_score, keep, all_rows)
    if cache is not None:
        cache.store(key, out)  # at once, in the worker: a run killed later keeps this split
    return out


def _indexed(j, *args):
    return j, _fit_score_store(*args)


def as_index(a):
    return np.asarray(a, dtype=np.intp)
