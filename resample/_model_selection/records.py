"""Typed records of what one cross-validation run computed, one type per computation path.

Each path of :func:`resample._model_selection.paths.compute_held_out` returns one of
these frozen records; :func:`resample._model_selection.pooling.pool` turns any of
them into a :class:`~resample._model_selection.results.CVResult`. They share the
field names the pooling reads (``scores``, ``sample_index``, ``sample_split``,
``sample_values``, ``predictions``, ``fit_times``, ``score_times``, ``failures``,
``notes``) and say which path they describe (``computation``, ``batched``), so no
reader branches on a dict key.

``ClosedFormRecord``
    The exact least-squares residuals of every held-out row (no fold models).
``RefitRecord``
    One clone fitted and scored per split (joblib), with failures recorded.
``BatchedRecord``
    The same, with all fold models fitted together by the estimator's ``fit_folds``.
``ApproximateRecord``
    Approximate leave-one-out values of a penalised GLM (one Newton step per row), with
    the :class:`ApproximationCheck` of a few exact refits.

The refit paths collect one :class:`SplitOutcome` per split (what the engine's fit
and score of one split produced, and what the cache stores).
"""

from dataclasses import dataclass, field, replace
from typing import ClassVar

import numpy as np

from resample._model_selection.results import SplitIndices
from resample._model_selection.scoring import SplitScore
from resample._utils.notes import Note, NoteKind

__all__ = ["SplitOutcome", "ClosedFormRecord", "RefitRecord", "BatchedRecord", "ApproximateRecord", "ApproximationCheck"]


@dataclass(frozen=True)
class SplitOutcome:
    """What one split produced: its score record, the fitted model and timings."""

    scored: SplitScore | None  # None when the split failed
    estimator: object
    fit_time: float
    score_time: float
    error: str | None = None  # "ExceptionType: message" when the split failed
    all_rows: float | None = None  # mean per-sample value of the fold model on every row (Davison-Hinkley)


class _HeldOutBlocks:
    """The per-split views of a record without fold models: one block of ``sample_values`` per test set.

    Shared by the closed form and the approximate path, whose values come for every
    held-out row at once (aligned with ``splits.test_index``) and take no fitting time.
    """

    @property
    def sample_index(self):
        return self.splits.test_index

    @property
    def sample_split(self):
        return self.splits.split_of_test_index

    @property
    def scores(self):
        # vectorised over all splits: LOOCV at n = 5000 has 5000 of them
        return np.add.reduceat(self.sample_values, self.splits.test_ptr[:-1]) / self.splits.test_sizes

    @property
    def fit_times(self):
        return np.zeros(len(self.splits))

    score_times = fit_times

    def split_values(self):
        """The per-sample values of each split, in split order."""
        return list(self.splits.blocks(self.sample_values))


@dataclass(frozen=True, eq=False)
class ClosedFormRecord(_HeldOutBlocks):
    """Held-out residuals of the exact closed form.

    Attributes
    ----------
    splits : SplitIndices
    residuals : ndarray
        ``y - held-out prediction`` of every held-out row, aligned with ``splits.test_index``.
    y_test : ndarray
        ``y`` at ``splits.test_index``.
    least_squares : LeastSquaresCV
        The factorised design (the Davison-Hinkley adjustment reuses it).
    full : estimator or None
        The estimator's own fit on all data, where one was needed.
    notes : tuple of Note
    """

    computation: ClassVar[str] = "closed form"
    batched: ClassVar[bool] = False
    label_predictions: ClassVar[bool] = False
    failures: ClassVar[tuple] = ()
    fold_models: ClassVar[None] = None
    all_rows: ClassVar[None] = None

    splits: SplitIndices
    residuals: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)
    least_squares: object = field(repr=False)
    full: object = None
    notes: tuple = ()

    @property
    def sample_values(self):
        """Minus the squared held-out errors (the scorer's sign)."""
        return -(self.residuals**2)

    @property
    def predictions(self):
        return self.y_test - self.residuals


    def split_residuals(self):
        return self.splits.blocks(self.residuals)


