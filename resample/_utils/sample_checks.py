"""Checks of the statistic functions' input (``bootstrap``, ``jackknife``): samples, resamples, batches.

Part of the input validation that :mod:`resample._utils.checks` owns (and re-exports,
so every entry point imports its checks from there); kept apart to keep each module
to one idea: this one is about samples of observations and a statistic of them.
"""

import numbers

import numpy as np

from resample._utils.messages import short_repr
from resample._utils.rules import check_int
from resample._utils.sklearn_compat import Interval, validate_parameters

__all__ = [
    "MAX_RESAMPLES",
    "check_acceleration",
    "check_n_resamples", "check_batch", "check_vectorized", "check_samples", "check_statistic_shape"]


#: The most resamples one call may ask for. Each block of 256 resamples gets its own
#: child stream, so 10^8 resamples already mean 390,625 streams (and hours of work);
#: beyond it a typo (10**15) would fail deep inside with an OverflowError.
MAX_RESAMPLES = 10**8


def check_n_resamples(n_resamples, *, previous=0, name="n_resamples"):
    """At least one resample (none when ``previous`` resamples are passed back in), at most MAX_RESAMPLES."""
    check_int(n_resamples, name, low=0, high=MAX_RESAMPLES)
    if n_resamples < 1 and previous < 1:
        raise ValueError(
            f"{name}={n_resamples} is out of range: it must be an int in the range [1, {MAX_RESAMPLES}] "
            "(0 is allowed only when a bootstrap_result with resamples is passed back in)."
        )
    return int(n_resamples)


def check_acceleration(a, name="acceleration"):
    """A given BCa acceleration must be a finite number with ``|a| < 1``.

    BCa's adjusted level is ``Phi(z0 + (z0 + z) / (1 - a (z0 + z)))`` (Efron 1987,
    eq. 2.3): for ``|a| >= 1`` the denominator changes sign inside the usual levels
    and the interval comes out reversed. Estimated accelerations are small (Efron
    and Tibshirani: typically ``|a| < 0.2``).

    Examples
    --------
    >>> check_acceleration(0.05)
    0.05
    >>> check_acceleration(5.0)
    Traceback (most recent call last):
    ...
    ValueError: acceleration=5.0 is out of range: a given BCa acceleration must be a finite number with |a| < 1 (estimated ones are typically below 0.2), or "jackknife" / "regression" to estimate it.
    """
    value = float(a)
    if not np.isfinite(value) or abs(value) >= 1:
        raise ValueError(
            f"{name}={a!r} is out of range: a given BCa acceleration must be a finite number with |a| < 1 "
            f'(estimated ones are typically below 0.2), or "jackknife" / "regression" to estimate it.'
        )
    return value


def check_batch(batch, name="batch"):
    """None (chosen automatically) or a positive int."""
    validate_parameters({name: [Interval(numbers.Integral, 1, None, closed="left"), None]}, {name: batch})
    return None if batch is None else int(batch)


def check_vectorized(vectorized, statistic, name="vectorized"):
    """True, False, or None (True when ``statistic`` takes an ``axis`` argument)."""
    validate_parameters({name: ["boolean", None]}, {name: vectorized})
    if not callable(statistic):
        raise TypeError(f"statistic must be callable; got {short_repr(statistic)} of type {type(statistic).__name__}.")
    if vectorized is None:
        import inspect

        try:
            vectorized = "axis" in inspect.signature(statistic).parameters
        except (TypeError, ValueError):  # builtins without a signature
            vectorized = False
    return bool(vectorized)


def check_samples(data, *, paired, axis=0, min_samples=2, name="data"):
    """A sequence of numeric samples, observations along ``axis``, moved to the last axis.

    Returns a list of float or integer arrays (the caller's arrays are not changed;
    ``np.moveaxis`` returns views). Paired samples must have equal lengths.
    """
    if isinstance(data, np.ndarray) or not hasattr(data, "__len__") or isinstance(data, str):
        raise TypeError(
            f"{name} must be a sequence of samples, e.g. (x,) for one sample or (x, y) for two; "
            f"got {short_repr(data)} of type {type(data).__name__}."
        )
    if len(data) == 0:
        raise ValueError(f"{name} is empty; it must hold at least one sample, e.g. (x,).")
    if paired not in (True, False):
        raise ValueError(f"paired={short_repr(paired)} is not allowed: it must be True or False.")
    check_int(axis, "axis")
    samples = []
    for j, sample in enumerate(data):
        a = np.asarray(sample)
        if a.dtype.kind not in "biuf":
            raise TypeError(
                f"{name}[{j}] must be numeric (bool, integer or float); got dtype {a.dtype}. "
                "Encode categories as numbers first."
            )
        if a.ndim == 0:
            raise ValueError(f"{name}[{j}] is a scalar; each sample must be an array of observations along axis={axis}.")
        if not -a.ndim <= axis < a.ndim:
            raise ValueError(f"axis={axis} is out of range for {name}[{j}] with {a.ndim} dimension(s).")
        a = np.moveaxis(a, axis, -1)
        if a.shape[-1] < min_samples:
            raise ValueError(
                f"{name}[{j}] has {a.shape[-1]} observation(s) along axis={axis}; at least {min_samples} are needed."
            )
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            raise ValueError(f"{name}[{j}] contains NaN or infinity; every observation must be finite.")
        samples.append(a)
    if paired:
        lengths = [s.shape[-1] for s in samples]
        if len(set(lengths)) > 1:
            raise ValueError(
                f"paired=True needs samples of equal length, one observation of each per unit; got lengths {lengths}."
            )
    return samples


def check_statistic_shape(value, expected, what):
    """The statistic returned an array of ``expected`` shape for ``what``."""
    value = np.asarray(value)
    if value.shape != tuple(expected):
        raise ValueError(
            f"statistic returned shape {value.shape} for {what}; expected {tuple(expected)}. "
            "A vectorized statistic must reduce the last axis (axis=-1) of each sample and keep the others."
        )
    if value.dtype.kind not in "biuf":
        raise TypeError(f"statistic returned dtype {value.dtype} for {what}; it must return real numbers.")
    return value


# --- honest intervals and model comparison ----------------------------------------
# (checks used by the nested interval of KFoldCV and by resample.compare)
