"""Intervals that stay inside a statistic's range (a correlation in [-1, 1], a proportion in [0, 1]).

The percentile and BCa intervals are quantiles of the bootstrap values, so they lie in
the statistic's range by construction (they are transformation-respecting, Efron &
Tibshirani 1993, section 13.6). The basic, normal and studentized intervals reflect or
extend the draws around the estimate and can leave it: a correlation of 0.91 gets a
basic interval ending at 1.08. With ``bounds`` those ends are clipped to the range and
the result's notes say so, so the number is never impossible and never silently changed.
"""

from dataclasses import replace

import numpy as np

from resample._model_selection.results import ConfidenceInterval

__all__ = ["check_bounds", "respect_bounds"]


def check_bounds(bounds):
    """``None`` or ``(low, high)`` with ``low < high`` (either may be infinite), as floats."""
    if bounds is None:
        return None
    try:
        low, high = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise ValueError(
            f"bounds must be None or a pair (low, high) of numbers, e.g. (-1, 1) for a correlation; got {bounds!r}."
        ) from None
    if np.isnan(low) or np.isnan(high) or not low < high:
        raise ValueError(f"bounds must satisfy low < high (use -inf or inf for an open end); got {bounds!r}.")
    return low, high


def _fmt(v):
    return f"{v:g}"


def respect_bounds(result, bounds):
    """``result`` with its interval clipped to ``bounds`` and a note when the clip changed it."""
    if bounds is None:
        return result
    low_b, high_b = bounds
    low, high = (np.asarray(v, dtype=float) for v in result.confidence_interval)
    new_low, new_high = np.clip(low, low_b, high_b), np.clip(high, low_b, high_b)
    changed = bool(np.any((new_low != low) & ~np.isnan(low)) or np.any((new_high != high) & ~np.isnan(high)))
    notes = list(result.notes)
    if changed:
        notes.append(
            f"The {result.method} interval [{_fmt(float(np.min(low)))}, {_fmt(float(np.max(high)))}] left the statistic's "
            f"range [{_fmt(low_b)}, {_fmt(high_b)}] and is clipped to it; percentile and BCa intervals respect the range "
            "by construction and are to be preferred."
        )
    scalar = np.ndim(result.estimate) == 0
    interval = ConfidenceInterval(float(new_low) if scalar else new_low, float(new_high) if scalar else new_high)
    return replace(result, confidence_interval=interval, notes=tuple(notes), bounds=(low_b, high_b))
