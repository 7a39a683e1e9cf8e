"""Several metrics from one run: ``scoring=[...]`` or a dict, as scikit-learn's ``cross_validate``.

Every metric gets its own :class:`~resample._model_selection.results.CVResult`
(estimate, standard error, interval), and no split is fitted twice:

- the exact least-squares closed form (``LinearRegression``, ``Ridge``) gives every
  held-out prediction, so every metric computed from ``predict`` alone (squared,
  absolute and root squared error, R^2, explained variance...) comes from that one
  pass, with no refit at all;
- the metrics left (those of ``predict_proba`` or ``decision_function``, custom
  callables), or all of them where the closed form does not apply, are scored on
  one fitted model per split (:class:`~resample._model_selection.scoring.MultiMetricScorer`);
- with ``return_train_score=True`` each split's model is also scored on its own
  training rows (:mod:`~resample._model_selection.train_scores`).
"""

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
from sklearn.metrics import get_scorer

from resample._linalg.least_squares import shortcut_plan
from resample._model_selection.paths import _closed_form, _predicts_labels, compute_held_out
from resample._model_selection.records import ClosedFormRecord, RefitRecord
from resample._model_selection.scoring import (
    MultiMetricScorer,
    from_predictions,
    pointwise_metric,
    score_predictions,
)
from resample._model_selection.train_scores import closed_form_train_scores, refit_train_scores
from resample._utils.checks import check_scoring

__all__ = ["DerivedRecord", "MetricRecords", "check_multimetric_scoring", "compute_metrics", "is_multimetric"]

_MSE = "neg_mean_squared_error"


def is_multimetric(scoring):
    """Whether ``scoring`` asks for several metrics (a list, tuple, set or dict, as scikit-learn)."""
    return isinstance(scoring, (list, tuple, set, frozenset, dict))


def check_multimetric_scoring(estimator, scoring):
    """``{name: scorer}`` of a list/tuple/set of scorer names or a dict of names to scorers.

    scikit-learn's rules (``cross_validate``): names unique, a list holds names only
    (callables go in a dict, which names them), nothing empty. A set has no order,
    so its names are sorted. Each entry is resolved by
    :func:`resample._utils.checks.check_scoring`, whose messages name the entry.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> list(check_multimetric_scoring(LinearRegression(), ["r2", "neg_mean_absolute_error"]))
    ['r2', 'neg_mean_absolute_error']
    """
    if isinstance(scoring, dict):
        bad = [k for k in scoring if not isinstance(k, str)]
        if bad:
            raise ValueError(f"scoring: the keys of a dict must be metric names (str); got {bad[0]!r}.")
        if not scoring:
            raise ValueError("scoring={} is empty: give at least one name -> scorer pair.")
        return {k: check_scoring(estimator, v, name=f"scoring[{k!r}]") for k, v in scoring.items()}
    items = sorted(scoring) if isinstance(scoring, (set, frozenset)) else list(scoring)
    if not items:
        raise ValueError(f"scoring={scoring!r} is empty: give at least one scorer name, e.g. ['r2', 'neg_mean_squared_error'].")
    bad = [s for s in items if not isinstance(s, str)]
    if bad:
        hint = " Put callables in a dict, which names them: {'name': scorer}." if callable(bad[0]) else ""
        raise ValueError(f"scoring: a list holds scorer names (str); got {bad[0]!r}.{hint}")
    if len(set(items)) != len(items):
        dup = next(s for s in items if items.count(s) > 1)
        raise ValueError(f"scoring={scoring!r} names {dup!r} twice: each metric once.")
    return {s: check_scoring(estimator, s, name=f"scoring[{i}]") for i, s in enumerate(items)}


@dataclass(frozen=True, eq=False)
class DerivedRecord(RefitRecord):
    """Held-out values of one more metric computed from the closed form's exact held-out predictions."""

    computation: ClassVar[str] = "closed form"


@dataclass(frozen=True, eq=False)
class MetricRecords:
    """Per metric, the held-out record and (with ``return_train_score``) the training scores per split."""

    records: dict  # name -> ClosedFormRecord, DerivedRecord, RefitRecord or BatchedRecord
    train_scores: dict | None  # name -> ndarray of shape (n_splits,), or None


