"""The cost guard: a run of many refits times its first fits and says how long it will take.

Before the refits of a long run (LOOCV with refits, many repeats) start in parallel,
:func:`run_splits <resample._model_selection.engine.run_splits>` fits the first
``pilot`` splits one by one (their results are kept: nothing is fitted twice),
extrapolates the median fit-and-score time to the splits left over the joblib
workers, and, where the estimate passes ``warn_seconds``, warns with a
:class:`~resample.exceptions.ResampleWarning` of kind ``NoteKind.COST`` that says
the estimate and what would make it shorter. The run then goes on; the progress bar
(``progress=True``) shows the remaining time as it runs.

The thresholds are the module's :data:`DEFAULT` (a :class:`CostGuard`), read at each
run, so a caller (or a test) can lower them.
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np
from joblib import effective_n_jobs

from resample._utils.notes import NoteKind
from resample.exceptions import ResampleWarning

__all__ = ["DEFAULT", "CostGuard", "estimate_seconds", "format_duration", "pilot_size", "warn_if_long"]


@dataclass(frozen=True)
class CostGuard:
    """When a run is timed, and when its estimate is worth a warning.

    Attributes
    ----------
    min_fits : int
        Runs with fewer fits than this are not timed.
    pilot : int
        Fits timed one by one before the rest start.
    warn_seconds : float
        Estimated remaining time from which the run warns.
    """

    min_fits: int = 200
    pilot: int = 3
    warn_seconds: float = 60.0


#: the thresholds every run reads
DEFAULT = CostGuard()


def estimate_seconds(pilot_times, n_left, n_jobs):
    """Seconds for ``n_left`` more fits from the median of ``pilot_times``, over ``n_jobs`` workers.

    Examples
    --------
    >>> estimate_seconds([0.5, 0.1, 0.2], 1000, 1)
    200.0
    >>> estimate_seconds([0.2], 1000, 4) <= 200.0 / 4 + 1e-9
    True
    """
    workers = max(1, min(effective_n_jobs(n_jobs), n_left or 1))
    return float(np.median(pilot_times)) * n_left / workers


def format_duration(seconds):
    """``'45 s'``, ``'12 min'``, ``'3.2 h'``, ``'4.1 days'``.

    Examples
    --------
    >>> format_duration(45), format_duration(720), format_duration(11_520), format_duration(4 * 86_400)
    ('45 s', '12 min', '3.2 h', '4 days')
    """
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86_400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:.2g} days"


def warn_if_long(estimator, pilot_times, n_total, n_jobs, guard=None, stacklevel=5):
    """Warn (kind ``NoteKind.COST``) when the fits left after the pilot will take long; returns the estimate."""
    guard = DEFAULT if guard is None else guard
    n_left = n_total - len(pilot_times)
    seconds = estimate_seconds(pilot_times, n_left, n_jobs)
    if seconds < guard.warn_seconds:
        return seconds
    name = type(estimator).__name__
    per = float(np.median(pilot_times))
    workers = max(1, min(effective_n_jobs(n_jobs), n_left))
    hints = ["pass progress=True to follow it", "n_jobs=-1 to use every core" if workers == 1 else None,
             "KFoldCV(n_splits=10) for 10 fits instead of one per row" if n_total > 1000 else None,
             "shortcut='approximate' for LOOCV of LogisticRegression or PoissonRegressor"
             if name in ("LogisticRegression", "PoissonRegressor", "Pipeline") else None]
    message = (
        f"this run needs {n_total:,} fits of {name}; the first {len(pilot_times)} took "
        f"{per:.2g} s each, so the other {n_left:,} will take about {format_duration(seconds)} on "
        f"{workers} worker{'s' if workers > 1 else ''}. To shorten it: "
        + "; ".join(h for h in hints if h) + "."
    )
    warnings.warn(ResampleWarning(message, kind=NoteKind.COST), stacklevel=stacklevel)
    return seconds


def pilot_size(n_todo, guard=None):
    """How many fits to time one by one before the rest (0: the run is short, not timed)."""
    guard = DEFAULT if guard is None else guard
    return min(guard.pilot, n_todo) if n_todo >= guard.min_fits and not math.isinf(guard.warn_seconds) else 0
