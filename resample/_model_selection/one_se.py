"""The one-standard-error rule itself, on plain numbers (ISLR section 6.1.3).

Kept apart from :mod:`resample._model_selection.selection` (which reads results and
builds the :class:`OneStandardErrorChoice`) so that the plots, which mark the
choice, and the selection, whose results draw themselves, both build on it
without importing each other.
"""

import numpy as np

__all__ = ["DIRECTIONS", "choose"]

#: which direction of the parameter is simpler
DIRECTIONS = ("lower", "higher")


def _simplest(candidates, values, simpler, estimates):
    """Among ``candidates`` (indices), the simplest; ties go to the better estimate."""
    key = (lambda v: v) if simpler == "lower" else (lambda v: -v)
    try:
        return min(candidates, key=lambda i: (key(values[i]), -estimates[i]))
    except TypeError as exc:
        raise TypeError(
            f"the parameter values {list(values)!r} cannot be ordered to find the simplest model; "
            "pass numeric values (e.g. the polynomial degree, the ridge alpha, the number of neighbours)."
        ) from exc


def choose(values, estimates, ses, simpler):
    """``(chosen index, best index, threshold)``: the simplest model within one SE of the best.

    Estimates are in the scorer's sign (greater is better).

    Examples
    --------
    >>> choose([1, 2, 3], [-24.2, -19.3, -19.2], [0.6, 0.5, 0.5], "lower")
    (1, 2, -19.7)
    """
    estimates = np.asarray(estimates, dtype=float)
    ses = np.asarray(ses, dtype=float)
    finite = np.isfinite(estimates)
    if not finite.any():
        raise ValueError("no model in the family has a finite estimate; the one-standard-error rule needs one.")
    best = int(np.flatnonzero(finite)[np.argmax(estimates[finite])])
    se = ses[best] if np.isfinite(ses[best]) else 0.0
    threshold = float(estimates[best] - se)
    candidates = [i for i in range(len(values)) if finite[i] and estimates[i] >= threshold]
    return _simplest(candidates, values, simpler, estimates), best, threshold
