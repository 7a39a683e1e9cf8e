"""Spreads that survive tiny and huge values: scale first, then square.

``np.std`` squares deviations, which underflow to 0 below about 1e-154 (and overflow
above 1e154): a sample of values near 1e-300 then has standard deviation 0, and the
studentized bootstrap divides 0 by 0. Dividing by the largest magnitude first keeps
the squares near 1; the result is the same to rounding wherever ``np.std`` is exact.
"""

import warnings

import numpy as np

__all__ = ["scaled_influence", "scaled_std"]


def _largest(values, axis):
    return np.max(np.abs(values), axis=axis, keepdims=True, initial=0.0, where=~np.isnan(values))


def _usable(scale):
    return np.where((scale > 0) & np.isfinite(scale), scale, 1.0)


def scaled_std(values, axis=-1, ddof=1, nan=False):
    """``np.std`` (``np.nanstd`` when ``nan``) of ``values / s`` times ``s``, ``s`` the largest ``|value|``."""
    values = np.asarray(values, dtype=float)
    scale = _usable(_largest(values, axis))
    if not nan and values.shape[axis] > ddof:  # no warning to silence (catching one costs a tenth of a ms)
        return np.std(values / scale, axis=axis, ddof=ddof) * np.squeeze(scale, axis=axis)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        std = np.nanstd if nan else np.std
        return std(values / scale, axis=axis, ddof=ddof) * np.squeeze(scale, axis=axis)


def scaled_influence(influences):
    """Influence arrays divided by one common scale (the largest ``|u|`` of all, per statistic).

    BCa's acceleration is a ratio of third to 1.5th powers of second moments, unchanged by a
    common scale, whose cubes would otherwise underflow (or overflow).
    """
    scale = _usable(np.maximum.reduce([_largest(np.asarray(u, dtype=float), -1) for u in influences]))
    return [u / scale for u in influences]
