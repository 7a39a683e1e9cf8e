"""The machinery every cross-validation estimator shares.

:class:`BaseCV` validates input, computes stateless Pipeline steps once, chooses
between the exact closed form, batched fold fits and one fit per split, pools the
held-out values into the estimate and its naive standard error, refits, and
delegates ``predict`` and friends to the refit model. Subclasses only say how to
split (``_make_splits``) and what to check about their own parameters.
"""

import numbers
import os
import warnings
from dataclasses import replace

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing, indexable
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from resample._utils.sklearn_compat import HasMethods, StrOptions, delegated_tags
from resample._model_selection.cache import check_memory_location
from resample._model_selection.adjust import dh_adjusted_closed_form, dh_adjusted_refits, oof_average
from resample._model_selection.engine import check_error_score, run_splits, score_fitted, warn_failures
from resample._linalg.least_squares import LeastSquaresCV, shortcut_plan
from resample._protocol import fit_folds, supports_fit_folds
from resample._utils.progress import check_progress
from resample._utils.random import as_generator
from resample._model_selection.results import CVResult, SplitIndices, normal_interval
from resample._model_selection.scoring import pointwise_metric, pooled_score, scorer_name
from resample._model_selection.stateless import split_stateless_prefix
from resample._utils.checks import check_confidence_level, check_data, check_estimator, check_nested, check_scoring
from resample.exceptions import ShortcutWarning

__all__ = ["BaseCV", "SHARED_PARAMETERS_DOC"]

#: Largest gap, in units of std(y), between the closed form's exact least-squares
#: fit and the estimator's own fit on all data before the user is warned.
AGREEMENT_TOL = 1e-6
#: Ridge solvers that solve the normal equations directly (the others iterate to a tolerance)
_DIRECT = ("auto", "cholesky", "svd")


def _delegate(method, doc):
    """A method that calls ``method`` of the refit model, present only where the model has it."""

    def call(self, X):
        self._check_refit(method)
        return getattr(self.estimator_, method)(X)

    call.__name__ = call.__qualname__ = method
    call.__doc__ = doc
    return available_if(_estimator_has(method))(call)


def _estimator_has(attr):
    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attr)
        return hasattr(self.estimator, attr)

    return check


