"""What the residual bootstraps of a regression draw from: ``fitted + pool[rows]``.

Plain residuals (centred), leverage-adjusted residuals ``e_i / sqrt(1 - h_ii)``
(Davison & Hinkley 1997, algorithm 6.3, eq. 6.9), and the wild bootstrap's pool
``[low * e; high * e]`` whose rows :class:`~resample._bootstrapping.row_samplers.WildRows`
picks. Kept apart from :class:`BootstrapEstimator`, which only chooses among them.
"""

import numpy as np

from resample._bootstrapping.linear_resamples import LinearResamples, least_squares_penalty
from resample._bootstrapping.row_samplers import WILD_WEIGHTS
from resample._model_selection.stateless import split_stateless_prefix

__all__ = ["least_squares_leverages", "resampled_residuals"]


def resampled_residuals(resampling, wild_weights, raw, centred, notes, leverages):
    """The pool of ``resampling`` (``centred`` for "residuals", None stays None for "cases").

    ``leverages`` is called only for "modified_residuals"; a note for the user is
    appended to ``notes``.
    """
    if resampling in ("cases", "residuals"):
        return centred
    if resampling == "wild":  # the raw residuals: the weights have mean 0
        low, high, _ = WILD_WEIGHTS[wild_weights]
        notes.append(f"wild bootstrap with {wild_weights} weights")
        return np.concatenate([low * raw, high * raw])
    h = leverages()
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = 1 / np.sqrt(1 - h)
    if not np.all(np.isfinite(scale)):
        raise ValueError(
            "resampling='modified_residuals' divides by sqrt(1 - h_ii), but some row has leverage 1 "
            "(it alone fixes a coefficient); use resampling='wild' or 'cases'."
        )
    modified = raw * (scale if raw.ndim == 1 else scale[:, None])  # D&H eq. 6.9
    notes.append("residuals divided by sqrt(1 - leverage) and centred (Davison & Hinkley 1997, algorithm 6.3)")
    return modified - modified.mean(axis=0)


def least_squares_leverages(estimator, fitted, X, y):
    """The hat-matrix diagonal of ``estimator`` (LinearRegression or Ridge after stateless steps).

    ``fitted`` is the estimator fitted on all data, whose stateless prefix transforms X.
    """
    prefix, rest = split_stateless_prefix(estimator)
    penalty = least_squares_penalty(rest)
    if penalty is None:
        raise ValueError(
            "resampling='modified_residuals' needs the leverages of a least-squares fit: the estimator "
            f"(after stateless Pipeline steps) must be LinearRegression or Ridge; got {type(rest).__name__}. "
            "Use resampling='wild' or 'residuals'."
        )
    Xa = np.asarray(fitted[: len(prefix)].transform(X) if prefix else X, dtype=float)
    return LinearResamples(Xa, np.asarray(y, dtype=float), penalty, rest.fit_intercept).leverages()