@dataclass(frozen=True, eq=False)
class RefitRecord:
    """Held-out values of one fit per split.

    Attributes
    ----------
    splits : SplitIndices
    scores : ndarray of shape (n_splits,)
        The split scores; ``error_score`` where a split failed.
    sample_index, sample_split : ndarray
        Row and split of every held-out value of the splits that succeeded.
    sample_values : ndarray or None
        Per-sample values in the scorer's sign (None: the metric is not a mean over samples).
    predictions : ndarray or None
        The held-out predictions, aligned with ``sample_index``.
    label_predictions : bool
        Whether ``predictions`` are class labels (pooled per row by vote, not by mean).
    fit_times, score_times : ndarray of shape (n_splits,)
    failures : tuple of (int, str)
        Failed splits with ``"ExceptionType: message"``.
    fold_models : tuple
        The fitted fold models (None entries unless they were kept).
    all_rows : ndarray or None
        Per split, the fold model's mean per-sample value on every row (Davison-Hinkley).
    notes : tuple of Note
    """

    computation: ClassVar[str] = "refits"
    batched: ClassVar[bool] = False

    splits: SplitIndices
    scores: np.ndarray
    sample_index: np.ndarray = field(repr=False)
    sample_split: np.ndarray = field(repr=False)
    sample_values: np.ndarray | None = field(repr=False)
    predictions: np.ndarray | None = field(repr=False)
    fit_times: np.ndarray = field(repr=False)
    score_times: np.ndarray = field(repr=False)
    label_predictions: bool = False
    failures: tuple = ()
    fold_models: tuple = field(default=(), repr=False)
    all_rows: np.ndarray | None = field(default=None, repr=False)
    notes: tuple = ()
    #: the other metrics of a multi-metric run, by name (records of the same fits)
    others: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_outcomes(cls, splits, outcomes, error_score, *, label_predictions=False, notes=()):
        """Collect the :class:`~resample._model_selection.engine.SplitOutcome` of every split."""
        others = {}
        for name in next((o.scored.others for o in outcomes if o.error is None and getattr(o.scored, "others", None)), ()):
            # each further metric of a MultiMetricScorer: the same fits, that metric's scores
            per = [o if o.error is not None else replace(o, scored=o.scored.others[name]) for o in outcomes]
            others[name] = cls.from_outcomes(splits, per, error_score, notes=notes)
        n_splits = len(splits)
        scores = np.empty(n_splits)
        values, preds, index, split_of, failed = [], [], [], [], []
        for i, out in enumerate(outcomes):
            if out.error is not None:
                failed.append((i, out.error))
                scores[i] = error_score
                continue
            t = splits.test(i)
            scores[i] = out.scored.score
            index.append(t)
            split_of.append(np.full(len(t), i))
            if out.scored.values is not None:
                values.append(out.scored.values)
            if out.scored.predictions is not None:
                preds.append(out.scored.predictions)
        all_rows = [out.all_rows for out in outcomes]
        return cls(
            splits=splits,
            scores=scores,
            sample_index=_concat(index, np.intp),
            sample_split=_concat(split_of, np.intp),
            sample_values=np.concatenate(values) if values else None,
            predictions=_concat_predictions(preds) if preds and len(preds) == len(index) else None,
            fit_times=np.array([out.fit_time for out in outcomes], dtype=float),
            score_times=np.array([out.score_time for out in outcomes], dtype=float),
            label_predictions=label_predictions,
            failures=tuple(failed),
            fold_models=tuple(out.estimator for out in outcomes),
            all_rows=None if any(a is None for a in all_rows) else np.asarray(all_rows, dtype=float),
            notes=tuple(notes),
            others=others,
        )

    def split_values(self):
        """The per-sample values of each split, in split order (successful splits only)."""
        order = np.argsort(self.sample_split, kind="stable")
        bounds = np.searchsorted(self.sample_split[order], np.arange(len(self.splits) + 1))
        return [self.sample_values[order[bounds[i] : bounds[i + 1]]] for i in range(len(self.splits))]


@dataclass(frozen=True, eq=False)
class BatchedRecord(RefitRecord):
    """Held-out values of fold models fitted together by the estimator's ``fit_folds``.

    The fields are those of :class:`RefitRecord`; ``notes`` say that the folds were batched.
    """

    batched: ClassVar[bool] = True

    @classmethod
    def from_fitted(cls, splits, outcomes, error_score, estimator_name, **kwargs):
        record = cls.from_outcomes(splits, outcomes, error_score, **kwargs)
        note = Note(NoteKind.BATCHED_FOLDS, f"{len(splits)} fold models fitted together by {estimator_name}.fit_folds")
        return replace(record, notes=record.notes + (note,))


@dataclass(frozen=True, eq=False)
class ApproximationCheck:
    """The approximation against exact refits on a few rows (per-sample values in the scorer's sign).

    Attributes
    ----------
    rows : ndarray of int
        The rows refitted exactly (drawn at random, seeded by ``random_state``).
    exact, approximate : ndarray
        Each row's held-out value from its exact refit and from the approximation.
    """

    rows: np.ndarray
    exact: np.ndarray
    approximate: np.ndarray

    @property
    def max_abs_difference(self):
        """Largest ``|exact - approximate|`` (NaN without rows)."""
        return float(np.max(np.abs(self.exact - self.approximate))) if len(self.rows) else float("nan")

    @property
    def mean_abs_difference(self):
        """Mean ``|exact - approximate|`` (NaN without rows)."""
        return float(np.mean(np.abs(self.exact - self.approximate))) if len(self.rows) else float("nan")


@dataclass(frozen=True, eq=False)
class ApproximateRecord(_HeldOutBlocks):
    """Approximate leave-one-out values (no fold models), one row per split.

    Attributes
    ----------
    splits : SplitIndices
        Leave-one-out splits.
    sample_values : ndarray
        Every row's approximate held-out value in the scorer's sign, aligned with ``splits.test_index``.
    predictions : ndarray
        The held-out response the metric read: class probabilities, Poisson means, or
        class labels (``label_predictions``).
    label_predictions : bool
    full : estimator
        The estimator fitted on all rows (the approximation starts from it; ``estimator_``).
    check : ApproximationCheck
    notes : tuple of Note
    """

    computation: ClassVar[str] = "approximate"
    batched: ClassVar[bool] = False
    failures: ClassVar[tuple] = ()
    fold_models: ClassVar[None] = None
    all_rows: ClassVar[None] = None

    splits: SplitIndices
    sample_values: np.ndarray = field(repr=False)
    predictions: np.ndarray = field(repr=False)
    label_predictions: bool
    full: object = field(repr=False)
    check: ApproximationCheck = field(repr=False)
    notes: tuple = ()


def _concat(parts, dtype):
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def _concat_predictions(parts):
    try:
        return np.concatenate(parts)
    except ValueError:  # ragged (e.g. probabilities of folds that saw different classes)
        return None
