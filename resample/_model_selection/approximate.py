"""``shortcut="approximate"``: leave-one-out CV of penalised GLMs without refits, checked by a few refits.

What it covers (:data:`SUPPORTED`), decided before any fit by :func:`approximate_plan`;
the arithmetic is :mod:`resample._linalg.approximate_loo` (one Newton step from the
fit on all rows, Rad & Maleki 2020). :func:`approximate_held_out` fits the estimator
once on all rows, computes every row's approximate held-out response and its loss,
then refits the estimator exactly on ``n_check`` rows drawn at random (seeded by the
CV estimator's ``random_state``) and reports the largest and mean absolute
difference of the per-sample loss in a note of kind ``NoteKind.APPROXIMATE``.

Pipelines: the last step must be the GLM; earlier steps must be unsupervised
transformers from :data:`TRANSFORMERS` (scalers, encoders, imputers, polynomial and
spline features). They are fitted once on all rows, so the approximation also
ignores how a held-out row moves e.g. a StandardScaler's mean and scale (an O(1/n)
effect of the same order as the Newton step's own error). The exact refits of the
check refit the whole pipeline, so that effect is inside the reported difference.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, PoissonRegressor
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    log_loss,
    mean_absolute_error,
    mean_poisson_deviance,
    mean_squared_error,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    Normalizer,
    OneHotEncoder,
    PolynomialFeatures,
    RobustScaler,
    SplineTransformer,
    StandardScaler,
)

from resample._linalg.approximate_loo import (
    GLMFit,
    loo_linear_predictors,
    mean_response,
)
from resample._model_selection.records import ApproximateRecord, ApproximationCheck
from resample._utils.notes import Note, NoteKind
from resample._utils.sklearn_compat import (
    safe_indexing,
    scorer_parts,
    validate_estimator_params,
)

__all__ = ["N_CHECK", "SUPPORTED", "TRANSFORMERS", "approximate_held_out", "approximate_plan"]

#: exact refits on random rows that check the approximation
N_CHECK = 20

#: earlier Pipeline steps allowed before the GLM: unsupervised, fitted once on all rows
TRANSFORMERS = (StandardScaler, MinMaxScaler, MaxAbsScaler, RobustScaler, Normalizer, OneHotEncoder,
                SimpleImputer, PolynomialFeatures, SplineTransformer, FunctionTransformer)

_SOLVERS = ("lbfgs", "newton-cg", "newton-cholesky", "sag", "saga")

SUPPORTED = (
    "it covers leave-one-out splits (LeaveOneOutCV, or KFoldCV(cv=LeaveOneOut())) of "
    "LogisticRegression (binary or multinomial; L2 penalty or none, l1_ratio=0, class_weight=None, solver "
    f"one of {', '.join(_SOLVERS)}) scored by 'neg_log_loss', 'accuracy' or 'neg_brier_score', and "
    "PoissonRegressor scored by 'neg_mean_poisson_deviance', 'neg_mean_squared_error' or "
    "'neg_mean_absolute_error'; alone or as the last step of a Pipeline whose earlier steps are "
    f"{', '.join(t.__name__ for t in TRANSFORMERS)} or ColumnTransformer of those, with no fit parameters"
)


def _log_loss(y, proba, classes):
    col = np.searchsorted(classes, y)
    eps = np.finfo(float).eps
    return -np.log(np.clip(proba[np.arange(len(y)), col], eps, 1 - eps))


def _hits(y, proba, classes):
    return (classes[np.argmax(proba, axis=1)] == y).astype(float)


def _brier(y, proba, classes):
    onehot = (np.asarray(y)[:, None] == classes[None, :]).astype(float)
    if len(classes) == 2:  # scikit-learn's binary Brier score: (p(positive) - y)^2
        return (proba[:, 1] - onehot[:, 1]) ** 2
    return ((proba - onehot) ** 2).sum(axis=1)


def _poisson_deviance(y, mu, classes=None):
    y = np.asarray(y, dtype=float)
    ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    return 2.0 * (ylogy - y + mu)


@dataclass(frozen=True)
class _Metric:
    value: object  # (y, response, classes) -> the metric's per-sample value (a loss, or a hit for accuracy)
    family: str  # "classifier" or "poisson"


# score function -> its per-sample value at the held-out response
_METRICS = {
    log_loss: _Metric(_log_loss, "classifier"),
    accuracy_score: _Metric(_hits, "classifier"),
    brier_score_loss: _Metric(_brier, "classifier"),
    mean_poisson_deviance: _Metric(_poisson_deviance, "poisson"),
    mean_squared_error: _Metric(lambda y, mu, c=None: (np.asarray(y, dtype=float) - mu) ** 2, "poisson"),
    mean_absolute_error: _Metric(lambda y, mu, c=None: np.abs(np.asarray(y, dtype=float) - mu), "poisson"),
}


@dataclass(frozen=True)
class ApproximatePlan:
    """What :func:`approximate_held_out` computes."""

    metric: _Metric
    sign: float  # the scorer's sign (values are reported in it)
    model: str  # the GLM's class name
    label_predictions: bool  # accuracy: the held-out predictions are labels


def _steps(estimator):
    """``(earlier steps, final estimator)`` of a Pipeline, or ``([], estimator)``."""
    if isinstance(estimator, Pipeline):
        return [s for _, s in estimator.steps[:-1]], estimator.steps[-1][1]
    return [], estimator


def _allowed_step(step):
    if step is None or step == "passthrough" or step == "drop":
        return True
    if isinstance(step, Pipeline):
        return all(_allowed_step(s) for _, s in step.steps)
    if isinstance(step, ColumnTransformer):
        return all(_allowed_step(t) for _, t, _ in step.transformers) and _allowed_step(step.remainder)
    return type(step) in TRANSFORMERS


def _glm_problem(glm):
    """Why this GLM is not covered, or None."""
    if type(glm) is PoissonRegressor:
        return None
    if type(glm) is not LogisticRegression:
        return f"got {type(glm).__name__}"
    params = glm.get_params()
    if params["penalty"] not in ("deprecated", "l2", None) or (params["l1_ratio"] or 0) != 0:
        return f"got LogisticRegression(penalty={params['penalty']!r}, l1_ratio={params['l1_ratio']!r})"
    if params["solver"] not in _SOLVERS:
        return f"got LogisticRegression(solver={params['solver']!r}), which penalises the intercept"
    if params["class_weight"] is not None:
        return "got LogisticRegression(class_weight=...)"
    return None


def approximate_plan(estimator, scorer, X, y, fit_params, splits):
    """An :class:`ApproximatePlan`, or a string saying what is not covered (checked before any fit)."""
    steps, glm = _steps(estimator)
    problem = _glm_problem(glm)
    if problem is None:
        validate_estimator_params(glm)
    if problem is None and not all(_allowed_step(s) for s in steps):
        bad = next(s for s in steps if not _allowed_step(s))
        problem = f"got a Pipeline step {type(bad).__name__}"
    if problem is None and fit_params:
        problem = f"got fit parameters ({', '.join(sorted(fit_params))})"
    if problem is None and not (len(splits) == len(splits.test_index) == splits.n_samples
                                and splits.is_partition_complement):
        problem = "got splits that are not leave-one-out"
    if problem is None and (y is None or np.ndim(y) != 1):
        problem = "got a target that is not one-dimensional"
    if problem is None and hasattr(X, "toarray"):
        problem = "got sparse X"
    parts = scorer_parts(scorer)
    metric = None if parts is None or parts[3] else _METRICS.get(parts[0])
    kind = "poisson" if type(glm) is PoissonRegressor else "classifier"
    if problem is None and (metric is None or metric.family != kind):
        name = getattr(parts[0], "__name__", "?") if parts else f"{scorer!r} (not a per-sample metric)"
        problem = f"got the scorer {name} for {type(glm).__name__}"
    if problem is None and kind == "classifier":
        classes, counts = np.unique(np.asarray(y), return_counts=True)
        if counts.min() < 2:
            c = classes[np.argmin(counts)]
            c = c.item() if isinstance(c, np.generic) else c  # show 7, not np.int64(7)
            problem = f"class {c!r} has a single row, which its own refit never sees"
    if problem is not None:
        return f"shortcut='approximate' cannot be used here: {problem}. {SUPPORTED[0].upper()}{SUPPORTED[1:]}"
    return ApproximatePlan(metric, float(parts[1]), type(glm).__name__, parts[0] is accuracy_score)


def _glm_fit(glm, Z, y):
    """The fitted GLM as a :class:`GLMFit` in the summed-loss scale."""
    n = len(Z)
    coef = np.atleast_2d(glm.coef_)
    intercept = np.atleast_1d(glm.intercept_) * np.ones(len(coef))
    if glm.fit_intercept:
        Z = np.column_stack([Z, np.ones(n)])
        theta = np.column_stack([coef, intercept])
    else:
        theta = coef
    pen = np.r_[np.ones(coef.shape[1]), np.zeros(int(glm.fit_intercept))]
    if isinstance(glm, PoissonRegressor):  # alpha on the mean loss: n alpha, (n - 1) alpha summed
        return GLMFit("poisson", Z, theta, np.asarray(y, dtype=float), n * glm.alpha * pen, (n - 1) * glm.alpha * pen)
    strength = 0.0 if glm.get_params()["penalty"] is None else 1.0 / glm.C  # C multiplies the summed loss
    index = np.searchsorted(glm.classes_, np.asarray(y))
    family = "binomial" if len(glm.classes_) == 2 else "multinomial"
    return GLMFit(family, Z, theta, index.astype(float) if family == "binomial" else index,
                  strength * pen, strength * pen)


def _response(family, eta):
    """What the metric reads: class probabilities (n, K) or Poisson means (n,)."""
    mu = mean_response(family, eta)
    return np.column_stack([1.0 - mu, mu]) if family == "binomial" else mu


def approximate_held_out(estimator, plan, X, y, splits, scorer, rng, n_check=N_CHECK):
    """The :class:`ApproximateRecord` of a leave-one-out run (one full fit, ``n_check`` exact refits)."""
    full = clone(estimator).fit(X, y)
    steps, glm = _steps(full)
    Z = full[:-1].transform(X) if steps else X
    Z = np.asarray(Z.toarray() if hasattr(Z, "toarray") else Z, dtype=float)
    fit = _glm_fit(glm, Z, y)
    try:
        eta = loo_linear_predictors(fit)
    except np.linalg.LinAlgError as exc:
        raise ValueError(
            f"shortcut='approximate': the penalised Hessian of {plan.model} is singular here (no penalty and "
            "dependent columns, or separable classes); add a penalty or pass shortcut='auto' to refit."
        ) from exc
    response = _response(fit.family, eta)
    classes = getattr(glm, "classes_", None)
    y_arr = np.asarray(y)
    values = plan.sign * plan.metric.value(y_arr, response, classes)
    predictions = classes[np.argmax(response, axis=1)] if plan.label_predictions else response
    order = splits.test_index  # one row per split
    check = _check(estimator, X, y, values, plan, rng, n_check)
    note = Note(NoteKind.APPROXIMATE, _check_text(plan, check, len(y_arr), bool(steps)))
    return ApproximateRecord(splits, values[order], predictions[order], plan.label_predictions, full, check, (note,))


def _check(estimator, X, y, values, plan, rng, n_check):
    """Exact refits on ``n_check`` random rows, each row's held-out value by the same metric.

    The metric's per-sample values are tested against scikit-learn's metrics; the
    scorer itself cannot score one row for every metric (the Brier score refuses a
    single class in ``y_true``).
    """
    n = len(values)
    rows = np.sort(rng.choice(n, size=min(n_check, n), replace=False)) if n_check else np.empty(0, dtype=int)
    exact = np.empty(len(rows))
    keep = np.ones(n, dtype=bool)
    for j, i in enumerate(rows):
        keep[i] = False
        model = clone(estimator).fit(safe_indexing(X, keep), safe_indexing(y, keep))
        keep[i] = True
        held = safe_indexing(X, [i])
        response = model.predict_proba(held) if hasattr(model, "predict_proba") else model.predict(held)
        y_i = np.asarray(safe_indexing(y, [i]))
        exact[j] = plan.sign * plan.metric.value(y_i, response, getattr(model, "classes_", None))[0]
    return ApproximationCheck(rows, exact, values[rows])


def _check_text(plan, check, n, has_steps):
    scaled = (" The earlier Pipeline steps were fitted once on all rows (the refits of the check refit them)."
              if has_steps else "")
    if not len(check.rows):
        return (f"approximate leave-one-out: one Newton step per row from {plan.model}'s fit on all {n} rows "
                f"(Rad & Maleki 2020); not checked against refits.{scaled}")
    if plan.label_predictions:  # accuracy: the difference is a count of changed labels
        changed = int(np.count_nonzero(check.exact != check.approximate))
        how = f"the held-out label differs on {changed} of them"
    else:
        how = (f"the per-sample loss differs by at most {check.max_abs_difference:.2g} "
               f"(mean {check.mean_abs_difference:.2g})")
    return (
        f"approximate leave-one-out: one Newton step per row from {plan.model}'s fit on all {n} rows "
        f"(Rad & Maleki 2020). Against exact refits on {len(check.rows)} random rows {how}; "
        f"pass shortcut='auto' to refit every row.{scaled}"
    )
