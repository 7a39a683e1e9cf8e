"""Bootstrap confidence intervals: a table ``name -> function`` and the BCa constants.

Each method takes the :class:`Draws` (estimate, bootstrap values and the method's
extras) and a confidence level, and returns ``(low, high)``.

References
----------
Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap. Chapman & Hall.
DiCiccio, T. & Efron, B. (1996). Bootstrap confidence intervals. Statistical Science 11(3).
Davison, A. C. & Hinkley, D. V. (1997). Bootstrap Methods and their Application. CUP.
"""

import warnings
from dataclasses import dataclass, replace

import numpy as np
from scipy.special import ndtr, ndtri

from resample._bootstrapping.jackknife import influence_values, leave_one_out_values
from resample._bootstrapping.scaled import scaled_influence
from resample._utils.notes import Note, NoteKind
from resample.exceptions import DegenerateWarning

__all__ = ["METHODS", "Draws", "bca_extension", "acceleration_from_influence"]


@dataclass(frozen=True)
class Draws:
    """What an interval method needs: the estimate, the draws and the method's extras."""

    estimate: np.ndarray  # shape S
    distribution: np.ndarray  # (*S, B), NaN where the statistic was not finite
    standard_error: np.ndarray  # S
    bias: np.ndarray  # S
    bias_correction: np.ndarray | None = None  # BCa z0, shape S
    acceleration: np.ndarray | None = None  # BCa a, shape S
    studentized: np.ndarray | None = None  # (*S, B): (theta*_b - theta) / se*_b
    estimate_standard_error: np.ndarray | None = None  # S: se of theta on the data


def _quantiles(distribution, probabilities):
    """Linear-interpolation quantiles (as SciPy's bootstrap), one pair per element.

    ``probabilities`` has shape ``(*S, 2)``; NaN (non-finite draws) are left out.
    """
    flat = distribution.reshape(-1, distribution.shape[-1])
    probs = np.broadcast_to(probabilities, (*distribution.shape[:-1], 2)).reshape(-1, 2)
    if not np.isnan(flat).any():
        out = np.array([np.quantile(row, p) for row, p in zip(flat, probs)])
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN row gives NaN: reported by the caller
            out = np.array([np.nanquantile(row, p) for row, p in zip(flat, probs)])
    out = out.reshape(*distribution.shape[:-1], 2)
    return out[..., 0], out[..., 1]


def _tails(level):
    alpha = (1 - level) / 2
    return np.array([alpha, 1 - alpha])


def percentile_interval(d, level):
    """Quantiles ``alpha/2`` and ``1 - alpha/2`` of the draws (E&T 1993, eq. 13.5)."""
    return _quantiles(d.distribution, _tails(level))


def basic_interval(d, level):
    """``2 theta - q(1 - alpha/2), 2 theta - q(alpha/2)`` (Davison & Hinkley 1997, eq. 5.6)."""
    low, high = percentile_interval(d, level)
    return 2 * d.estimate - high, 2 * d.estimate - low


def bias_corrected_normal_interval(d, level):
    """``theta - bias -/+ z se``, bias-corrected as R's ``boot`` (D&H 1997, eq. 5.5)."""
    z = ndtri(0.5 + level / 2)
    center = d.estimate - d.bias
    return center - z * d.standard_error, center + z * d.standard_error


def bca_interval(d, level):
    """Quantiles ``Phi(z0 + (z0 + z_alpha) / (1 - a (z0 + z_alpha)))`` (E&T 1993, eq. 14.10)."""
    z = ndtri(_tails(level))  # (2,)
    z0 = d.bias_correction[..., None]
    a = d.acceleration[..., None]
    num = z0 + z
    with np.errstate(divide="ignore", invalid="ignore"):
        probs = ndtr(z0 + num / (1 - a * num))
    # 1 - a (z0 + z) <= 0 (|a| very large) breaks the monotone map: fall back to the ends.
    probs = np.where(1 - a * num > 0, probs, np.array([0.0, 1.0]))
    return _quantiles(d.distribution, probs)


def studentized_interval(d, level):
    """Bootstrap-t: ``theta - t*(1 - alpha/2) se, theta - t*(alpha/2) se`` (E&T 1993, eq. 12.19)."""
    t_low, t_high = _quantiles(d.studentized, _tails(level))
    se = d.estimate_standard_error
    return d.estimate - t_high * se, d.estimate - t_low * se


#: Interval methods by name (the names ``method`` accepts, case-insensitive).
METHODS = {
    "percentile": percentile_interval,
    "basic": basic_interval,
    "normal": bias_corrected_normal_interval,
    "bca": bca_interval,
    "studentized": studentized_interval,
}

ACCELERATIONS = ("jackknife", "regression")


