"""Input validation for every public entry point.

One module owns it so that every estimator, function and command meets bad input the
same way: at once, before any expensive work, with a message that names the
parameter, the value received and what is allowed. Nothing here copies or changes
the caller's data. What X may contain (NaN, text, images) defers to the wrapped
estimator's tags.
"""

import numbers

import numpy as np
from sklearn.metrics import check_scoring as _sk_check_scoring
from sklearn.metrics import get_scorer_names

from resample._utils.column_checks import check_frame_columns, check_missing_target, first_step
from resample._utils.messages import short_repr

# This module owns input validation: the generic rules and the checks of samples live
# in rules.py and sample_checks.py (one idea each) and are imported from here.
from resample._utils.rules import CONFIDENCE_LEVEL, check_confidence_level, check_int, check_option
from resample._utils.sample_checks import (
    MAX_RESAMPLES,
    check_acceleration,
    check_batch,
    check_n_resamples,
    check_samples,
    check_statistic_shape,
    check_vectorized,
)
from resample._utils.sklearn_compat import _num_samples, allows_nan

__all__ = [
    "CONFIDENCE_LEVEL",
    "MAX_RESAMPLES",
    "check_acceleration",
    "check_batch",
    "check_compare",
    "check_confidence_level",
    "check_data",
    "check_estimator",
    "check_int",
    "check_n_resamples",
    "check_n_splits",
    "check_nested",
    "check_option",
    "check_pointwise",
    "check_samples",
    "check_scoring",
    "check_statistic_shape",
    "check_test_size",
    "check_vectorized",
    "num_samples",
]


def check_estimator(estimator, name="estimator"):
    """The wrapped object must have ``fit``."""
    if not hasattr(estimator, "fit") or not callable(estimator.fit):
        raise TypeError(
            f"{name} must be an estimator with a fit method (a scikit-learn estimator, "
            f"Pipeline or compatible object); got {short_repr(estimator)} of type "
            f"{type(estimator).__name__}."
        )
    return estimator


def num_samples(X, name="X"):
    try:
        return _num_samples(X)
    except TypeError as exc:
        raise TypeError(f"{name} must be array-like with a first axis of samples; got {short_repr(X)}.") from exc


def _requires_y(estimator):
    from sklearn.utils import get_tags

    try:
        return bool(get_tags(estimator).target_tags.required)
    except Exception:
        return False


def _is_numeric_array(a):
    return isinstance(a, np.ndarray) and a.dtype.kind in "fc"


def _check_finite(a, name, allow_nan):
    """Raise if ``a`` holds NaN (unless allowed) or inf. Only numeric data is checked."""
    if hasattr(a, "dtypes") and hasattr(a, "to_numpy"):  # pandas DataFrame / Series
        try:
            values = a.select_dtypes("number").to_numpy() if hasattr(a, "select_dtypes") else a.to_numpy()
        except Exception:
            return
        if values.dtype.kind not in "fc":
            values = values.astype(float, copy=False) if values.dtype.kind in "iub" else None
        a = values
        if a is None:
            return
    elif hasattr(a, "toarray") and hasattr(a, "data"):  # scipy sparse: check stored values
        a = np.asarray(a.data)
    elif not isinstance(a, np.ndarray):
        try:
            a = np.asarray(a)
        except Exception:
            return
    if not _is_numeric_array(a) or a.size == 0:
        return
    if np.isfinite(a.sum()):  # one pass: a NaN or inf anywhere makes the sum non-finite
        return
    if np.isinf(a).any():
        raise ValueError(f"{name} contains infinity; every value must be finite.")
    if not allow_nan and np.isnan(a).any():
        count = int(np.isnan(a).sum())
        raise ValueError(
            f"{name} contains NaN ({count} values), but the estimator does not accept missing values "
            "(its allow_nan tag is False). Impute first, e.g. with sklearn.impute.SimpleImputer "
            "in a Pipeline, or drop those rows."
        )


