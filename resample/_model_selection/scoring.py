"""Scoring one split, and pooling per-sample held-out values across splits.

Where the metric is a mean over samples (squared error, absolute error, 0-1 loss,
log loss) the per-sample values are kept, so that the estimate pools every held-out
value (ISLR's CV_(k)) and later code can put intervals on them without refitting.
Other metrics of scikit-learn's plain scorers keep the held-out predictions, so that
a metric undefined on one sample (R^2 in LOOCV) is computed on the pooled
predictions instead of returning NaN per split.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.base import is_regressor
from sklearn.metrics import (
    accuracy_score,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)

from resample._utils.sklearn_compat import _get_response_values, scorer_parts

__all__ = [
    "SplitScore",
    "MultiMetricScorer",
    "score_split",
    "score_predictions",
    "from_predictions",
    "pointwise_metric",
    "scorer_name",
]


def _sq(y, p):
    d = np.asarray(y, dtype=float) - np.asarray(p, dtype=float)
    return (d**2).mean(axis=1) if d.ndim == 2 else d**2


def _abs(y, p):
    d = np.abs(np.asarray(y, dtype=float) - np.asarray(p, dtype=float))
    return d.mean(axis=1) if d.ndim == 2 else d


def _hit(y, p):
    y, p = np.asarray(y), np.asarray(p)
    if y.ndim == 2 and y.shape[1] == 1 and p.ndim == 1:  # a column of labels: compare row by row, not (n, n)
        y = y[:, 0]
    return (y == p).astype(float)


def _log_loss_rows(y, proba, classes):
    # As sklearn.metrics.log_loss: clip to [eps, 1 - eps], then -log p(true class).
    # Taken per row against the fitted model's classes_, so a test set that holds a
    # single class (every LOOCV split) is scored instead of raising.
    proba = np.asarray(proba, dtype=float)
    eps = np.finfo(proba.dtype).eps
    col = np.searchsorted(classes, y)
    col = np.clip(col, 0, len(classes) - 1)
    known = np.asarray(classes)[col] == np.asarray(y)
    p = np.where(known, proba[np.arange(len(proba)), col], 0.0)
    return -np.log(np.clip(p, eps, 1 - eps))


@dataclass(frozen=True)
class _Pointwise:
    loss: object  # (y_true, response) -> per-sample values of the metric
    response: str  # the estimator method giving the response
    name: str


# score function -> its per-sample form. Only metrics whose value is the plain mean
# of a per-sample quantity, and only with no extra keyword arguments.
_POINTWISE = {
    mean_squared_error: _Pointwise(_sq, "predict", "mean_squared_error"),
    mean_absolute_error: _Pointwise(_abs, "predict", "mean_absolute_error"),
    accuracy_score: _Pointwise(_hit, "predict", "accuracy"),
    log_loss: _Pointwise(None, "predict_proba", "log_loss"),
}


def pointwise_metric(scorer):
    """``(pointwise, sign)`` when ``scorer`` is a mean of per-sample values, else None."""
    parts = scorer_parts(scorer)
    if parts is None:
        return None
    func, sign, _, kwargs = parts
    point = _POINTWISE.get(func)
    if point is None or kwargs:
        return None
    return point, sign


def scorer_name(scorer, scoring):
    if isinstance(scoring, str):
        return scoring
    parts = scorer_parts(scorer)
    if parts is not None:
        name = getattr(parts[0], "__name__", "score").removesuffix("_score")
        return name if parts[1] > 0 else f"neg_{name}"
    return getattr(scoring, "__name__", None) or type(scorer).__name__


@dataclass(frozen=True)
class SplitScore:
    """What scoring one split yields."""

    score: float
    values: np.ndarray | None  # per-sample values in the scorer's sign
    predictions: np.ndarray | None  # held-out response used for scoring
    #: the other metrics of a MultiMetricScorer, by name (None for one metric)
    others: dict | None = None


@dataclass(frozen=True, eq=False)
class MultiMetricScorer:
    """Several scorers scored on one fitted model (scikit-learn's ``scoring=[...]`` or dict).

    Calling it gives the ``primary`` metric's score (what ``estimate_`` reports);
    :func:`score_split` scores every metric on the same fitted model, so a run fits
    each split once whatever the number of metrics.

    Examples
    --------
    >>> from sklearn.metrics import get_scorer
    >>> m = MultiMetricScorer({"r2": get_scorer("r2"), "mae": get_scorer("neg_mean_absolute_error")}, "r2")
    >>> m.names
    ('r2', 'mae')
    """

    scorers: dict  # name -> scorer, in the user's order
    primary: str

    @property
    def names(self):
        return tuple(self.scorers)

    def __call__(self, estimator, X, y=None):
        return self.scorers[self.primary](estimator, X, y)

    def get_params(self, deep=False):
        # read by the cache's fingerprint, so that every metric's code enters the key
        return {"scorers": dict(self.scorers), "primary": self.primary}

    def __repr__(self):
        return f"MultiMetricScorer({list(self.scorers)}, primary={self.primary!r})"


def _check_response(estimator, method, response, y_test):
    """One prediction per test row, or a message that says whose method is wrong (not numpy's broadcast error)."""
    n_out, n_rows = np.shape(response)[:1], np.shape(y_test)[:1]
    if n_out != n_rows:
        name = method if isinstance(method, str) else "/".join(method)
        raise ValueError(
            f"{type(estimator).__name__}.{name} returned {n_out[0] if n_out else 'a scalar'} values for "
            f"{n_rows[0]} test rows (shape {np.shape(response)}); it must return one prediction per row of X."
        )


def score_split(estimator, X_test, y_test, scorer):
    """Score a fitted estimator on one test set, keeping per-sample values if the metric allows.

    A :class:`MultiMetricScorer` scores every metric on this model: the primary
    metric's :class:`SplitScore`, the others in its ``others``.
    """
    if isinstance(scorer, MultiMetricScorer):
        scored = {name: score_split(estimator, X_test, y_test, s) for name, s in scorer.scorers.items()}
        first = scored.pop(scorer.primary)
        return SplitScore(first.score, first.values, first.predictions, scored)
    point = pointwise_metric(scorer)
    if point is not None and y_test is not None:
        pw, sign = point
        response = getattr(estimator, pw.response)(X_test)
        _check_response(estimator, pw.response, response, y_test)
        if pw.loss is None:  # log loss needs the fitted classes
            values = _log_loss_rows(np.asarray(y_test), response, estimator.classes_)
        else:
            values = pw.loss(y_test, response)
        values = sign * values
        return SplitScore(float(values.mean()), values, np.asarray(response))
    parts = scorer_parts(scorer)
    if parts is not None and y_test is not None:
        func, sign, response_method, kwargs = parts
        pos_label = None if is_regressor(estimator) else scorer._get_pos_label()
        response, _ = _get_response_values(estimator, X_test, response_method, pos_label=pos_label)
        _check_response(estimator, response_method, response, y_test)
        with warnings.catch_warnings():
            if len(response) < 2:  # e.g. R^2 of one sample: NaN; the run pools instead
                warnings.simplefilter("ignore")
            score = sign * func(y_test, response, **kwargs)
        return SplitScore(float(score), None, np.asarray(response))
    if y_test is None:
        return SplitScore(float(scorer(estimator, X_test)), None, None)
    return SplitScore(float(scorer(estimator, X_test, y_test)), None, None)


def pooled_score(scorer, y_pooled, predictions):
    """The metric of a plain scorer on pooled held-out predictions."""
    func, sign, _, kwargs = scorer_parts(scorer)
    return float(sign * func(y_pooled, predictions, **kwargs))


def from_predictions(scorer):
    """Whether ``scorer`` is computed from a regressor's ``predict`` alone (so from held-out predictions).

    True for scikit-learn's plain scorers of regression metrics (``r2``,
    ``neg_mean_squared_error``, ``neg_root_mean_squared_error``,
    ``neg_mean_absolute_error``, ``explained_variance``...): the closed form's exact
    held-out predictions give them without a refit.
    """
    parts = scorer_parts(scorer)
    return parts is not None and parts[2] == "predict"


def _rmse(y, p):
    return float(np.sqrt(np.mean(_sq(y, p))))


def _r2(y, p):
    # r2_score's own rules for 1-D y: NaN below two rows; a constant y gives 1 if fitted exactly, else 0
    if len(y) < 2:
        return float("nan")
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    ss_res, ss_tot = float(np.sum((y - p) ** 2)), float(np.sum((y - y.mean()) ** 2))
    if ss_tot == 0:
        return 1.0 if ss_res == 0 else 0.0
    return 1.0 - ss_res / ss_tot


#: metric -> the same number by numpy alone, for a 1-D target and no keyword arguments.
#: scikit-learn's metric functions validate their input on every call (about 1-4 ms); the
#: closed form scores every split of a LOOCV from predictions it already holds, and
#: n calls of that validation would cost more than the closed form itself.
_FAST = {root_mean_squared_error: _rmse, r2_score: _r2}


def score_predictions(scorer, y_true, predictions):
    """What :func:`score_split` gives for a ``predict``-based scorer, from the predictions themselves."""
    point = pointwise_metric(scorer)
    if point is not None and point[0].loss is not None:
        pw, sign = point
        values = sign * pw.loss(y_true, predictions)
        return SplitScore(float(values.mean()), values, np.asarray(predictions))
    func, sign, _, kwargs = scorer_parts(scorer)
    fast = _FAST.get(func)
    if fast is not None and not kwargs and np.ndim(y_true) == 1 and np.ndim(predictions) == 1:
        return SplitScore(sign * fast(y_true, predictions), None, np.asarray(predictions))
    with warnings.catch_warnings():
        if len(predictions) < 2:  # e.g. R^2 of one sample: NaN; the run pools instead
            warnings.simplefilter("ignore")
        score = sign * func(y_true, predictions, **kwargs)
    return SplitScore(float(score), None, np.asarray(predictions))
