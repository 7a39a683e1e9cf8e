"""The tests of :func:`resample.compare` on paired split differences.

Each takes the differences ``d_j = score_a_j - score_b_j`` (and what it needs
besides) and returns ``(difference, standard_error, statistic, pvalue, df, interval)``.
See :mod:`resample._model_selection.compare` for the references.
"""

import numpy as np
from scipy import stats

from resample._model_selection.results import ConfidenceInterval

__all__ = ["corrected_t", "five_by_two_t", "five_by_two_f", "normal_test"]


def confidence_interval(centre, se, df, level):
    """``centre -/+ q * se``, ``q`` the t quantile with ``df`` degrees of freedom (normal for inf)."""
    q = stats.norm.ppf(0.5 + level / 2) if np.isinf(df) else stats.t.ppf(0.5 + level / 2, df)
    return ConfidenceInterval(float(centre - q * se), float(centre + q * se))


def corrected_t(differences, n_train, n_test, level):
    """Nadeau-Bengio corrected resampled t: ``(difference, se, statistic, pvalue, df, interval)``.

    The variance of the mean of ``J`` overlapping-split differences is
    ``(1/J + n_test/n_train) var(d)`` instead of ``var(d) / J``.

    Examples
    --------
    >>> d = np.array([0.1, 0.3, 0.2, 0.4])
    >>> m, se, t, p, df, ci = corrected_t(d, 90, 10, 0.95)
    >>> round(se, 6) == round(float(np.sqrt((1 / 4 + 10 / 90) * d.var(ddof=1))), 6), df
    (True, 3)
    """
    d = np.asarray(differences, dtype=float)
    J = len(d)
    mean = float(d.mean())
    se = float(np.sqrt((1 / J + n_test / n_train) * d.var(ddof=1)))
    t = mean / se if se > 0 else (0.0 if mean == 0 else np.copysign(np.inf, mean))
    df = J - 1
    return mean, se, float(t), float(2 * stats.t.sf(abs(t), df)), df, confidence_interval(mean, se, df, level)


def _five_by_two(differences):
    d = np.asarray(differences, dtype=float).reshape(5, 2)  # repeat i, fold j
    s2 = ((d - d.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)  # s_i^2 per repeat
    return d, s2


def five_by_two_t(differences, level):
    """Dietterich's 5x2cv paired t: ``t = d_11 / sqrt(mean_i s_i^2)``, 5 df.

    ``difference`` is the mean of the ten differences and the interval is
    ``mean -/+ t_5 * sqrt(mean_i s_i^2)`` (Dietterich's estimate of the variance of
    one difference, conservative for the mean of ten); the statistic and p-value
    are Dietterich's, which use the first difference only.

    Examples
    --------
    >>> d = np.array([1.0, 3.0, 2.0, 2.0, 0.0, 4.0, 2.0, 3.0, 1.0, 1.0])
    >>> m, se, t, p, df, ci = five_by_two_t(d, 0.95)
    >>> bool(np.isclose(t, 1.0 / np.sqrt((2 + 0 + 8 + 0.5 + 0) / 5))), df
    (True, 5)
    """
    d, s2 = _five_by_two(differences)
    se = float(np.sqrt(s2.mean()))
    t = float(d[0, 0] / se) if se > 0 else np.copysign(np.inf, d[0, 0]) if d[0, 0] else 0.0
    mean = float(d.mean())
    return mean, se, t, float(2 * stats.t.sf(abs(t), 5)), 5, confidence_interval(mean, se, 5, level)


def five_by_two_f(differences, level):
    """Alpaydin's combined 5x2cv F: ``f = sum d_ij^2 / (2 sum s_i^2)``, F(10, 5).

    Examples
    --------
    >>> d = np.array([1.0, 3.0, 2.0, 2.0, 0.0, 4.0, 2.0, 3.0, 1.0, 1.0])
    >>> m, se, f, p, df, ci = five_by_two_f(d, 0.95)
    >>> round(f, 6) == round(49.0 / (2 * 10.5), 6), df
    (True, (10, 5))
    """
    d, s2 = _five_by_two(differences)
    mean, se, _, _, _, ci = five_by_two_t(differences, level)
    f = float((d**2).sum() / (2 * s2.sum())) if s2.sum() > 0 else np.inf
    return mean, se, f, float(stats.f.sf(f, 10, 5)), (10, 5), ci


def normal_test(centre, se, level):
    z = centre / se if se > 0 else (0.0 if centre == 0 else np.copysign(np.inf, centre))
    return float(z), float(2 * stats.norm.sf(abs(z))), confidence_interval(centre, se, np.inf, level)
