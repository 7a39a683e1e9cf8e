"""Refitting a clone on each bootstrap resample, a block of resamples per job.

The rows of a block are drawn inside the job (from the block's own child stream),
so no more than a block of indices exists per worker; a failed fit says which
resample it was. Used by :class:`~resample._bootstrapping.estimator.BootstrapEstimator`
where no batched solve applies.
"""

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from resample._utils.sklearn_compat import safe_indexing
from resample.exceptions import FitFailedError

__all__ = ["fit_drawn_block", "fit_block", "indexed_block", "fitted_attribute", "final_step", "attribute_names"]


def final_step(estimator):
    """The last step of a Pipeline, else the estimator itself."""
    return estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator


def fitted_attribute(estimator, name):
    """A fitted attribute of the estimator, or of a Pipeline's final step."""
    return getattr(estimator, name) if hasattr(estimator, name) else getattr(final_step(estimator), name)


def fit_drawn_block(estimator, X, y, child, m, first, attributes, shapes, fitted, residuals, draw):
    """Refit a clone on each of ``m`` resamples drawn from ``child`` by ``draw`` (see :func:`fit_block`).

    The rows are drawn here, in the job, so that no more than a block of indices
    exists per worker.
    """
    rows = draw(child, m, len(fitted) if fitted is not None else num_rows(X))
    return fit_block(estimator, X, y, rows, first, attributes, shapes, fitted, residuals)


def fit_block(estimator, X, y, rows, first, attributes, shapes, fitted, residuals, what="bootstrap resample"):
    """Refit a clone on each index row (of cases, or of residuals when given).

    Returns each attribute stacked ``(len(rows), ...)``.
    """
    out = {name: np.empty((len(rows), *shape)) for name, shape in shapes.items()}
    for b, idx in enumerate(rows):
        model = clone(estimator)  # never fit the caller's object
        try:
            if residuals is None:
                model.fit(safe_indexing(X, idx), safe_indexing(y, idx))
            else:
                model.fit(X, fitted + residuals[idx])
        except Exception as exc:
            raise FitFailedError(
                f"fit failed on {what} {first + b}: {type(exc).__name__}: {exc}", split=first + b
            ) from exc
        for name in attributes:
            value = np.asarray(fitted_attribute(model, name), dtype=float)
            if value.shape != shapes[name]:
                raise FitFailedError(
                    f"on {what} {first + b}, {name} has shape {value.shape} but {shapes[name]} on all "
                    "the data (a class missing from the resample?); use more data per class or "
                    "resampling='residuals'.",
                    split=first + b,
                )
            out[name][b] = value
    return out


def num_rows(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)


def indexed_block(k, *args):
    return k, fit_drawn_block(*args)


def attribute_names(estimator, attributes):
    """The fitted attributes to bootstrap: ``attributes``, or coef_ and intercept_ where the model has them."""
    final = final_step(estimator)
    if attributes is None:
        names = [a for a in ("coef_", "intercept_") if hasattr(final, a)]
        if getattr(final, "fit_intercept", True) is False and "intercept_" in names:
            names.remove("intercept_")  # fixed at 0: nothing to bootstrap
        if not names:
            raise ValueError(
                f"{type(final).__name__} has neither coef_ nor intercept_; name the fitted "
                "attributes to bootstrap with attributes=[...]."
            )
        return names
    names = list(attributes)
    for name in names:
        if not isinstance(name, str) or not (hasattr(estimator, name) or hasattr(final, name)):
            raise ValueError(
                f"attributes={attributes!r}: {name!r} is not a fitted attribute of "
                f"{type(final).__name__}; name attributes it has after fit, such as 'coef_'."
            )
    return names
