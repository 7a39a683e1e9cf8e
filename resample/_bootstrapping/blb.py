"""The Bag of Little Bootstraps: standard errors and intervals of weighted statistics at any size.

Kleiner, Talwalkar, Sarkar & Jordan (2014), "A scalable bootstrap for massive data",
JRSS-B 76(4), Algorithm 1: draw ``s`` subsets of ``b = n^0.6`` rows without
replacement; in each, draw ``r`` multinomial weight vectors ``Multinomial(n, 1/b)``
(a resample of size ``n`` carried by ``b`` distinct rows) and evaluate the weighted
statistic on each; summarise each subset's ``r`` values (standard error, interval
ends) and average the summaries over the subsets.

Reproducibility as in :func:`resample.poisson_bootstrap`: subset ``j`` is the ``b`` rows
whose counter-stream values at ``(seed, j, global row)`` are smallest (a bottom-``b``
sample, uniform without replacement, found in one pass by merging each block's own
bottom ``b``), and its weights come from the child stream ``(seed, j)``; neither
depends on chunking. On Dask the subsets are drawn in one pass and each subset's
resamples run as a task on the workers.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtri

from resample._bootstrapping.jackknife import _fmt, _scalar
from resample._bootstrapping.tables import as_table, float_block, map_reduce
from resample._model_selection.results import ConfidenceInterval
from resample._utils.checks import check_confidence_level, check_int, check_option
from resample._utils.counter_rng import key_from_seed, random_bits
from resample._utils.messages import short_repr as _short

__all__ = ["BLBResult", "bag_of_little_bootstraps"]

#: Subsets when ``n_subsets`` is None: Kleiner et al.'s experiments settle within
#: about 10-20 subsets at r = 100 (their adaptive stopping rule is not implemented).
DEFAULT_SUBSETS = 20
BLB_METHODS = ("percentile", "basic", "normal")


@dataclass(frozen=True, eq=False, slots=True)
class BLBResult:
    """The Bag of Little Bootstraps of a weighted statistic.

    Attributes
    ----------
    estimate : float or ndarray
        The statistic on all rows (unit weights) for data in memory; for Dask data,
        the mean of the subset estimates (the full statistic would need every row in
        one process), as a note says.
    standard_error : float or ndarray
        Mean over subsets of the standard deviation (``ddof=1``) of their resample values.
    confidence_interval : ConfidenceInterval
        ``(low, high)``: each subset's interval about its own estimate, averaged, about ``estimate``.
    confidence_level : float
    method : str
        ``"percentile"``, ``"basic"`` or ``"normal"``.
    subset_size, n_subsets, n_resamples : int
        ``b``, ``s`` and ``r`` of the paper (``n_resamples`` per subset).
    subset_estimates : ndarray of shape (n_subsets, ...)
        The statistic on each subset (weights ``n / b``).
    subset_standard_errors : ndarray of shape (n_subsets, ...)
    bootstrap_distribution : ndarray of shape (..., n_subsets, n_resamples)
        The statistic on every resample of every subset.
    notes : tuple of str
    computation : str
        ``"blb"``.
    """

    estimate: object
    standard_error: object
    confidence_interval: ConfidenceInterval
    confidence_level: float
    method: str
    subset_size: int
    n_subsets: int
    n_resamples: int
    subset_estimates: np.ndarray = field(repr=False)
    subset_standard_errors: np.ndarray = field(repr=False)
    bootstrap_distribution: np.ndarray = field(repr=False)
    notes: tuple = ()
    computation: str = "blb"

    def to_frame(self):
        """One row per resample: ``subset``, ``resample`` and the statistic's value(s).

        Examples
        --------
        >>> import numpy as np
        >>> from resample import bag_of_little_bootstraps
        >>> res = bag_of_little_bootstraps(np.arange(100.0), lambda x, w: np.average(x, weights=w),
        ...                                n_subsets=3, n_resamples=4, rng=0)
        >>> res.to_frame().shape
        (12, 3)
        """
        import pandas as pd

        draws = np.asarray(self.bootstrap_distribution)
        s, r = draws.shape[-2:]
        flat = draws.reshape(-1, s * r)
        frame = {"subset": np.repeat(np.arange(s), r), "resample": np.tile(np.arange(r), s)}
        names = ["value"] if len(flat) == 1 else [f"value_{i}" for i in range(len(flat))]
        frame.update(zip(names, flat))
        return pd.DataFrame(frame)

    def _repr_html_(self):
        """A small HTML table (estimate, standard error, interval, computation, notes) for Jupyter."""
        from resample._utils.html_repr import result_html

        details = [("subsets", f"{self.n_subsets} of {self.subset_size} rows"), ("resamples per subset", self.n_resamples),
                   ("computation", self.computation)]
        return result_html(
            "BLBResult (bag of little bootstraps)", estimate=self.estimate, standard_error=self.standard_error,
            confidence_interval=self.confidence_interval, confidence_level=self.confidence_level,
            interval_name=self.method, details=details, notes=self.notes,
        )

    def __repr__(self):
        low, high = self.confidence_interval
        return (
            f"BLBResult(estimate={_fmt(self.estimate)}, standard_error={_fmt(self.standard_error)}, "
            f"{self.confidence_level:.0%} {self.method} CI=({_fmt(low)}, {_fmt(high)}), "
            f"subset_size={self.subset_size}, n_subsets={self.n_subsets}, n_resamples={self.n_resamples})"
        )


def block_candidates(block, start, key, n_subsets, subset_size):
    """Each subset's bottom-``b`` rows of one block: ``(bits, rows, values)`` per subset.

    Exact 64-bit ties (chance about ``b n / 2**64``) are the only way the choice could
    depend on blocking; :func:`merge_candidates` breaks them by row.
    """
    values = float_block(block, start)
    rows = np.arange(start, start + len(values), dtype=np.uint64)
    out = []
    for j in range(n_subsets):
        bits = random_bits(key, j, rows)
        keep = np.argpartition(bits, subset_size - 1)[:subset_size] if len(bits) > subset_size else slice(None)
        out.append((bits[keep], rows[keep], values[keep]))
    return out


def merge_candidates(a, b):
    """The bottom ``b`` of two candidate sets, subset by subset (ties broken by row)."""
    merged = []
    for (bits_a, rows_a, val_a), (bits_b, rows_b, val_b) in zip(a, b):
        size = max(len(bits_a), len(bits_b))
        bits, rows = np.concatenate([bits_a, bits_b]), np.concatenate([rows_a, rows_b])
        order = np.lexsort((rows, bits))[:size]
        merged.append((bits[order], rows[order], np.concatenate([val_a, val_b])[order]))
    return merged


def subset_bootstrap(values, rows, n, n_resamples, key, j, statistic, one_dimensional):
    """Subset ``j``: its estimate (weights ``n / b``) and ``r`` multinomial resample values ``(r, ...)``."""
    order = np.argsort(rows)  # canonical order: by global row
    x = values[order, 0] if one_dimensional else values[order]
    b = len(x)
    g = np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(key), spawn_key=(j,))))
    weights = g.multinomial(n, np.full(b, 1.0 / b), size=n_resamples).astype(float)  # O(b r) binomials
    theta = np.asarray(statistic(x, np.full(b, n / b)), dtype=float)
    draws = np.stack([np.asarray(statistic(x, w), dtype=float) for w in weights])
    return theta, draws


def _check_options(table, subset_size, n_subsets, n_resamples, method, statistic):
    n = table.n_rows
    if n < 2:
        raise ValueError(f"data has {n} row: the Bag of Little Bootstraps needs at least 2.")
    if not callable(statistic):
        raise TypeError(f"statistic must be a callable statistic(values, weights); got {_short(statistic)}.")
    b = max(2, min(n, math.ceil(n**0.6))) if subset_size is None else check_int(subset_size, "subset_size", low=2)
    if b > n:
        raise ValueError(f"subset_size={b} is out of range: it must be at most the number of rows, {n}.")
    s = DEFAULT_SUBSETS if n_subsets is None else check_int(n_subsets, "n_subsets", low=1)
    check_int(n_resamples, "n_resamples", low=2)
    method = check_option(method.lower() if isinstance(method, str) else method, "method", BLB_METHODS)
    return b, s, int(n_resamples), method


def _probe(statistic, table):
    """Call ``statistic`` on a few rows before the pass, so a wrong signature fails at once."""
    start, stop, block = table.blocks[0]
    if table.is_dask:
        import dask

        (block,) = dask.compute(block[: min(stop - start, 5)])
    x = float_block(block[:5], start)
    x = x[:, 0] if table.one_dimensional else x
    try:
        return np.asarray(statistic(x, np.ones(len(x))), dtype=float).shape
    except Exception as exc:
        raise TypeError(
            f"statistic raised {type(exc).__name__}: {exc} when called as statistic(values, weights) on "
            f"{len(x)} rows. It must take the rows (shape (b,) for 1-D data, else (b, columns)) and one "
            "weight per row, e.g. lambda x, w: np.average(x, weights=w)."
        ) from exc


def _summaries(thetas, draws, level):
    """Per subset: standard error and the interval ends' offsets from its estimate."""
    se = draws.std(axis=1, ddof=1)
    alpha = (1 - level) / 2
    q = np.quantile(draws, [alpha, 1 - alpha], axis=1)  # (2, s, ...)
    return se, q[0] - thetas, q[1] - thetas