class BaseCV(MetaEstimatorMixin, BaseEstimator):
    """Shared machinery of the cross-validation estimators (not public)."""

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "scoring": [str, callable, None],
        "n_jobs": [numbers.Integral, None],
        # checked by resample._utils.random.as_generator, which also refuses legacy RandomState with a hint
        "random_state": "no_validation",
        "error_score": [StrOptions({"raise"}), numbers.Real],
        "refit": ["boolean"],
        "return_estimators": ["boolean"],
        "batch_folds": [StrOptions({"auto"}), "boolean"],
        "shortcut": [StrOptions({"auto"}), "boolean"],
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
        return_estimators=False,
        batch_folds="auto",
        shortcut="auto",
        progress=False,
        memory=None,
    ):
        self.estimator = estimator
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.error_score = error_score
        self.refit = refit
        self.return_estimators = return_estimators
        self.batch_folds = batch_folds
        self.shortcut = shortcut
        self.progress = progress
        self.memory = memory

    # ------------------------------------------------------------------ splits
    def _make_splits(self, X, y, groups, n_samples, rng):  # pragma: no cover - abstract
        """Return ``(list of (train, test), repeat index per split)``."""
        raise NotImplementedError

    def _check_params(self, n_samples):
        """Data-dependent parameter checks of the subclass (before any fit)."""

    def _nested_labels(self, y):  # pragma: no cover - only KFoldCV offers interval="nested"
        """Class labels to stratify the nested partitions by, or None."""
        return None

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
        self._validate_params()
        check_estimator(self.estimator)
        check_error_score(self.error_score)
        check_progress(self.progress)
        check_memory_location(self.memory)
        n = check_data(X, y, groups, estimator=self.estimator)
        self._check_params(n)
        # Sparse formats without row indexing become CSR, other sequences arrays (new
        # objects: the caller's data is never changed).
        X, y, groups = indexable(X, y, groups)
        scorer = check_scoring(self.estimator, self.scoring)
        nested = getattr(self, "interval", "naive") == "nested"
        if nested:
            check_nested(self.n_splits, self.cv, scorer, self.scoring, y, n)
        rng = as_generator(self.random_state)
        splits, repeats = self._make_splits(X, y, groups, n, rng)
        if not isinstance(splits, SplitIndices):
            splits = SplitIndices.from_pairs(n, splits)
        notes = []

        # Stateless leading steps are computed once for the whole run (refit included).
        prefix, rest = split_stateless_prefix(self.estimator)
        Xt = X
        fitted_prefix = []
        if prefix:
            for name, step in prefix:
                if step is None or step == "passthrough":
                    fitted_prefix.append((name, step))
                    continue
                step = clone(step)
                Xt = step.fit_transform(Xt, y) if y is not None else step.fit_transform(Xt)
                fitted_prefix.append((name, step))
            notes.append(
                "stateless steps computed once for all splits: " + ", ".join(name for name, _ in prefix)
            )

        outcome = self._resample(rest, Xt, y, splits, scorer, fit_params, notes)
        if nested:
            from resample._model_selection.nested import run_nested

            nested = run_nested(self, rest, Xt, y, scorer, fit_params, rng, self._nested_labels(y), notes)
        self._assemble(
            outcome, X, y, splits, repeats, scorer, notes, fitted_prefix, rest, Xt, fit_params, nested=nested or None
        )
        return self

    def _resample(self, rest, Xt, y, splits, scorer, fit_params, notes):
        """Closed form, batched fold fits, or one fit per split: returns a dict of per-split outcomes."""
        if self.shortcut is not False:
            plan = shortcut_plan(rest, scorer, Xt, y, fit_params)
            if isinstance(plan, str):
                if self.shortcut is True:
                    raise ValueError(f"shortcut=True, but the closed form cannot be used: {plan}.")
            else:
                result = self._closed_form(rest, plan, Xt, y, splits, notes)
                if result is not None:
                    return result
                if self.shortcut is True:
                    raise ValueError(
                        "shortcut=True, but the closed form is singular on some split (a training set "
                        "loses a direction of the full design); pass shortcut='auto' to refit there."
                    )
        if self.batch_folds is not False and supports_fit_folds(rest):
            fitted = fit_folds(clone(rest), Xt, y, list(splits))
            if fitted is None:
                notes.append(f"{type(rest).__name__} declined to fit the folds together; fitted one by one")
            else:
                outs = [
                    score_fitted(
                        m, Xt, y, tr, te, scorer, i, len(splits), self.error_score, self.return_estimators,
                        all_rows=self._all_rows(scorer, y),
                    )
                    for i, (m, (tr, te)) in enumerate(zip(fitted, splits))
                ]
                return {"kind": "refits", "batched": True, "outcomes": outs}
        outs = run_splits(
            rest,
            Xt,
            y,
            list(splits),
            scorer,
            fit_params=fit_params,
            n_jobs=self.n_jobs,
            error_score=self.error_score,
            keep=self.return_estimators,
            progress=self.progress,
            memory=self.memory,
            all_rows=self._all_rows(scorer, y),
        )
        return {"kind": "refits", "batched": False, "outcomes": outs}

    def _closed_form(self, rest, plan, Xt, y, splits, notes):
        ls = LeastSquaresCV(Xt, y, plan)
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
        flat = np.concatenate(parts)  # aligned with splits.test_index
        residuals = splits.blocks(flat)
        # The estimator's own fit on all data: needed for estimator_, and to see whether
        # its solver agrees with exact least squares on this design. Ridge with a direct
        # solver on a well-conditioned system cannot disagree beyond rounding: no check.
        check = _needs_agreement_check(rest, plan, ls)
        full = clone(rest).fit(Xt, y) if (check or self.refit) else None
        gap = ls.agreement(full.predict(Xt)) if check else 0.0
        if gap > AGREEMENT_TOL:
            message = (
                f"The closed form reports exact least squares, but {plan.model}'s own fit on all the data "
                f"differs from it by up to {gap:.2g} standard deviations of y (the scaled design has "
                f"condition number {ls.condition:.2g} and rank {ls.rank}); refits of {plan.model} would give "
                "other numbers. Pass shortcut=False to cross-validate the estimator's own refits, or use a "
                "better-conditioned design (orthogonal polynomials, StandardScaler)."
            )
            notes.append(message)
            warnings.warn(message, ShortcutWarning, stacklevel=4)
        return {
            "kind": "closed form",
            "batched": False,
            "residuals": residuals,
            "residuals_flat": flat,
            "full": full,
            "ls": ls,
        }

    # ------------------------------------------------------------------ results
    def _assemble(self, outcome, X, y, splits, repeats, scorer, notes, prefix, rest, Xt, fit_params, nested=None):
        n_splits = len(splits)
        scores = np.empty(n_splits)
        values, preds, index, split_of = [], [], [], []
        fit_times = np.zeros(n_splits)
        score_times = np.zeros(n_splits)
        failed = []
        fold_models = None
        pointwise = pointwise_metric(scorer) is not None and y is not None
        if outcome["kind"] == "closed form":
            # vectorised over all splits: LOOCV at n = 5000 has 5000 of them
            e = outcome["residuals_flat"]
            v = -(e**2)
            scores[:] = np.add.reduceat(v, splits.test_ptr[:-1]) / splits.test_sizes
            values.append(v)
            preds.append(np.asarray(y, dtype=float)[splits.test_index] - e)
            index.append(splits.test_index)
            split_of.append(splits.split_of_test_index)
            pointwise = True
        else:
            fold_models = []
            for i, out in enumerate(outcome["outcomes"]):
                t = splits.test(i)
                fit_times[i], score_times[i] = out.fit_time, out.score_time
                fold_models.append(out.estimator)
                if out.error is not None:
                    failed.append((i, out.error))
                    scores[i] = self.error_score
                    continue
                scores[i] = out.scored.score
                index.append(t)
                split_of.append(np.full(len(t), i))
                if out.scored.values is not None:
                    values.append(out.scored.values)
                if out.scored.predictions is not None:
                    preds.append(out.scored.predictions)
            if outcome["batched"]:
                notes.append(f"{n_splits} fold models fitted together by {type(rest).__name__}.fit_folds")
        if failed:
            warn_failures(failed, n_splits)
            notes.append(
                f"{len(failed)} of {n_splits} splits failed ({', '.join(str(i) for i, _ in failed)}); "
                f"the estimate rests on the other {n_splits - len(failed)}"
            )
            if len(failed) == n_splits:
                raise ValueError(f"All {n_splits} fits failed; the first error: {failed[0][1]}")
        ok_mask = np.ones(n_splits, dtype=bool)
        ok_mask[[f for f, _ in failed]] = False
        ok = np.flatnonzero(ok_mask)
        sample_index = np.concatenate(index) if index else np.empty(0, dtype=np.intp)
        sample_split = np.concatenate(split_of) if split_of else np.empty(0, dtype=np.intp)
        sample_values = np.concatenate(values) if (values and pointwise) else None
        predictions = _concat(preds) if preds and len(preds) == len(index) else None
        n_test = splits.test_sizes[ok]
        single = n_test.min() < 2
        ok_scores = scores[ok]
        if sample_values is not None:
            estimate = float(sample_values.mean())
            if single and len(ok) == len(sample_values):  # LOOCV: per-sample spread
                se = float(sample_values.std(ddof=1) / np.sqrt(len(sample_values)))
            else:
                se = _naive_se(ok_scores)
        elif not single:
            estimate = float(np.average(ok_scores, weights=n_test))
            se = _naive_se(ok_scores)
        elif predictions is not None and pointwise_metric(scorer) is None and y is not None:
            y_pooled = _take(y, sample_index)
            estimate = pooled_score(scorer, y_pooled, predictions)
            se = float("nan")
            notes.append(
                f"{scorer_name(scorer, self.scoring)} is not a mean over samples and is undefined on one-sample "
                "test sets: the estimate is the metric of the pooled held-out predictions; no naive standard error"
            )
        else:
            estimate = float(np.mean(ok_scores))
            se = _naive_se(ok_scores)
            notes.append("one-sample test sets with a metric that is not a mean over samples: plain mean of split scores")

        level = 0.95
        oof = counts = None
        if predictions is not None and len(sample_index) == len(predictions):
            vote = pointwise and outcome["kind"] != "closed form" and _predicts_labels(rest, scorer)
            oof, counts = oof_average(sample_index, predictions, splits.n_samples, vote=vote)
        self.scorer_ = scorer
        self.scores_ = scores
        self.estimate_ = estimate
        self.naive_standard_error_ = se
        self.standard_error_ = se if nested is None else nested.standard_error
        self.nested_ = nested
        self.n_splits_ = n_splits
        self.result_ = CVResult(
            estimate=estimate,
            standard_error=self.standard_error_,
            confidence_interval=normal_interval(estimate, se, level) if nested is None else nested.interval(level),
            confidence_level=level,
            scores=scores,
            splits=splits,
            sample_index=sample_index,
            sample_split=sample_split,
            sample_values=sample_values,
            predictions=predictions,
            scoring=scorer_name(scorer, self.scoring),
            computation=outcome["kind"],
            batched=outcome["batched"],
            notes=tuple(notes),
            failures=tuple(failed),
            fit_times=fit_times,
            score_times=score_times,
            method=self._method,
            repeats=np.asarray(repeats),
            interval="naive" if nested is None else "nested",
            naive_standard_error=se,
            nested=nested,
            oof_predictions=oof,
            oof_counts=counts,
        )
        if self.return_estimators:
            if fold_models is None:  # the closed form fits no fold models: fit them now
                fold_models = [
                    clone(rest).fit(_take(Xt, tr), _take(y, tr), **fit_params) for tr, _ in splits
                ]
            self.estimators_ = [_with_prefix(prefix, m) if m is not None else None for m in fold_models]
        if self.refit:
            if outcome["kind"] == "closed form":
                final = outcome["full"]
            else:
                final = clone(rest)
                final.fit(Xt, y, **fit_params) if y is not None else final.fit(Xt, **fit_params)
            self.estimator_ = _with_prefix(prefix, final)
        if self._adjust:
            final = final if self.refit else None
            adjusted = self._dh_adjusted(outcome, final, failed, pointwise, splits, scorer, Xt, y, estimate, notes)
            self.estimate_adjusted_ = adjusted
            self.result_ = replace(self.result_, estimate_adjusted=adjusted, notes=tuple(notes))
        return self

    def _all_rows(self, scorer, y):
        """Whether each fold model is also scored on every row (for the Davison-Hinkley estimate)."""
        # the adjustment also needs the full fit (refit=True); without it, skip the passes
        return bool(self._adjust and self.refit and y is not None and pointwise_metric(scorer) is not None)

    def _dh_adjusted(self, outcome, final, failed, pointwise, splits, scorer, Xt, y, estimate, notes):
        """Davison-Hinkley adjusted estimate (boot::cv.glm delta[2]), or NaN with a note saying why."""
        why = None
        if not pointwise:
            why = "the metric is not a mean over samples"
        elif not splits.is_partition_complement:
            why = "the training sets are not the complements of the test sets"
        elif failed:
            why = "some splits failed"
        elif outcome["kind"] != "closed form" and final is None:
            why = "it needs the model fitted on all the data (refit=True)"
        if why is not None:
            notes.append(f"no Davison-Hinkley adjusted estimate: {why}")
            return float("nan")
        if outcome["kind"] == "closed form":
            return dh_adjusted_closed_form(outcome["ls"], splits, outcome["residuals"], estimate)
        fold_all = np.array([out.all_rows for out in outcome["outcomes"]], dtype=float)
        return dh_adjusted_refits(fold_all, final, Xt, y, splits, scorer, estimate)

    # ------------------------------------------------------------------ queries
    def confidence_interval(self, confidence_level=0.95):
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

        Returns
        -------
        ConfidenceInterval
        """
        check_is_fitted(self, "estimate_")
        level = check_confidence_level(confidence_level)
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

    # delegation to the refit model, as GridSearchCV does
    def _check_refit(self, method):
        if not self.refit:
            raise AttributeError(f"{method} is not available when refit=False: there is no final model.")
        check_is_fitted(self, "estimator_")

    predict = _delegate("predict", "Predict with the model refit on all data.")
    predict_proba = _delegate("predict_proba", "Class probabilities of the refit model.")
    predict_log_proba = _delegate("predict_log_proba", "Log class probabilities of the refit model.")
    decision_function = _delegate("decision_function", "Decision function of the refit model.")
    transform = _delegate("transform", "Transform with the refit model.")
    score_samples = _delegate("score_samples", "``score_samples`` of the refit model.")

    def score(self, X, y=None):
        """Score of the refit model on ``(X, y)`` with this object's scorer."""
        self._check_refit("score")
        if y is None:
            return self.scorer_(self.estimator_, X)
        return self.scorer_(self.estimator_, X, y)

    @property
    def classes_(self):
        """Classes of the refit classifier."""
        self._check_refit("classes_")
        return self.estimator_.classes_

    @property
    def n_features_in_(self):
        """Number of features seen by the refit model."""
        try:
            check_is_fitted(self, "estimator_")
        except Exception as exc:
            raise AttributeError(f"{type(self).__name__} has no n_features_in_ before a refit fit.") from exc
        return self.estimator_.n_features_in_

    def __sklearn_tags__(self):
        return delegated_tags(super().__sklearn_tags__(), self.estimator)


