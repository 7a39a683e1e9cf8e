"""How the rows of one block of bootstrap resamples are drawn: ``draw(child, m, n) -> (m, n)``.

Plain case resampling, within strata, and the wild bootstrap's two-point weights
written as rows into a pool of scaled residuals; :class:`BootstrapEstimator` picks one
and both its batched and its refit paths call it the same way.
"""

import numpy as np

from resample._bootstrapping.schemes import Strata

__all__ = ["WILD_WEIGHTS", "StrataRows", "WildRows", "draw_rows", "row_sampler"]

#: Wild bootstrap weights: ``(low, high, P(low))`` of a two-point distribution with
#: mean 0 and variance 1. Rademacher: +-1 with probability 1/2 (Liu 1988). Mammen
#: (1993): ``-(sqrt5 - 1)/2`` with probability ``(sqrt5 + 1)/(2 sqrt5)``, else
#: ``(sqrt5 + 1)/2``, which also has third moment 1 (keeps the residuals' skewness).
WILD_WEIGHTS = {
    "rademacher": (-1.0, 1.0, 0.5),
    "mammen": (-(5**0.5 - 1) / 2, (5**0.5 + 1) / 2, (5**0.5 + 1) / (2 * 5**0.5)),
}


def draw_rows(child, m, n):
    """``m`` case resamples of ``n`` rows, uniformly with replacement."""
    return child.integers(0, n, (m, n))


class WildRows:
    """Wild weights as rows into a pool ``[low * e; high * e]``: row ``i`` or ``n + i``.

    Then ``fitted + pool[rows]`` is ``fitted + e * v`` with ``v`` drawn per row, and
    the residual paths (batched and refits) need nothing new.
    """

    def __init__(self, p_low):
        self.p_low = p_low

    def __call__(self, child, m, n):
        return np.arange(n) + n * (child.random((m, n)) >= self.p_low)


class StrataRows:
    """Case resampling within strata (see :class:`resample._bootstrapping.schemes.Strata`)."""

    def __init__(self, strata):
        self.strata = strata

    def __call__(self, child, m, n):
        return self.strata.rows(child, m, np.int64)


def row_sampler(resampling, wild_weights, strata, n):
    """The sampler of ``BootstrapEstimator(resampling=..., wild_weights=...).fit(..., strata=...)``."""
    if strata is not None:
        if resampling != "cases":
            raise ValueError(
                f"strata is for resampling='cases'; got resampling={resampling!r}, which keeps "
                "every row's x. Drop strata or use resampling='cases'."
            )
        labels = np.asarray(strata)
        if labels.ndim != 1 or len(labels) != n:
            raise ValueError(f"strata must hold one label per row of X: shape ({n},); got shape {labels.shape}.")
        return StrataRows(Strata(labels))
    if resampling == "wild":
        return WildRows(WILD_WEIGHTS[wild_weights][2])
    return draw_rows
