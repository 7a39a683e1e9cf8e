"""One pooling function: any held-out record -> a :class:`CVResult`.

The estimate (see :class:`~resample._model_selection.results.CVResult`): where the
metric is a mean over samples, the mean of all pooled held-out values (for equal
folds ISLR's CV_(k), eq. 5.3, the plain mean of the fold errors; with unequal
folds it weighs each fold by its size, and ``mean_score`` keeps the plain mean); otherwise the mean of the split scores weighted by
test-set size; for one-sample test sets (LOOCV) with a metric that is not a mean
over samples, the metric of the pooled held-out predictions. The standard error is
the naive one (split scores' standard deviation over sqrt(number of splits); for
LOOCV, the per-sample values' over sqrt(n)).
"""

import warnings

import numpy as np

from resample._model_selection.adjust import oof_average
from resample._model_selection.results import CVResult, normal_interval
from resample._model_selection.scoring import (
    pointwise_metric,
    pooled_score,
    scorer_name,
)
from resample._utils.notes import Note, NoteKind
from resample._utils.sklearn_compat import safe_indexing
from resample.exceptions import ResampleWarning

__all__ = ["check_failures", "naive_standard_error", "pool"]


def pool(record, *, y, scorer, scoring, method, repeats, notes=(), nested=None, confidence_level=0.95):
    """The :class:`CVResult` of a held-out record.

    Parameters
    ----------
    record : ClosedFormRecord, BatchedRecord or RefitRecord
    y : array-like or None
        The targets (for a metric of pooled predictions).
    scorer : callable
    scoring : the user's ``scoring`` (for the metric's name)
    method : str
        What the result says it is (``"cross-validation"``, ``"bootstrap"``).
    repeats : array-like of shape (n_splits,)
    notes : tuple of Note
        Notes of the run before this record (a stateless prefix, ...).
    nested : NestedCVResult or None
        With one, the result's standard error and interval are nested CV's.
    confidence_level : float, default=0.95
    """
    check_failures(record)
    name = scorer_name(scorer, scoring)
    estimate, se, how = _estimate(record, y, scorer, name)
    oof = counts = None
    if record.predictions is not None and len(record.sample_index) == len(record.predictions):
        # class labels (of any metric, and any non-numeric prediction) are pooled by vote, not averaged
        vote = record.label_predictions or np.asarray(record.predictions).dtype.kind not in "biufc"
        oof, counts = oof_average(record.sample_index, record.predictions, record.splits.n_samples, vote=vote)
    notes = tuple(notes) + record.notes + _failure_notes(record) + how
    return CVResult(
        mean_score=mean_score(record),
        estimate=estimate,
        standard_error=se if nested is None else nested.standard_error,
        confidence_interval=normal_interval(estimate, se, confidence_level)
        if nested is None
        else nested.interval(confidence_level),
        confidence_level=confidence_level,
        scores=record.scores,
        splits=record.splits,
        sample_index=record.sample_index,
        sample_split=record.sample_split,
        sample_values=record.sample_values,
        predictions=record.predictions,
        scoring=name,
        computation=record.computation,
        batched=record.batched,
        notes=notes,
        failures=record.failures,
        fit_times=record.fit_times,
        score_times=record.score_times,
        method=method,
        repeats=np.asarray(repeats),
        interval="naive" if nested is None else "nested",
        naive_standard_error=se,
        nested=nested,
        oof_predictions=oof,
        oof_counts=counts,
    )


def _estimate(record, y, scorer, name):
    """``(estimate, naive standard error, notes)`` of the successful splits."""
    ok = np.ones(len(record.splits), dtype=bool)
    ok[[i for i, _ in record.failures]] = False
    n_test = record.splits.test_sizes[ok]
    scores = record.scores[ok]
    values = record.sample_values
    single = n_test.min() < 2
    if values is not None:
        if single and ok.sum() == len(values):  # LOOCV: per-sample spread
            return float(values.mean()), float(values.std(ddof=1) / np.sqrt(len(values))), ()
        return float(values.mean()), naive_standard_error(scores), ()
    if not single:
        return float(np.average(scores, weights=n_test)), naive_standard_error(scores), ()
    if record.predictions is not None and pointwise_metric(scorer) is None and y is not None:
        estimate = pooled_score(scorer, safe_indexing(y, record.sample_index), record.predictions)
        note = Note(
            NoteKind.POOLING,
            f"{name} is not a mean over samples and is undefined on one-sample test sets: the estimate is "
            "the metric of the pooled held-out predictions; no naive standard error",
        )
        return estimate, float("nan"), (note,)
    note = Note(NoteKind.POOLING,
                "one-sample test sets with a metric that is not a mean over samples: plain mean of split scores")
    return float(np.mean(scores)), naive_standard_error(scores), (note,)


def mean_score(record):
    """The plain mean of the successful splits' scores: ISLR's eq. 5.3, ``cross_val_score(...).mean()``."""
    ok = np.ones(len(record.splits), dtype=bool)
    ok[[i for i, _ in record.failures]] = False
    return float(np.mean(record.scores[ok])) if ok.any() else float("nan")


def check_failures(record):
    """Warn about failed splits; raise when every split failed."""
    failed, n_splits = record.failures, len(record.splits)
    if not failed:
        return
    shown = "; ".join(f"split {i}: {msg}" for i, msg in failed[:3])
    more = f" (and {len(failed) - 3} more)" if len(failed) > 3 else ""
    warnings.warn(
        ResampleWarning(
            f"{len(failed)} of {n_splits} fits failed and were left out of the estimate: {shown}{more}",
            kind=NoteKind.FAILED_SPLITS,
        ),
        stacklevel=4,  # check_failures, pool, BaseCV.fit, the caller
    )
    if len(failed) == n_splits:
        raise ValueError(f"All {n_splits} fits failed; the first error: {failed[0][1]}")


def _failure_notes(record):
    failed, n_splits = record.failures, len(record.splits)
    if not failed:
        return ()
    return (
        Note(
            NoteKind.FAILED_SPLITS,
            f"{len(failed)} of {n_splits} splits failed ({', '.join(str(i) for i, _ in failed)}); "
            f"the estimate rests on the other {n_splits - len(failed)}",
        ),
    )


def naive_standard_error(scores):
    """Standard deviation of the split scores over sqrt(number of splits); NaN below two."""
    scores = np.asarray(scores, dtype=float)
    if len(scores) < 2:
        return float("nan")
    return float(scores.std(ddof=1) / np.sqrt(len(scores)))