def check_data(X, y=None, groups=None, *, estimator=None, min_samples=2):
    """Check the data of a resampling run and return the number of samples.

    Lengths must agree; numeric X and y must be finite (X may hold NaN when the
    estimator's tags allow it). Nothing is converted or copied.

    Examples
    --------
    >>> import numpy as np
    >>> check_data(np.zeros((5, 2)), np.zeros(5))
    5
    >>> check_data(np.zeros((5, 2)), np.zeros(4))
    Traceback (most recent call last):
    ...
    ValueError: X and y have different lengths: X has 5 samples, y has 4. Pass one target per row of X.
    """
    if X is None:
        raise ValueError("X is None; pass the data as an array-like of shape (n_samples, ...).")
    n = num_samples(X, "X")
    if n < min_samples:
        raise ValueError(f"X has {n} samples; at least {min_samples} are needed to resample.")
    if y is None and estimator is not None and _requires_y(estimator):
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target y is None; "
            "pass the targets as fit(X, y)."
        )
    if y is not None:
        n_y = num_samples(y, "y")
        if n_y != n:
            raise ValueError(
                f"X and y have different lengths: X has {n} samples, y has {n_y}. Pass one target per row of X."
            )
        _check_finite(y, "y", allow_nan=False)
    if groups is not None:
        n_g = num_samples(groups, "groups")
        if n_g != n:
            raise ValueError(f"groups has {n_g} entries but X has {n} samples; pass one group label per row of X.")
    allow_nan = estimator is not None and allows_nan(estimator)
    _check_finite(X, "X", allow_nan=allow_nan)
    if y is not None:
        check_missing_target(y)
    if estimator is not None:
        _check_input_shape(X, estimator)
        check_frame_columns(X, estimator, allow_nan)
    return n


def _check_input_shape(X, estimator):
    """Refuse, before any fit, X of a shape or kind that a scikit-learn estimator rejects.

    Only scikit-learn's own estimators are judged by their tags: their tags are
    reliable, while other packages' estimators (a torch model on images, a text
    model) often keep the default tags and take whatever their module takes.
    """
    from sklearn.preprocessing import FunctionTransformer
    from sklearn.utils import get_tags

    first = first_step(estimator)
    if first is None or isinstance(first, FunctionTransformer) or not type(first).__module__.startswith("sklearn."):
        return
    if not hasattr(X, "ndim") or not hasattr(X, "dtype") or hasattr(X, "columns"):
        return
    try:
        tags = get_tags(first).input_tags
    except Exception:
        return
    name = type(first).__name__
    if not tags.two_d_array or tags.string or tags.dict:
        return
    if X.ndim == 1 and not tags.one_d_array:
        raise ValueError(
            f"X is one-dimensional (shape {X.shape}), but {name} takes a 2-D array of shape "
            "(n_samples, n_features); for a single feature pass X.reshape(-1, 1)."
        )
    if X.ndim > 2 and not tags.three_d_array:
        raise ValueError(
            f"X has {X.ndim} dimensions (shape {X.shape}), but {name} takes a 2-D array of shape "
            "(n_samples, n_features); flatten each sample first, e.g. X.reshape(len(X), -1)."
        )
    if X.dtype.kind in "USO" and not tags.categorical and X.size and isinstance(np.ravel(X)[0], str):
        raise TypeError(
            f"X holds text (dtype {X.dtype}), but {name} takes numbers; encode it first, e.g. with "
            "sklearn.preprocessing.OneHotEncoder or OrdinalEncoder in a Pipeline."
        )


def check_n_splits(n_splits, n_samples, name="n_splits"):
    """At least 2 splits and no more than there are samples."""
    check_int(n_splits, name, low=2)
    if n_splits > n_samples:
        raise ValueError(
            f"{name}={n_splits} is larger than the number of samples ({n_samples}); "
            f"it must be between 2 and {n_samples}."
        )
    return n_splits


def check_test_size(test_size, n_samples, name="test_size"):
    """A fraction in (0, 1) or a count in [1, n - 1] that leaves both sides non-empty."""
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"{name} must be a float in (0, 1) or an int; got {short_repr(test_size)}.")
    if isinstance(test_size, numbers.Integral):
        if not 1 <= test_size <= n_samples - 1:
            raise ValueError(f"{name}={test_size} is out of range: as a count it must be between 1 and {n_samples - 1}.")
        return int(test_size)
    if not 0 < test_size < 1:
        raise ValueError(f"{name}={test_size!r} is out of range: as a fraction it must be strictly between 0 and 1.")
    n_test = int(np.ceil(test_size * n_samples))
    if n_test < 1 or n_samples - n_test < 1:
        raise ValueError(
            f"{name}={test_size!r} of {n_samples} samples leaves {n_test} test and {n_samples - n_test} "
            "training samples; both sides need at least one."
        )
    return float(test_size)