def _predicts_labels(estimator, scorer):
    """Whether the held-out predictions of a per-sample metric are class labels."""
    point = pointwise_metric(scorer)
    return point is not None and point[0].response == "predict" and is_classifier(estimator)


def _needs_agreement_check(rest, plan, ls):
    """Whether the estimator's own fit could differ from exact least squares here.

    Ridge with a direct solver on a well-conditioned system cannot, beyond rounding.
    LinearRegression (scikit-learn >= 1.9) cuts singular values of the centred X
    below ``tol`` times the largest (``eps * max(n, p)`` before), so it agrees while
    the centred design's condition number stays well inside ``1 / cutoff``.
    """
    params = rest.get_params()
    if plan.model == "Ridge":
        return ls.condition >= 1e8 or params["solver"] not in _DIRECT
    tol = params.get("tol")
    cutoff = tol if tol is not None else np.finfo(float).eps * max(ls.Z.shape)
    return not ls.centred_condition() * cutoff < 0.01


def _naive_se(scores):
    scores = np.asarray(scores, dtype=float)
    if len(scores) < 2:
        return float("nan")
    return float(scores.std(ddof=1) / np.sqrt(len(scores)))


def _concat(parts):
    try:
        return np.concatenate(parts)
    except ValueError:
        return None


def _take(a, idx):
    return None if a is None else _safe_indexing(a, idx)


