"""Checks of what pandas tables and fit parameters hold, before any fit.

Beside :mod:`resample._utils.checks` (shapes, lengths, finiteness): the column
kinds that scikit-learn's first fit would reject with a message about a dtype
conversion (categories of text, object columns of text, pandas' missing values),
and ``sample_weight``. Each message names the column or parameter and the fix.
"""

import numpy as np

from resample._utils.messages import short_repr as _short

__all__ = ["first_step", "check_frame_columns", "check_missing_target", "check_sample_weight"]


def first_step(estimator):
    """The first real step of a (nested) Pipeline, whose input X is; the estimator itself otherwise."""
    while hasattr(estimator, "steps"):  # a Pipeline: its input is the first real step's
        steps = [s for _, s in estimator.steps if s is not None and s != "passthrough"]
        if not steps:
            return None
        estimator = steps[0]
    return estimator


def check_missing_target(y):
    """pandas' missing values (pd.NA, None in an object column) in y, which the NaN check cannot see."""
    if not hasattr(y, "isna") or not hasattr(y, "dtypes"):
        return
    missing = int(np.asarray(y.isna()).sum())
    if missing:
        raise ValueError(
            f"y contains missing values ({missing} of them, e.g. pd.NA or None); every sample needs a "
            "target. Drop those rows first, e.g. mask = y.notna(); X, y = X[mask], y[mask]."
        )


#: First steps that take pandas columns of text or categories themselves (their tags do not say so).
_TAKES_COLUMNS = (
    "ColumnTransformer", "OneHotEncoder", "OrdinalEncoder", "TargetEncoder", "SimpleImputer", "FunctionTransformer",
    "DictVectorizer", "FeatureHasher", "HistGradientBoostingRegressor", "HistGradientBoostingClassifier",
    "CountVectorizer", "TfidfVectorizer", "HashingVectorizer", "MissingIndicator",
)


def check_frame_columns(X, estimator, allow_nan):
    """Refuse, before any fit, DataFrame columns that a scikit-learn estimator would choke on.

    Categorical columns of text, object columns holding text, and pandas missing
    values (pd.NA, None) fail deep inside scikit-learn's first fit with a message
    about the conversion; here the message names the column and the fix. Only
    scikit-learn's own estimators are judged, and not those that take such columns.
    """
    import pandas as pd

    
    first = first_step(estimator)
    if not isinstance(X, pd.DataFrame) or first is None or not type(first).__module__.startswith("sklearn."):
        return
    if type(first).__name__ in _TAKES_COLUMNS:
        return
    try:
        from sklearn.utils import get_tags

        tags = get_tags(first).input_tags
        if tags.categorical or tags.string or tags.dict:
            return
    except Exception:  # noqa: BLE001 - no tags: nothing to judge by
        return
    name = type(first).__name__
    fix = "encode it first, e.g. with OneHotEncoder in a sklearn.compose.ColumnTransformer"
    for column in X.columns:
        col = X[column]
        if isinstance(col.dtype, pd.CategoricalDtype):
            if not pd.api.types.is_numeric_dtype(col.cat.categories):
                raise TypeError(
                    f"X column {column!r} is categorical (dtype category, e.g. {_short(col.dropna().iloc[0]) if col.notna().any() else 'empty'}), "
                    f"but {name} takes numbers; {fix}, or use HistGradientBoosting*, which takes categories."
                )
            col = col.astype(col.cat.categories.dtype) if not col.isna().any() else col.astype(float)
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            values = col.dropna()
            numbers = pd.to_numeric(values, errors="coerce")
            bad = values[numbers.isna()]
            if len(bad):
                raise TypeError(
                    f"X column {column!r} holds text (dtype {col.dtype}, e.g. {_short(bad.iloc[0])}), but {name} takes "
                    f"numbers; {fix}."
                )
        if allow_nan and isinstance(col.dtype, pd.api.extensions.ExtensionDtype) and col.isna().any():
            # scikit-learn 1.9 with pandas 3 fails on these ("buffer source array is read-only")
            raise TypeError(
                f"X column {column!r} holds pd.NA in a nullable column (dtype {col.dtype}), which scikit-learn "
                f"cannot take even though {name} accepts missing values as NaN; convert first, e.g. "
                f"X = X.astype({{{column!r}: float}}) (pd.NA becomes NaN)."
            )
        if not allow_nan and (missing := int(col.isna().sum())):
            raise ValueError(
                f"X column {column!r} contains {missing} missing values (pd.NA, None or NaN), but {name} does not "
                "accept missing values (its allow_nan tag is False). Impute first, e.g. with "
                "sklearn.impute.SimpleImputer in a Pipeline, or drop those rows."
            )


def check_sample_weight(sample_weight, n_samples, estimator, name="sample_weight"):
    """``sample_weight`` of a fit: one finite, non-negative number per row, not all zero, and taken by the estimator.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> check_sample_weight([1, 2, -1], 3, LinearRegression())
    Traceback (most recent call last):
    ...
    ValueError: sample_weight holds 1 negative values (e.g. -1.0); weights must be non-negative.
    """
    if sample_weight is None:
        return
    from sklearn.utils.validation import has_fit_parameter

    owner = type(estimator).__name__
    if hasattr(estimator, "steps"):
        last = estimator.steps[-1][0]
        raise TypeError(
            f"{name} was passed to fit, but {owner} routes fit parameters by step: pass {last}__{name}=... "
            f"(the name of the step that takes it, two underscores, {name})."
        )
    if not has_fit_parameter(estimator, name):
        raise TypeError(f"{name} was passed to fit, but {owner}.fit takes no {name} parameter.")
    w = np.asarray(sample_weight)
    if w.ndim == 0:
        w = np.full(n_samples, w)
    if w.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers; got dtype {w.dtype} (e.g. {_short(w.ravel()[0].item()) if w.size else 'empty'}).")
    if w.ndim != 1 or len(w) != n_samples:
        raise ValueError(f"{name} has shape {w.shape}, but X has {n_samples} samples; pass one weight per row of X.")
    w = w.astype(float)
    if not np.isfinite(w).all():
        raise ValueError(f"{name} contains NaN or infinity; every weight must be a finite number.")
    if (w < 0).any():
        raise ValueError(f"{name} holds {int((w < 0).sum())} negative values (e.g. {w[w < 0][0]}); weights must be non-negative.")
    if not (w > 0).any():
        raise ValueError(f"{name} is zero for every sample; at least one weight must be positive.")
