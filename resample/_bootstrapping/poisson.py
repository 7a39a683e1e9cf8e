"""The Poisson bootstrap of a function of column means, in one pass over a table of any size.

Each row ``i`` gets, in resample ``b``, an independent Poisson(1) weight ``w_ib``
instead of a multinomial count (Hanley & MacGibbon 2006, "Creating non-parametric
bootstrap samples using Poisson frequencies", Comput. Methods Programs Biomed. 83;
Chamandy, Muralidharan, Najmi & Naik 2012, "Estimating uncertainty for massive data
streams", Google). Resample ``b``'s column means are ``sum_i w_ib x_i / sum_i w_ib``,
so one pass that keeps the ``B`` weighted sums and weight totals per block is all it
takes: memory is ``O(B x columns)`` beyond the block being read. The weights come from
the counter stream of :mod:`resample._utils.counter_rng` at ``(seed, resample, global
row)``, so they are the same for any chunking, partitioning, number of workers or order.
"""

import itertools
import statistics

import numpy as np

from resample._bootstrapping.result import summarize
from resample._bootstrapping.tables import as_table, float_block, map_reduce
from resample._utils.checks import check_confidence_level, check_n_resamples, check_option
from resample._utils.counter_rng import PoissonTiles, key_from_seed
from resample._utils.messages import short_repr as _short

__all__ = ["POISSON_METHODS", "poisson_bootstrap"]

#: Interval methods of the Poisson bootstrap. BCa needs the acceleration (a jackknife,
#: i.e. a second pass, or third moments of every column pair) and the studentized
#: interval a standard error inside each resample (second moments per resample): both
#: would break the one-pass, O(B x columns) budget, so they are not offered.
POISSON_METHODS = ("percentile", "basic", "normal")

#: Rows per tile of weights: 512 x B stays in cache.
TILE = 512

#: Statistics that are not functions of the means, with what to use instead.
_NOT_OF_MEANS = {
    np.median: "a median",
    np.nanmedian: "a median",
    np.quantile: "a quantile",
    np.nanquantile: "a quantile",
    np.percentile: "a percentile",
    np.nanpercentile: "a percentile",
    np.std: "a standard deviation",
    np.nanstd: "a standard deviation",
    np.var: "a variance",
    np.nanvar: "a variance",
    np.max: "a maximum",
    np.min: "a minimum",
    np.ptp: "a range",
    statistics.median: "a median",
    statistics.stdev: "a standard deviation",
    statistics.variance: "a variance",
}
_NAMES_NOT_OF_MEANS = {"median", "quantile", "percentile", "std", "var", "variance", "min", "max"}


def _mean_stat(means, sums):
    return means


def _sum_stat(means, sums):
    return sums


_NAMED = {"mean": _mean_stat, "sum": _sum_stat}


def _not_of_means(what):
    return ValueError(
        f"poisson_bootstrap needs a statistic that is a function of the column means; {what} is not "
        "(its value on reweighted rows does not follow from the weighted means). For a variance, add a "
        "column x**2 and use lambda m: m[1] - m[0]**2; for a median, a quantile or any other weighted "
        "statistic, use bag_of_little_bootstraps."
    )


def _check_statistic(statistic, n_columns):
    """``statistic`` as ``f(means, sums)``, checked on a probe vector before any pass over the data."""
    if isinstance(statistic, str):
        if statistic.lower() in _NAMES_NOT_OF_MEANS:
            raise _not_of_means(f"statistic={statistic!r}")
        return check_option(statistic, "statistic", _NAMED), _NAMED[statistic]
    if not callable(statistic):
        raise TypeError(
            f'statistic must be "mean", "sum" or a callable of the vector of column means; got {_short(statistic)}.'
        )
    try:
        known = _NOT_OF_MEANS.get(statistic)
    except TypeError:  # unhashable callables
        known = None
    if known:
        raise _not_of_means(f"{getattr(statistic, '__name__', statistic)} ({known})")
    try:
        probe = np.asarray(statistic(np.ones(n_columns)), dtype=float)
    except Exception as exc:
        raise TypeError(
            f"statistic raised {type(exc).__name__}: {exc} when called with a vector of {n_columns} column "
            "mean(s). poisson_bootstrap calls statistic(m) with the weighted column means m (shape "
            f"({n_columns},)), never with the rows; e.g. lambda m: m[0] / m[1] for a ratio of means."
        ) from exc
    return probe.shape, lambda means, sums: statistic(means)