def _with_prefix(prefix, model):
    """The fitted stateless steps followed by a fitted model, as one Pipeline."""
    if not prefix:
        return model
    steps = list(prefix) + (list(model.steps) if isinstance(model, Pipeline) else [("model", model)])
    if not isinstance(model, Pipeline):
        steps[-1] = (_final_name(prefix), model)
    return Pipeline(steps)


def _final_name(prefix):
    names = {n for n, _ in prefix}
    name = "model"
    while name in names:
        name += "_"
    return name


SHARED_PARAMETERS_DOC = """
    scoring : str, callable or None, default=None
        What scikit-learn's ``scoring`` takes: a scorer name, or a callable
        ``scorer(estimator, X, y)``. None uses the estimator's ``score``.
    n_jobs : int or None, default=None
        Splits fitted in parallel through joblib (so a Dask or Ray joblib backend
        scales out unchanged). Results do not depend on it.
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the splits.
    error_score : "raise" or float, default="raise"
        "raise" re-raises the first failing fit, with a note naming its split. A
        number records it as that split's score; failed splits are left out of the
        estimate and listed in ``result_.notes``.
    refit : bool, default=True
        Fit the estimator on all the data afterwards (``estimator_``; ``predict``
        and friends use it).
    return_estimators : bool, default=False
        Keep the fold models in ``estimators_``.
    batch_folds : "auto" or False, default="auto"
        When the estimator implements ``fit_folds`` (the fold-batching protocol of
        :mod:`resample._protocol`) "auto" lets it fit all splits at once.
    shortcut : "auto", True or False, default="auto"
        Exact closed form for least-squares models (``LinearRegression``, ``Ridge``,
        alone or after stateless Pipeline steps) with squared-error scoring: no
        refits. "auto" uses it when valid, True requires it (and says why not),
        False always refits. Where the estimator's own solver disagrees with exact
        least squares (ill-conditioned designs) a ``ShortcutWarning`` says so and
        ``result_.notes`` records it.
    progress : bool, default=False
        Show a progress bar (tqdm, on stderr) over the split fits, also under
        ``n_jobs > 1``. The closed form and batched fold fits have no per-split
        work to follow and show none. Silent by default.

    memory : str, path-like, joblib.Memory or None, default=None
        A directory (a joblib.Memory gives its ``location``) where each finished
        split is stored as soon as it finishes. Running the same call again after
        a crash or an interrupt recomputes only the splits that had not finished
        (and any that failed), and gives the identical result. Trust model: the
        directory is treated as untrusted. Scores, per-sample values and
        predictions are stored as JSON and ``.npy`` (read without pickles); a fold
        model is pickled only with ``return_estimators=True``; every entry is
        signed with an HMAC whose key lives outside the directory (in
        ``~/.config/resample/cache-key``, or ``$XDG_CONFIG_HOME/resample``, or the
        file ``$RESAMPLE_CACHE_KEY_FILE``; created on first use, mode 0600), and an
        entry that fails it is never loaded: it is discarded with a
        ``CacheWarning`` and recomputed. An entry's key covers the data, the
        split, the estimator's parameters, the source of its classes and modules,
        the scorer and the versions of Python and the computing packages, so
        edited code or upgraded packages recompute. Anyone who can read the key
        file can forge entries: keep it private. See ``docs/caching.md``.

    Attributes
    ----------
    estimate_ : float
        Resampling estimate of the score, in the scorer's units and sign (for
        ``neg_mean_squared_error`` minus the MSE). Per-sample metrics pool all
        held-out values; other metrics average split scores weighted by test size.
    standard_error_ : float
        Naive standard error: std of the split scores over sqrt(number of splits);
        for LOOCV with a per-sample metric, std of the per-sample values over
        sqrt(n). It ignores that training sets overlap, so it is an approximation
        that tends to be too small. With ``interval="nested"`` (KFoldCV) it is the
        nested-CV standard error instead.
    naive_standard_error_ : float
        The naive standard error, whatever ``interval`` is.
    nested_ : NestedCVResult or None
        The nested-CV estimates (``interval="nested"``), else None.
    scores_ : ndarray of shape (n_splits,)
    result_ : CVResult
    estimator_ : estimator
        The model refit on all data (``refit=True``).
    estimators_ : list of estimators
        The fold models (``return_estimators=True``).
    n_splits_ : int
    scorer_ : callable
"""