def _interval(method, estimate, se, low_off, high_off, level):
    if method == "percentile":  # Kleiner et al.'s average of the subsets' percentile intervals
        return estimate + low_off, estimate + high_off
    if method == "basic":
        return estimate - high_off, estimate - low_off
    z = ndtri(0.5 + level / 2)
    return estimate - z * se, estimate + z * se


def bag_of_little_bootstraps(
    data,
    statistic,
    *,
    subset_size=None,
    n_subsets=None,
    n_resamples=100,
    confidence_level=0.95,
    method="percentile",
    rng=None,
):
    """Bag of Little Bootstraps (Kleiner et al. 2014) of a weighted statistic; in memory or on Dask.

    Parameters
    ----------
    data : array-like, pandas DataFrame or Series, Dask array, DataFrame or Series
        Rows are observations; numeric or boolean, finite.
    statistic : callable
        ``statistic(values, weights)``: ``values`` the rows of a subset as a float array,
        shape ``(b,)`` for 1-D data, else ``(b, columns)`` in the table's column order;
        ``weights`` one non-negative weight per row, summing to the number of rows
        ``n``. Returns a number or a fixed-shape array: a weighted median or quantile,
        weighted least-squares coefficients, any weighted estimator.
    subset_size : int or None, default=None
        ``b``; None gives the paper's ``ceil(n ** 0.6)``.
    n_subsets : int or None, default=None
        ``s``; None gives :data:`DEFAULT_SUBSETS` (20).
    n_resamples : int, default=100
        ``r``, multinomial resamples per subset (the paper's 100).
    confidence_level : float, default=0.95
    method : {"percentile", "basic", "normal"}, default="percentile"
        ``"percentile"`` averages each subset's percentile interval as offsets from its
        estimate (the paper's averaging) and places them about ``estimate``;
        ``"basic"`` reflects them; ``"normal"`` is ``estimate -/+ z standard_error``.
    rng : None, int or numpy.random.Generator, default=None
        The seed of the subsets and weights (a Generator is advanced by one draw).

    Returns
    -------
    BLBResult

    Notes
    -----
    The statistic is evaluated ``s (r + 1)`` times on ``b`` rows each, never on ``n``
    (plus once on all rows for in-memory data, for ``estimate``). On Dask, one pass
    draws the subsets (each worker keeps ``s x b`` rows) and the ``s`` subsets are
    resampled as tasks on the workers. The subsets and weights depend on the seed and
    the global row positions only, so any chunking gives the same result.

    Examples
    --------
    The standard error of a median of 20,000 exponential draws, scaled by ``sqrt(n)``
    (asymptotically ``1 / (2 f(m)) = 1`` for the unit exponential; a median's BLB
    standard error is noisy, about 12% Monte Carlo error with the defaults, and a little
    high when the subsets are small, since a weighted median of ``b`` rows takes few values):

    >>> import numpy as np
    >>> from resample import bag_of_little_bootstraps
    >>> def weighted_median(x, w):
    ...     order = np.argsort(x)
    ...     cum = np.cumsum(w[order])
    ...     return x[order][np.searchsorted(cum, cum[-1] / 2)]
    >>> x = np.random.default_rng(0).exponential(size=20_000)
    >>> res = bag_of_little_bootstraps(x, weighted_median, rng=1)
    >>> res.subset_size, res.n_subsets, res.n_resamples
    (381, 20, 100)
    >>> round(res.standard_error * 20_000**0.5, 1)
    1.3

    Weighted least-squares coefficients (intercept, slope) of ``y`` on ``x``:

    >>> def wls(v, w):
    ...     X, sw = np.column_stack([np.ones(len(v)), v[:, 0]]), np.sqrt(w)
    ...     return np.linalg.lstsq(X * sw[:, None], v[:, 1] * sw, rcond=None)[0]
    >>> g = np.random.default_rng(2)
    >>> x = g.normal(size=5000)
    >>> y = 1 + 2 * x + g.normal(size=5000)
    >>> res = bag_of_little_bootstraps(np.column_stack([x, y]), wls, rng=3)
    >>> np.round(res.standard_error * np.sqrt(5000), 1)  # theory: 1 and 1 (unit noise, unit-variance x)
    array([1., 1.])
    """
    confidence_level = check_confidence_level(confidence_level)
    key = key_from_seed(rng)
    table = as_table(data)
    b, s, r, method = _check_options(table, subset_size, n_subsets, n_resamples, method, statistic)
    _probe(statistic, table)
    subsets = map_reduce(table, block_candidates, merge_candidates, key, s, b)
    n, one = table.n_rows, table.one_dimensional
    tasks = [(vals, rows, n, r, key, j, statistic, one) for j, (_, rows, vals) in enumerate(subsets)]
    notes = [f"Bag of Little Bootstraps: {s} subsets of {b} of {n} rows, {r} multinomial resamples each."]
    if table.is_dask:
        import dask

        results = dask.compute(*[dask.delayed(subset_bootstrap, pure=True)(*t) for t in tasks])
    else:
        results = [subset_bootstrap(*t) for t in tasks]
    thetas = np.stack([theta for theta, _ in results])  # (s, ...)
    draws = np.stack([d for _, d in results])  # (s, r, ...)
    se, low_off, high_off = _summaries(thetas, draws, confidence_level)
    if table.is_dask:
        estimate = thetas.mean(axis=0)
        notes.append("estimate: the mean of the subset estimates (Dask data are not gathered into one process).")
    else:
        values = table.values
        estimate = np.asarray(statistic(values[:, 0] if one else values, np.ones(n)), dtype=float)
    se = se.mean(axis=0)
    low, high = _interval(method, estimate, se, low_off.mean(axis=0), high_off.mean(axis=0), confidence_level)
    return BLBResult(
        estimate=_scalar(estimate),
        standard_error=_scalar(se),
        confidence_interval=ConfidenceInterval(_scalar(low), _scalar(high)),
        confidence_level=confidence_level,
        method=method,
        subset_size=b,
        n_subsets=s,
        n_resamples=r,
        subset_estimates=thetas,
        subset_standard_errors=draws.std(axis=1, ddof=1),
        bootstrap_distribution=np.moveaxis(draws, (0, 1), (-2, -1)),
        notes=tuple([*notes, *table.notes]),
    )
