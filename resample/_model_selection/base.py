"""The machinery every cross-validation estimator shares.

:class:`BaseCV.fit` validates input, computes stateless Pipeline steps once
(:mod:`~resample._model_selection.stateless`), gets the held-out values of every
split from the one entry point :func:`~resample._model_selection.paths.compute_held_out`
(closed form, batched fold fits or one fit per split, each a typed record), pools
the record into a :class:`~resample._model_selection.results.CVResult`
(:func:`~resample._model_selection.pooling.pool`), refits, and delegates
``predict`` and friends to the refit model
(:mod:`~resample._model_selection.delegation`). Subclasses only say how to split
(``_make_splits``) and what to check about their own parameters.
"""

import numbers
import os
from dataclasses import dataclass, replace

from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.utils import indexable
from sklearn.utils.validation import check_is_fitted

from resample._model_selection.adjust import dh_adjusted
from resample._model_selection.cache import check_memory_location
from resample._model_selection.delegation import RefitDelegationMixin
from resample._model_selection.metric_results import CVResults, cv_results_dict
from resample._model_selection.multimetric import (
    DerivedRecord,
    check_multimetric_scoring,
    compute_metrics,
    is_multimetric,
)
from resample._model_selection.nested import run_nested
from resample._model_selection.paths import PathOptions, compute_held_out
from resample._model_selection.pooling import pool
from resample._model_selection.records import ApproximateRecord, ClosedFormRecord
from resample._model_selection.results import SplitIndices, normal_interval
from resample._model_selection.scoring import pointwise_metric
from resample._model_selection.stateless import fit_stateless_prefix, with_prefix
from resample._utils.checks import check_confidence_level, check_data, check_estimator, check_nested, check_scoring
from resample._utils.progress import require_tqdm
from resample._utils.column_checks import check_sample_weight
from resample._utils.deprecation import DEPRECATED, renamed
from resample._utils.notes import Note, NoteKind
from resample._utils.random import as_generator
from resample._utils.sklearn_compat import (
    HasMethods,
    ParameterValidationMixin,
    StrOptions,
    delegated_tags,
    safe_indexing,
)

__all__ = ["BaseCV", "FittedRun"]


@dataclass(frozen=True, eq=False)
class FittedRun:
    """What one ``fit`` computed, handed to a subclass's :meth:`BaseCV._finish`."""

    record: object  # ClosedFormRecord, BatchedRecord or RefitRecord
    result: object  # the pooled CVResult
    rest: object  # the estimator after the stateless prefix
    prefix: list  # fitted stateless (name, step) pairs
    Xt: object  # X through the prefix
    y: object
    scorer: object
    fit_params: dict