def check_scoring(estimator, scoring, name="scoring"):
    """Resolve ``scoring`` as scikit-learn does, with a clearer message for unknown names.

    ``None`` uses the estimator's ``score``; for plain regressors and classifiers
    whose ``score`` is scikit-learn's default this is ``"r2"`` or ``"accuracy"``,
    resolved to that named scorer so that pooled metrics can be computed.
    """
    if isinstance(scoring, str) and scoring not in get_scorer_names():
        raise ValueError(
            f"{name}={scoring!r} is not a known scorer name. Allowed: one of "
            "sklearn.metrics.get_scorer_names() (e.g. 'neg_mean_squared_error', 'accuracy', "
            "'neg_log_loss', 'r2'), a callable scorer(estimator, X, y), or None."
        )
    if scoring is not None and not isinstance(scoring, str) and not callable(scoring):
        raise TypeError(
            f"{name} must be a scorer name, a callable scorer(estimator, X, y) or None; "
            f"got {short_repr(scoring)} of type {type(scoring).__name__}. "
            "Several metrics at once are not supported: run one estimator per metric."
        )
    if scoring is None:
        from sklearn.base import (
            ClassifierMixin,
            RegressorMixin,
            is_classifier,
            is_regressor,
        )

        final = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
        score = getattr(type(final), "score", None)
        if is_regressor(final) and score is RegressorMixin.score:
            scoring = "r2"
        elif is_classifier(final) and score is ClassifierMixin.score:
            scoring = "accuracy"
        elif score is None:
            raise TypeError(
                f"{name}=None needs an estimator with a score method; "
                f"{type(estimator).__name__} has none. Pass scoring= explicitly."
            )
    return _sk_check_scoring(estimator, scoring=scoring)


# --- bootstrap and jackknife of a statistic --------------------------------------
# (checks used by resample._bootstrapping.bootstrap, resample._bootstrapping.jackknife and the bootstrap
# estimators; kept here so that every entry point words its messages alike)


_POINTWISE_NAMES = "'neg_mean_squared_error', 'neg_mean_absolute_error', 'accuracy' or 'neg_log_loss'"


def check_pointwise(scorer, scoring, y, what):
    """The metric must be a mean of per-sample values, and there must be a target."""
    from resample._model_selection.scoring import pointwise_metric

    if y is None:
        raise ValueError(f"{what} needs a target: got y=None.")
    if pointwise_metric(scorer) is None:
        raise ValueError(
            f"{what} needs a metric that is a mean of per-sample values ({_POINTWISE_NAMES}); "
            f"got scoring={short_repr(scoring)}."
        )


def check_nested(n_splits, cv, scorer, scoring, y, n_samples):
    """``interval="nested"`` of KFoldCV: its own k-fold partitions, K >= 3, a per-sample metric."""
    if cv is not None:
        raise ValueError(
            f"interval='nested' draws its own random k-fold partitions, so it cannot use cv={short_repr(cv)}; "
            "pass n_splits (and n_repeats) instead, or use interval='naive'."
        )
    if n_splits < 3:
        raise ValueError(
            f"interval='nested' needs n_splits >= 3 (its inner fits leave out two folds); got n_splits={n_splits}."
        )
    check_pointwise(scorer, scoring, y, "interval='nested'")
    if n_samples < 2 * n_splits:
        raise ValueError(
            f"interval='nested' needs at least 2 samples per fold: n_samples={n_samples} is fewer than "
            f"2 * n_splits = {2 * n_splits}."
        )


def check_compare(method, cv):
    """``cv`` of :func:`resample.compare`, and that it fits ``method`` (whose own rule is checked already)."""
    if isinstance(cv, str):
        if cv != "5x2":
            raise ValueError(f"cv={cv!r} is not allowed: as a string it must be '5x2' (five repeats of 2-fold CV).")
    elif cv is not None and not isinstance(cv, numbers.Integral) and not hasattr(cv, "split"):
        if not hasattr(cv, "__iter__"):
            raise TypeError(
                f"cv must be None, an int (number of folds), '5x2', a splitter or an iterable of "
                f"(train, test) index pairs; got {short_repr(cv)} of type {type(cv).__name__}."
            )
    if isinstance(cv, numbers.Integral):  # check_int refuses a bool
        check_int(cv, "cv", low=2)
    if method.startswith("5x2cv") and cv not in (None, "5x2"):
        raise ValueError(
            f"method={method!r} is defined on five repeats of 2-fold CV; pass cv='5x2' (or leave cv=None), "
            f"not cv={short_repr(cv)}."
        )
    if method == "nested" and cv is not None and not isinstance(cv, numbers.Integral):
        raise ValueError(
            f"method='nested' draws its own random k-fold partitions; pass cv as the number of folds (>= 3), "
            f"not cv={short_repr(cv)}."
        )