def compute_metrics(estimator, X, y, splits, scorers, fit_params, options, *, primary=None, train=False):
    """The held-out record of every metric of ``scorers``, each split fitted at most once.

    Parameters
    ----------
    estimator, X, y, splits, fit_params, options
        As :func:`~resample._model_selection.paths.compute_held_out`.
    scorers : dict
        ``{name: scorer}`` in the user's order.
    primary : str or None
        The metric whose fold models are also scored on every row where
        ``options.all_rows`` asks (the Davison-Hinkley estimate); default: the first.
    train : bool, default=False
        Also score each split's model on its training rows.

    Returns
    -------
    MetricRecords
    """
    records, trains = {}, {}
    closed = _closed_form_metrics(estimator, X, y, splits, scorers, fit_params, options, train)
    if closed is not None:
        records.update(closed.records)
        trains.update(closed.train_scores or {})
    left = {name: s for name, s in scorers.items() if name not in records}
    if left:
        first = primary if primary in left else next(iter(left))
        left = {first: left[first], **left}  # the primary metric leads the refits (its all-rows scores)
        all_rows = options.all_rows and first == (primary or next(iter(scorers)))
        refits = _refit_metrics(estimator, X, y, splits, left, fit_params, replace(options, all_rows=all_rows), train)
        records.update(refits.records)
        trains.update(refits.train_scores or {})
    order = list(scorers)
    return MetricRecords(
        {name: records[name] for name in order},
        {name: trains[name] for name in order} if train else None,
    )


def _closed_form_metrics(estimator, X, y, splits, scorers, fit_params, options, train):
    """Every ``predict``-based metric from one closed-form pass, or None where it does not apply."""
    derivable = {name: s for name, s in scorers.items() if from_predictions(s)}
    if options.shortcut is True and len(derivable) < len(scorers):
        other = next(name for name in scorers if name not in derivable)
        raise ValueError(
            f"shortcut=True, but the closed form gives held-out predictions, and the metric {other!r} needs "
            "more than predict (probabilities, a decision function or a custom scorer); pass shortcut='auto'."
        )
    if options.shortcut is False or not derivable or y is None:
        return None
    anchor = next((s for s in derivable.values() if _is_mse(s)), None) or get_scorer(_MSE)
    plan = shortcut_plan(estimator, anchor, X, y, fit_params)
    if isinstance(plan, str):
        if options.shortcut is True:
            raise ValueError(f"shortcut=True, but the closed form cannot be used: {plan}.")
        return None
    record = _closed_form(estimator, plan, X, y, splits, options)
    if not isinstance(record, ClosedFormRecord):
        if options.shortcut is True:
            why = record if isinstance(record, str) else "the closed form is singular on some split"
            raise ValueError(f"shortcut=True, but {why}; pass shortcut='auto' to refit.")
        return None  # the refit path fits every split instead (and says nothing new)
    if train and not splits.is_partition_complement:
        return None  # training scores need the fold fits on all rows: complements only (refits otherwise)
    records = {name: (record if _is_mse(s) else _derive(record, s)) for name, s in derivable.items()}
    trains = closed_form_train_scores(record, derivable) if train else None
    return MetricRecords(records, trains)


def _is_mse(scorer):
    """Whether ``scorer`` is exactly what the closed form reports (minus the mean squared error)."""
    from resample._utils.sklearn_compat import scorer_parts

    parts = scorer_parts(scorer)
    return parts is not None and parts[0].__name__ == "mean_squared_error" and parts[1] < 0 and not parts[3]


def _derive(record, scorer):
    """The record of another ``predict``-based metric, from the closed form's held-out predictions."""
    splits = record.splits
    preds, y_test = record.predictions, record.y_test
    point = pointwise_metric(scorer)
    if point is not None and point[0].loss is not None:  # a mean over rows: all splits in one pass
        values = point[1] * point[0].loss(y_test, preds)
        scores = np.add.reduceat(values, splits.test_ptr[:-1]) / splits.test_sizes
    else:
        scored = [score_predictions(scorer, b, p) for b, p in zip(splits.blocks(y_test), splits.blocks(preds))]
        values, scores = None, np.array([s.score for s in scored], dtype=float)
    return DerivedRecord(
        splits=splits,
        scores=scores,
        sample_index=splits.test_index,
        sample_split=splits.split_of_test_index,
        sample_values=values,
        predictions=preds,
        fold_models=None,  # none fitted: BaseCV fits them on request (return_estimator=True)
        fit_times=record.fit_times,
        score_times=record.score_times,
        notes=record.notes,
    )


def _refit_metrics(estimator, X, y, splits, scorers, fit_params, options, train):
    """One fit per split scored on every metric of ``scorers`` (the closed form is not tried again)."""
    names = list(scorers)
    scorer = scorers[names[0]] if len(names) == 1 else MultiMetricScorer(dict(scorers), names[0])
    refit_options = replace(options, shortcut=False, keep_models=options.keep_models or train)
    record = compute_held_out(estimator, X, y, splits, scorer, fit_params, refit_options)
    records = {names[0]: record}
    for name in names[1:]:
        other = record.others[name]
        labels = _predicts_labels(estimator, scorers[name])
        records[name] = replace(other, label_predictions=labels, notes=record.notes)
    trains = refit_train_scores(record, X, y, scorers, options.error_score) if train else None
    if train and not options.keep_models:  # kept only to score the training rows
        records = {name: replace(r, fold_models=(None,) * len(splits)) for name, r in records.items()}
    return MetricRecords(records, trains)