class BaseCV(ParameterValidationMixin, RefitDelegationMixin, MetaEstimatorMixin, BaseEstimator):
    """Shared machinery of the cross-validation estimators (not public)."""

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "scoring": [str, callable, list, tuple, set, dict, None],
        "n_jobs": [numbers.Integral, None],
        # checked by resample._utils.random.as_generator, which also refuses legacy RandomState with a hint
        "random_state": "no_validation",
        "error_score": [StrOptions({"raise"}), numbers.Real],
        "refit": ["boolean", str],
        "return_estimator": ["boolean"],
        "return_estimators": ["boolean", StrOptions({DEPRECATED})],
        "return_train_score": ["boolean"],
        "batch_folds": [StrOptions({"auto"}), "boolean"],
        "shortcut": [StrOptions({"auto", "approximate"}), "boolean"],
        "progress": ["boolean"],
        "memory": [None, str, os.PathLike, HasMethods(["cache"])],
    }
    _method = "cross-validation"
    #: KFoldCV sets this: compute the Davison-Hinkley adjusted estimate (estimate_adjusted_)
    _adjust = False

    def __init__(
        self,
        estimator,
        *,
        scoring=None,
        n_jobs=None,
        random_state=None,
        error_score="raise",
        refit=True,
        return_estimator=False,
        return_train_score=False,
        batch_folds="auto",
        shortcut="auto",
        progress=False,
        memory=None,
        return_estimators=DEPRECATED,
    ):
        self.estimator = estimator
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.error_score = error_score
        self.refit = refit
        self.return_estimator = return_estimator
        self.return_train_score = return_train_score
        self.return_estimators = return_estimators
        self.batch_folds = batch_folds
        self.shortcut = shortcut
        self.progress = progress
        self.memory = memory

    # ------------------------------------------------------------------ subclass hooks
    def _make_splits(self, X, y, groups, n_samples, rng):  # pragma: no cover - abstract
        """Return ``(list of (train, test) or SplitIndices, repeat index per split)``."""
        raise NotImplementedError

    def _check_params(self, n_samples):
        """Data-dependent parameter checks of the subclass (before any fit)."""

    def _nested_labels(self, y):  # pragma: no cover - only KFoldCV offers interval="nested"
        """Class labels to stratify the nested partitions by, or None."""
        return None

    def _finish(self, run):
        """The final result from the pooled one (BootstrapCV combines it with the training error)."""
        return run.result

    # ------------------------------------------------------------------ fit
    def fit(self, X, y=None, groups=None, **fit_params):
        """Run the resampling, then (with ``refit=True``) fit on all the data.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Whatever the wrapped estimator takes; it is indexed along its first axis.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        groups : array-like of shape (n_samples,), default=None
            Group labels for group-aware splitters (``cv=GroupKFold(...)``).
        **fit_params : dict
            Passed to every fit; arrays of length n_samples are cut to the training rows.

        Returns
        -------
        self
        """
        X, y, groups, scorers, n = self._check_fit_input(X, y, groups)
        primary = self._primary_metric(scorers)
        scorer = scorers[primary]
        keep = renamed("return_estimators", self.return_estimators, "return_estimator", self.return_estimator,
                       new_default=False)
        check_sample_weight(fit_params.get("sample_weight"), n, self.estimator)
        rng = as_generator(self.random_state)
        splits, repeats = self._make_splits(X, y, groups, n, rng)
        if not isinstance(splits, SplitIndices):
            splits = SplitIndices.from_pairs(n, splits)
        # Stateless leading steps are computed once for the whole run (refit included).
        prefix, rest, Xt, notes = fit_stateless_prefix(self.estimator, X, y)
        options = self._path_options(scorer, y, keep)
        if self.shortcut == "approximate":  # draws the rows its check refits (LOOCV uses no other draw)
            options = replace(options, rng=rng)
        if len(scorers) == 1 and not self.return_train_score:
            metrics = None
            records = {primary: compute_held_out(rest, Xt, y, splits, scorer, fit_params, options)}
        else:  # every metric (and training score) from one fit per split at most
            metrics = compute_metrics(rest, Xt, y, splits, scorers, fit_params, options, primary=primary,
                                      train=self.return_train_score)
            records = metrics.records
        record = records[primary]
        nested, nested_notes = None, ()
        if self._nested():
            nested, nested_notes = run_nested(
                rest, Xt, y, scorer, fit_params, options, self.n_splits, self.nested_repeats, rng,
                self._nested_labels(y),
            )
        # the closed form's record holds the fit on all data, whichever metric is the primary one
        full = next((r for r in records.values() if isinstance(r, (ClosedFormRecord, ApproximateRecord))), record)
        final = self._fit_final(full, rest, Xt, y, fit_params)
        if keep:
            self.estimators_ = self._fold_models(record, prefix, rest, Xt, y, fit_params)
        if self.refit:
            self.estimator_ = with_prefix(prefix, final)
        results = {}
        for name in sorted(records, key=lambda k: k == primary):  # the primary metric last (BootstrapCV's rates)
            results[name] = self._metric_result(
                name, records[name], scorers[name], metrics, final, rest, prefix, Xt, y, fit_params,
                repeats=repeats, notes=notes + nested_notes if name == primary else notes,
                nested=nested if name == primary else None,
            )
        self.scorer_ = scorer
        self.scorers_ = scorers
        self.nested_ = nested
        self.n_splits_ = len(splits)
        self.results_ = CVResults({name: results[name] for name in scorers}, primary)
        self.result_ = results[primary]
        self.cv_results_ = cv_results_dict(self.results_, is_multimetric(self.scoring),
                                           self.estimators_ if keep else None)
        self.scores_ = self.result_.scores
        self.naive_standard_error_ = self.result_.naive_standard_error
        if self._adjust:
            self.estimate_adjusted_ = self.result_.estimate_adjusted
        self.estimate_ = self.result_.estimate
        self.mean_score_ = self.result_.mean_score
        self.standard_error_ = self.result_.standard_error
        return self

    def _metric_result(self, name, record, scorer, metrics, final, rest, prefix, Xt, y, fit_params, *, repeats,
                       notes, nested):
        """The CVResult of one metric: pooled, adjusted (k-fold), finished by the subclass."""
        scoring = name if is_multimetric(self.scoring) else self.scoring
        result = pool(record, y=y, scorer=scorer, scoring=scoring, method=self._method, repeats=repeats,
                      notes=notes, nested=nested)
        if metrics is not None and metrics.train_scores is not None:
            result = replace(result, train_scores=metrics.train_scores[name])
        if self._adjust:
            if isinstance(record, DerivedRecord):
                adjusted, more = float("nan"), (Note(
                    NoteKind.NO_ADJUSTMENT,
                    f"no Davison-Hinkley adjusted estimate for {name}: the closed form adjusts squared error only"),)
            else:
                adjusted, more = dh_adjusted(record, final, Xt, y, scorer, result.estimate)
            result = replace(result, estimate_adjusted=adjusted, notes=result.notes + more)
        return self._finish(FittedRun(record, result, rest, prefix, Xt, y, scorer, fit_params))

    def _primary_metric(self, scorers):
        """The metric ``estimate_`` reports: ``refit`` where it names one, else the first."""
        if isinstance(self.refit, str):
            if self.refit not in scorers:
                raise ValueError(
                    f"refit={self.refit!r} is not one of the metrics in scoring ({', '.join(map(repr, scorers))}). "
                    "With several metrics, refit may name the one that estimate_, result_ and score report; "
                    "or pass refit=True for the first."
                )
            return self.refit
        return next(iter(scorers))

    def _check_fit_input(self, X, y, groups):
        """Every check that can fail before any fit: ``(X, y, groups, scorer, n_samples)``."""
        self._validate_params()
        check_estimator(self.estimator)
        require_tqdm(self.progress)  # the type of every parameter is in _parameter_constraints
        check_memory_location(self.memory)
        n = check_data(X, y, groups, estimator=self.estimator)
        self._check_params(n)
        # Sparse formats without row indexing become CSR, other sequences arrays (new
        # objects: the caller's data is never changed).
        X, y, groups = indexable(X, y, groups)
        if is_multimetric(self.scoring):
            scorers = check_multimetric_scoring(self.estimator, self.scoring)
        else:
            scorers = {"score": check_scoring(self.estimator, self.scoring)}
        if self._nested():
            primary = self._primary_metric(scorers)
            check_nested(self.n_splits, self.cv, scorers[primary], primary if len(scorers) > 1 else self.scoring, y, n)
        return X, y, groups, scorers, n

    def _nested(self):
        return getattr(self, "interval", "naive") == "nested"

    def _path_options(self, scorer, y, keep):
        return PathOptions(
            shortcut=self.shortcut,
            batch_folds=self.batch_folds,
            n_jobs=self.n_jobs,
            error_score=self.error_score,
            keep_models=keep,
            progress=self.progress,
            memory=self.memory,
            full_fit=bool(self.refit),
            all_rows=self._all_rows(scorer, y),
        )

    def _fit_final(self, record, rest, Xt, y, fit_params):
        """The model fitted on all data (``refit=True``), or None."""
        if not self.refit:
            return None
        if isinstance(record, (ClosedFormRecord, ApproximateRecord)):
            return record.full  # fitted by the closed form or approximate path already
        final = clone(rest)
        return final.fit(Xt, y, **fit_params) if y is not None else final.fit(Xt, **fit_params)

    def _fold_models(self, record, prefix, rest, Xt, y, fit_params):
        models = record.fold_models
        if models is None:  # the closed form fits no fold models: fit them now
            models = [clone(rest).fit(_take(Xt, tr), _take(y, tr), **fit_params) for tr, _ in record.splits]
        return [with_prefix(prefix, m) if m is not None else None for m in models]

    def _all_rows(self, scorer, y):
        """Whether each fold model is also scored on every row (for the Davison-Hinkley estimate)."""
        # the adjustment also needs the full fit (refit=True); without it, skip the passes
        return bool(self._adjust and self.refit and y is not None and pointwise_metric(scorer) is not None)

    # ------------------------------------------------------------------ queries
    def confidence_interval(self, confidence_level=0.95, *, metric=None):
        """Confidence interval for the error, at ``confidence_level``.

        With ``interval="naive"`` (the default) the normal interval
        ``estimate_ -/+ z * standard_error_``. It treats the split scores as
        independent, which they are not (training sets overlap), so it tends to be
        too narrow: an approximation. With ``interval="nested"`` (KFoldCV) the
        nested-CV interval of Bates, Hastie & Tibshirani (``nested_``), centred at
        its bias-corrected estimate; the naive one stays available as
        :meth:`naive_confidence_interval`.

        Parameters
        ----------
        confidence_level : float, default=0.95
        metric : str or None, default=None
            With several metrics (``scoring`` a list or dict), the one to report
            (a key of ``results_``); None: the primary one (``refit``'s, else the
            first). The nested interval covers the primary metric only.

        Returns
        -------
        ConfidenceInterval
        """
        check_is_fitted(self, "estimate_")
        level = check_confidence_level(confidence_level)
        if metric is not None and metric != self.results_.primary:
            if metric not in self.results_:
                raise ValueError(f"metric={metric!r} is not one of the metrics of this run: {list(self.results_)}.")
            result = self.results_[metric]
            return normal_interval(result.estimate, result.standard_error, level)
        if getattr(self, "nested_", None) is not None:
            return self.nested_.interval(level)
        return normal_interval(self.estimate_, self.standard_error_, level)

    def naive_confidence_interval(self, confidence_level=0.95):
        """The naive interval ``estimate_ -/+ z * naive_standard_error_``, whatever ``interval`` is.

        Parameters
        ----------
        confidence_level : float, default=0.95

        Returns
        -------
        ConfidenceInterval
        """
        check_is_fitted(self, "estimate_")
        level = check_confidence_level(confidence_level)
        return normal_interval(self.estimate_, self.naive_standard_error_, level)

    def __sklearn_tags__(self):
        return delegated_tags(super().__sklearn_tags__(), self.estimator)


def _take(a, idx):
    return None if a is None else safe_indexing(a, idx)
