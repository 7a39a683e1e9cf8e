"""The automatic block length of Politis & White (2004), as corrected by Patton, Politis & White (2009).

For the mean of a stationary series the block length that minimises the mean squared
error of the block-bootstrap variance is ``b = (2 G^2 / D)^(1/3) n^(1/3)`` (PW 2004,
eqs. 9 and 10 with the corrected constants of PPW 2009), where, with ``R(k)`` the
sample autocovariances and the flat-top kernel ``lambda`` truncated at lag ``M``::

    G   = sum_{|k| <= M} lambda(k / M) |k| R(k)
    g0  = sum_{|k| <= M} lambda(k / M) R(k)          (the long-run variance)
    D   = 2 g0^2 (stationary bootstrap),  4/3 g0^2 (circular and moving blocks)
    lambda(t) = 1 for |t| <= 1/2,  2 (1 - |t|) for 1/2 < |t| <= 1

``M = 2 m``, where ``m`` is the smallest lag after which ``K_n = max(5, sqrt(log10 n))``
consecutive autocorrelations lie inside ``+-2 sqrt(log10(n) / n)`` (PW 2004, section
3.2), at most ``ceil(sqrt(n)) + K_n``; ``b`` is capped at ``ceil(min(3 sqrt(n), n / 3))``.
The tuning constants are those of Patton's MATLAB code, which ``arch`` follows too, so
the numbers can be compared with ``arch.bootstrap.optimal_block_length`` one for one.
No well-kept library does this without pulling in ``arch``'s dependencies, hence
the few lines here.

References
----------
Politis, D. N. & White, H. (2004). Automatic block-length selection for the dependent
bootstrap. Econometric Reviews 23(1), 53-70.
Patton, A., Politis, D. N. & White, H. (2009). Correction to "Automatic block-length
selection for the dependent bootstrap". Econometric Reviews 28(4), 372-375.
"""

import math
from typing import NamedTuple

import numpy as np

__all__ = ["optimal_block_length", "BlockLength"]


class BlockLength(NamedTuple):
    """Estimated optimal block lengths: floats for a series, arrays (one per column) for several."""

    stationary: object
    circular: object


def optimal_block_length(x):
    """Politis & White's automatic block length for the stationary and circular bootstraps.

    Parameters
    ----------
    x : array-like of shape (n,) or (n, k)
        A series, or ``k`` series in columns (each gets its own lengths). At least
        9 observations, not constant.

    Returns
    -------
    BlockLength
        ``(stationary, circular)``: the mean block length of the stationary bootstrap
        and the block length of the circular (and moving) block bootstrap. Real
        numbers, not rounded; below 1 for nearly uncorrelated data.

    Notes
    -----
    See the module docstring for the formulas. The circular length is also the
    optimal length of the moving block bootstrap (PW 2004, section 3). For
    ``n < 10**6`` the results equal ``arch.bootstrap.optimal_block_length``; from
    ``10**6`` rows arch uses ``K_n = max(5, int(log10 n))`` instead of the paper's
    ``max(5, sqrt(log10 n))``, and the two may differ.

    Examples
    --------
    An AR(1) series with coefficient 0.6 needs blocks of a few observations:

    >>> import numpy as np
    >>> from resample import optimal_block_length
    >>> rng = np.random.default_rng(0)
    >>> e = rng.normal(size=2000)
    >>> x = np.empty(2000); x[0] = e[0]
    >>> for t in range(1, 2000):
    ...     x[t] = 0.6 * x[t - 1] + e[t]
    >>> b = optimal_block_length(x)
    >>> bool(3 < b.stationary < 20), bool(b.circular > b.stationary)
    (True, True)
    """
    a = np.asarray(x, dtype=float)
    if a.ndim not in (1, 2):
        raise ValueError(f"x must be a series of shape (n,) or series in columns (n, k); got shape {a.shape}.")
    columns = a.reshape(len(a), -1)
    if len(columns) < 9:
        raise ValueError(f"x has {len(columns)} observations; the automatic block length needs at least 9.")
    if not np.isfinite(columns).all():
        raise ValueError("x contains NaN or infinity; every observation must be finite.")
    out = np.array([_one_series(c, j) for j, c in enumerate(columns.T)])  # (k, 2)
    if a.ndim == 1:
        return BlockLength(float(out[0, 0]), float(out[0, 1]))
    return BlockLength(out[:, 0], out[:, 1])


def _one_series(x, j):
    n = len(x)
    eps = x - x.mean()
    k_n = max(5, math.sqrt(math.log10(n)))
    m_max = math.ceil(math.sqrt(n)) + math.ceil(k_n)
    lags = min(m_max, n - 1)
    acv = np.array([eps[k:] @ eps[: n - k] for k in range(lags + 1)]) / n  # R(0..lags)
    if not acv[0] > 0:
        raise ValueError(f"x[:, {j}] is constant; a block length needs a series that varies.")
    band = 2 * math.sqrt(math.log10(n) / n)
    # Autocorrelation at lag k as arch computes it: n R(k) over the root of the sums of
    # squares of eps[k + 1:] and eps[:n - k - 1]. (The textbook R(k) / R(0) differs in
    # the third decimal and flips the band test for about 1 series in 100 of a few
    # hundred rows; this keeps the two libraries' lengths equal.)
    sq = np.concatenate([[0.0], np.cumsum(eps**2)])  # sq[i] = sum of eps[:i]^2
    k = np.arange(1, lags + 1)
    tail, head = sq[n] - sq[k + 1], sq[n - k - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        small = np.abs(n * acv[1:]) / np.sqrt(tail * head) < band  # lag 1 .. lags
    run = math.ceil(k_n)
    m = None
    for first in range(1, lags - run + 1):  # lags first .. first + run - 1, all below m_max
        if small[first - 1 : first - 1 + run].all():
            m = first
            break
    big_m = min(2 * m if m is not None else m_max, lags)
    k = np.arange(1, big_m + 1)
    t = k / big_m
    lam = np.where(t <= 0.5, 1.0, 2 * (1 - t))  # flat-top kernel
    g = 2 * np.sum(lam * k * acv[1 : big_m + 1])
    g0 = acv[0] + 2 * np.sum(lam * acv[1 : big_m + 1])
    b_max = math.ceil(min(3 * math.sqrt(n), n / 3))
    stationary = (2 * g**2 / (2 * g0**2)) ** (1 / 3) * n ** (1 / 3)
    circular = (2 * g**2 / (4 / 3 * g0**2)) ** (1 / 3) * n ** (1 / 3)
    return min(stationary, b_max), min(circular, b_max)