def block_sums(block, start, key, n_resamples):
    """Plain and Poisson-weighted sums of one block: ``(1 + B, columns + 1)``.

    Row 0 holds the plain column sums and the row count; row ``1 + b`` holds
    resample ``b``'s weighted column sums and its total weight. Tiles start at global
    multiples of :data:`TILE`, so the tiles do not depend on where the block starts
    in its tile.
    """
    values = float_block(block, start)
    m, p = values.shape
    out = np.zeros((1 + n_resamples, p + 1))
    out[0, :p], out[0, p] = values.sum(axis=0), m
    tiles = PoissonTiles(key, np.arange(n_resamples), tile=TILE)
    edges = [start, *range((start // TILE + 1) * TILE, start + m, TILE), start + m]
    for a, b in itertools.pairwise(edges):
        w = tiles.weights(a, b)  # (rows, B)
        out[1:, :p] += w.T @ values[a - start : b - start]
        out[1:, p] += w.sum(axis=0)
    return out


def _evaluate(stat, totals, one_dimensional):
    """The estimate ``(*S)`` and the draws ``(*S, B)`` from the combined sums."""
    sums, count = totals[:, :-1], totals[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):  # total weight 0: probability e^-n
        means = sums / count[:, None]
    values = [np.asarray(stat(mu, s), dtype=float) for mu, s in zip(means, sums)]
    shapes = {v.shape for v in values}
    if len(shapes) > 1:
        raise ValueError(f"statistic returned values of different shapes on different resamples: {sorted(shapes)}.")
    values = np.stack(values)
    if one_dimensional and values.shape[1:] == (1,):
        values = values[:, 0]
    return values[0], np.moveaxis(values[1:], 0, -1)


def poisson_bootstrap(data, statistic, *, n_resamples=1000, confidence_level=0.95, method="percentile", rng=None):
    """Poisson bootstrap of a function of column means, in one pass; for tables of any size.

    Parameters
    ----------
    data : array-like, pandas DataFrame or Series, Dask array, DataFrame or Series
        Rows are observations; 1-D data is one column. Columns must be numeric or
        boolean (a 0/1 column's mean is a rate) and finite.
    statistic : {"mean", "sum"} or callable
        ``"mean"``: the column means; ``"sum"``: the column sums. A callable gets the
        vector ``m`` of the (weighted) column means, shape ``(n_columns,)``, and returns
        a number or a fixed-shape array: a ratio of means is ``lambda m: m[0] / m[1]``,
        a variance uses columns ``x`` and ``x**2`` and ``lambda m: m[1] - m[0]**2``. It
        is never given the rows.
    n_resamples : int, default=1000
        ``B``, the number of Poisson resamples. Memory grows as ``B x columns``.
    confidence_level : float, default=0.95
    method : {"percentile", "basic", "normal"}, default="percentile"
        See :data:`POISSON_METHODS` for why BCa and studentized are not offered.
    rng : None, int or numpy.random.Generator, default=None
        The seed of the counter stream (a Generator is advanced by one draw).

    Returns
    -------
    BootstrapResult
        With ``computation="poisson"``.

    Notes
    -----
    Row ``i``'s weight in resample ``b`` is Poisson(1) from the counter stream at
    ``(seed, b, i)``, ``i`` the row's global position, so the weights, hence the
    result, do not depend on chunking, partitioning, workers or the order in which
    blocks finish; the sums agree to floating-point rounding (a different chunking
    adds in a different order). On Dask, blocks run as tasks on the active scheduler
    (a ``distributed.Client`` if one is connected). For ``"mean"`` and smooth functions
    of means the Poisson and the ordinary bootstrap agree to first order; for
    ``"sum"`` the Poisson bootstrap also varies the number of rows (its variance is
    ``sum x_i^2`` rather than ``n var(x)``), as a count from a Poisson process would.

    Examples
    --------
    A ratio of means (revenue per click) from two columns:

    >>> import numpy as np
    >>> from resample import poisson_bootstrap
    >>> g = np.random.default_rng(0)
    >>> clicks = g.poisson(3.0, size=10_000)
    >>> revenue = clicks * g.gamma(2.0, 0.5, size=10_000)
    >>> res = poisson_bootstrap(np.column_stack([revenue, clicks]), lambda m: m[0] / m[1],
    ...                         n_resamples=500, rng=1)
    >>> round(res.estimate, 3), res.computation
    (0.995, 'poisson')
    >>> res.standard_error < 0.01
    True
    """
    check_n_resamples(n_resamples)
    n_resamples = int(n_resamples)
    if n_resamples < 2:
        raise ValueError(f"n_resamples={n_resamples} is out of range: it must be >= 2 for a standard error.")
    confidence_level = check_confidence_level(confidence_level)
    method = _check_method(method)
    key = key_from_seed(rng)
    table = as_table(data)
    _, stat = _check_statistic(statistic, table.n_columns)
    totals = map_reduce(table, block_sums, np.add, key, n_resamples)
    estimate, distribution = _evaluate(stat, totals, table.one_dimensional)
    note = (
        f"Poisson bootstrap: {table.n_rows} rows in {len(table.blocks)} block(s), Poisson(1) weights "
        "from the counter stream at (seed, resample, row)."
    )
    return summarize(
        estimate,
        distribution,
        method=method,
        confidence_level=confidence_level,
        notes=[note, *table.notes],
        computation="poisson",
    )


def _check_method(method):
    lowered = method.lower() if isinstance(method, str) else method
    if lowered in ("bca", "studentized"):
        raise ValueError(
            f"method={method!r} is not offered by poisson_bootstrap: it needs a second pass over the data "
            f"(BCa's acceleration, the studentized inner standard errors). Use one of {POISSON_METHODS}, "
            "or resample.bootstrap on data that fit in memory."
        )
    return check_option(lowered, "method", POISSON_METHODS)