def bias_correction(distribution, estimate):
    """BCa ``z0 = Phi^-1(p)``, ``p`` the mid-rank of the estimate among the draws.

    Tie rule: mid-rank, ``(#{theta* < theta} + #{theta* <= theta}) / 2B``, as SciPy
    (E&T 1993, eq. 14.14 uses strict "<", as R's ``boot``). The two agree for a
    continuous statistic; for a discrete one (a median, a proportion) many draws
    equal the estimate, and strict "<" counts them all as above it, which pushes
    z0 down and the interval to the left for no reason in the data. Mid-rank counts
    half of the ties on each side. ``p`` is kept within ``[1/2B, 1 - 1/2B]`` so that
    ``z0`` stays finite when the estimate lies outside the draws (a warning says so).
    """
    finite = np.isfinite(distribution)
    b = finite.sum(axis=-1)
    theta = estimate[..., None]
    p = ((distribution < theta).sum(axis=-1) + (distribution <= theta).sum(axis=-1)) / (2 * b)
    outside = (p <= 0) | (p >= 1)
    p = np.clip(p, 0.5 / b, 1 - 0.5 / b)
    return ndtri(p), bool(outside.any())


def acceleration_from_influence(influences, lengths):
    """BCa ``a`` from empirical influence values of each sample.

    ``a = sum_j sum_i U_ji^3 / n_j^3 / (6 (sum_j sum_i U_ji^2 / n_j^2)^(3/2))``: E&T (1993)
    eq. 14.15 for one sample, summed over independent samples as DiCiccio & Efron
    (1996, section 3) and SciPy do. Zero when every influence value is zero.
    """
    influences = scaled_influence(influences)  # a is scale-free; cubes of tiny values underflow
    num = sum((u**3).sum(axis=-1) / n**3 for u, n in zip(influences, lengths))
    den = sum((u**2).sum(axis=-1) / n**2 for u, n in zip(influences, lengths))
    with np.errstate(divide="ignore", invalid="ignore"):
        a = num / (6 * den**1.5)
    return np.where(den > 0, a, 0.0)


def jackknife_acceleration(stat, batch):
    """BCa ``a`` from leave-one-out values (closed form where the statistic allows)."""
    if stat.paired or len(stat.samples) == 1:
        loo, closed = leave_one_out_values(stat, batch=batch)
        return acceleration_from_influence([influence_values(loo)], stat.lengths[:1]), closed
    influences, closed = [], True
    for j in range(len(stat.samples)):
        loo, c = leave_one_out_values(stat, j, batch=batch)
        influences.append(influence_values(loo))
        closed &= c
    return acceleration_from_influence(influences, stat.lengths), closed


def stratified_acceleration(stat, batch, members):
    """BCa ``a`` of a stratified bootstrap: each stratum is a sample of its own.

    Leave-one-out values on all rows, then jackknife influence values within each
    stratum, ``(n_s - 1)(mean_s - loo_i)``, combined by :func:`acceleration_from_influence`
    as for independent samples (Davison & Hinkley 1997, section 3.7).
    """
    loo, closed = leave_one_out_values(stat, batch=batch)
    influences = [influence_values(loo[..., rows]) for rows in members]
    return acceleration_from_influence(influences, [len(rows) for rows in members]), closed


def regression_acceleration(moments, lengths, shape):
    """BCa ``a`` from influence values estimated by regression on the resample counts.

    Fits ``t*_b = sum_i f*_bi beta_i`` by least squares (as R's
    ``empinf(type = "reg")``, Davison & Hinkley 1997, eq. 2.47 and section 3.2.1):
    since the counts of a sample sum to its size ``n``, ``l_i = n (beta_i - mean(beta))``
    are the empirical influence values (summing to zero), which replace the jackknife's
    in eq. 14.15.
    """
    beta = np.linalg.pinv(moments.gram, hermitian=True) @ moments.cross  # (N, K)
    influences, start = [], 0
    for n in lengths:
        part = beta[start : start + n].T  # (K, n)
        influences.append((n * (part - part.mean(axis=-1, keepdims=True))).reshape(*shape, n))
        start += n
    return acceleration_from_influence(influences, lengths)


def bca_extension(acceleration):
    """What BCa adds to the draws, for :func:`summarize`: z0 from the draws and
    ``a, note = acceleration()`` (called only when BCa is asked for)."""

    def extend(draws):
        z0, outside = bias_correction(draws.distribution, draws.estimate)
        a, how = acceleration()
        notes = [Note(NoteKind.METHOD, how)]
        if outside:
            message = (
                "The estimate lies outside the bootstrap distribution, so BCa's bias correction "
                "is at its limit and the interval ends at an extreme resample; prefer another method."
            )
            warnings.warn(DegenerateWarning(message), stacklevel=4)
            notes.append(Note(NoteKind.DEGENERATE, message))
        return replace(draws, bias_correction=z0, acceleration=np.asarray(a, dtype=float)), notes

    return extend
