"""The bootstrap of a statistic: its distribution, standard error, bias and intervals.

The flow: check the input, wrap the statistic (:mod:`.statistic`), draw resamples in
blocks of child streams (:mod:`.draws`), and summarise the values into a
:class:`~.result.BootstrapResult` with an interval from the table in :mod:`.intervals`.

References
----------
Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap. Chapman & Hall.
DiCiccio, T. & Efron, B. (1996). Bootstrap confidence intervals. Statistical Science 11(3).
Davison, A. C. & Hinkley, D. V. (1997). Bootstrap Methods and their Application. CUP.
"""

from dataclasses import replace

import numpy as np

from resample._bootstrapping.bounds import check_bounds, respect_bounds
from resample._bootstrapping.draws import Moments, draw
from resample._bootstrapping.compiled import check_engine, draw_compiled
from resample._bootstrapping.intervals import (
    ACCELERATIONS,
    METHODS,
    bca_extension,
    jackknife_acceleration,
    regression_acceleration,
    stratified_acceleration,
)
from resample._bootstrapping.jackknife import _fmt
from resample._bootstrapping.result import ALTERNATIVES, BootstrapResult, summarize
from resample._bootstrapping.schemes import Strata, check_method, make_scheme
from resample._bootstrapping.size_check import check_n_resamples, check_size
from resample._bootstrapping.sorted_draws import draw_sorted, sorted_reader
from resample._bootstrapping.statistic import BatchedStatistic
from resample._utils.checks import (
    check_acceleration,
    check_batch,
    check_confidence_level,
    check_int,
    check_option,
    check_samples,
    check_vectorized,
)
from resample._utils.notes import Note, NoteKind
from resample._utils.random import as_generator

__all__ = ["bootstrap", "BootstrapResult"]

#: Largest total sample size for ``acceleration="regression"``: it accumulates an
#: n x n matrix of resample counts (200 MB at 5,000).
REGRESSION_MAX_N = 5000


# Long: the checks of its 18 parameters come first, in one place and in the order the error
# tests pin, before any work; what follows is one call per step (draw, combine, summarize).
def bootstrap(
    data,
    statistic,
    *,
    n_resamples=9999,
    method="BCa",
    confidence_level=0.95,
    alternative="two-sided",
    paired=False,
    vectorized=None,
    batch=None,
    axis=0,
    acceleration="jackknife",
    se_function=None,
    n_inner=50,
    block_length=None,
    block="stationary",
    strata=None,
    bootstrap_result=None,
    bounds=None,
    engine="numpy",
    rng=None,
):
    """Bootstrap distribution, standard error, bias and confidence interval of a statistic.

    Parameters
    ----------
    data : sequence of array-like
        The samples: ``(x,)`` for one, ``(x, y)`` for two. Observations lie along
        ``axis``; other axes are batch axes, each with its own statistic (as SciPy).
    statistic : callable
        ``statistic(*samples)`` returning a number (or a fixed-shape array). When
        vectorized, ``statistic(*samples, axis=-1)`` gets a batch of resamples with
        the observations on the last axis and must reduce it.
    n_resamples : int, default=9999
        Resamples to draw (0 only to recompute a ``bootstrap_result``). Its memory is
        estimated first: a run whose distribution would not fit in the memory available
        (``MemAvailable``, or a ``prlimit --as`` limit) is refused, naming what it needs
        and the most resamples that fit; one of over 100,000 resamples is timed on a
        pilot of 256, with a warning when it would take over an hour.
    method : {"BCa", "percentile", "basic", "normal", "studentized"}, default="BCa"
        Interval method (case-insensitive); see :data:`METHODS`.
    confidence_level : float, default=0.95
        Strictly between 0 and 1.
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
        ``"less"``: a one-sided interval ``(-inf, high)``; ``"greater"``:
        ``(low, inf)``; the finite end is that of the two-sided interval at level
        ``2 * confidence_level - 1`` (as SciPy).
    paired : bool, default=False
        Resample the rows of all samples together (the samples must have equal length).
    vectorized : bool or None, default=None
        None: True when ``statistic`` takes an ``axis`` argument.
    batch : int or None, default=None
        Resamples per call of a vectorized statistic, at most 256 (resamples are drawn
        in blocks of 256, each from its own stream). None keeps the gathered data of a
        call near 2 MB. It changes memory and speed, never the result.
    axis : int, default=0
        The axis of the observations.
    acceleration : {"jackknife", "regression"} or float, default="jackknife"
        How BCa's acceleration ``a`` is found. ``"jackknife"``: from leave-one-out
        values, in closed form for ``np.mean``, ``np.sum``, quantile-like statistics
        and statistics with a ``leave_one_out`` attribute (see :func:`resample.jackknife`),
        else in batches of ``n - 1`` indices (O(n^2) work, bounded memory).
        Quantile-like statistics, from the sorted sample in O(n log n): ``np.median``,
        ``np.min``, ``np.max`` and their ``nan`` forms, ``functools.partial(np.quantile,
        q=...)`` (or ``np.percentile``, ``np.nanquantile``, ``np.nanpercentile``, any
        ``method``), and the statistics :class:`resample.Quantile` and
        :class:`resample.OrderStatistic`, which declare a quantile or an order
        statistic (a ``lambda`` calling ``np.quantile`` cannot be recognised: use them). ``"regression"``: from
        influence values regressed on the resample counts, no extra evaluation of
        the statistic (needs ``n_resamples`` larger than the total sample size, at
        most 5,000 observations). A float is used as ``a``.
    se_function : callable or None, default=None
        Studentized method: ``se_function(*samples[, axis])`` returns the standard
        error of the statistic on a sample (vectorized like ``statistic``). None
        estimates it within each resample by an inner bootstrap of ``n_inner``.
    n_inner : int, default=50
        Inner resamples per resample for the studentized method without ``se_function``.
    block_length : None, int, float or "auto", default=None
        None resamples i.i.d. observations. Otherwise the observations are a series
        (in order along ``axis``) and are resampled in blocks of this length (the mean
        length for ``block="stationary"``, which may be fractional). ``"auto"``: the
        automatic length of :func:`resample.optimal_block_length` (the largest over the
        series when there are several, rounded for fixed-length blocks). Paired samples
        are blocked together; unpaired samples each get their own blocks. Valid
        methods: ``"percentile"``, ``"basic"``, ``"normal"`` (and ``"studentized"``
        with an ``se_function``); BCa is refused, since its acceleration would need a
        block jackknife.
    block : {"stationary", "circular", "moving"}, default="stationary"
        The block bootstrap when ``block_length`` is given: geometric block lengths on
        the circle (Politis & Romano 1994), fixed-length blocks on the circle (Politis
        & Romano 1992) or on the line (Kunsch 1989).
    strata : array-like of shape (n,) or None, default=None
        One label per observation (one sample, or paired samples): each resample
        draws within every stratum, keeping the stratum sizes (Davison & Hinkley 1997,
        section 3.7). BCa's acceleration then comes from influence values within each
        stratum. Not combined with ``block_length``.
    bootstrap_result : BootstrapResult or None, default=None
        A result of an earlier call on the same data and statistic: its resamples are
        kept and ``n_resamples`` more are added; its BCa acceleration is reused. The
        new resamples continue the stream where the result's left off, so with the
        same seed the extended result equals one run with the total ``n_resamples``
        (a Generator object has moved on since, so it gives fresh, independent ones).
    bounds : (float, float) or None, default=None
        The statistic's range where it has one, e.g. ``(-1, 1)`` for a correlation or
        ``(0, 1)`` for a proportion. Interval ends outside it (the basic, normal and
        studentized methods can give them; percentile and BCa cannot) are clipped to
        it, with a note; the result keeps ``bounds``.
    engine : {"numpy", "numba"}, default="numpy"
        ``"numba"`` (optional, ``pip install "resample-ml[fast]"``): the bootstrap of
        ``np.mean`` or ``np.sum`` of one 1-D sample is drawn and summed in one compiled,
        multi-threaded pass, without index arrays (any method but studentized). Its
        random stream is counter-based (see Notes); other statistics are refused with
        the reason.
    rng : None, int or numpy.random.Generator, default=None
        The source of randomness.

    Returns
    -------
    BootstrapResult

    Warns
    -----
    DegenerateWarning
        Every finite resample value is equal (the interval collapses to that value),
        or BCa's estimate lies outside the bootstrap distribution.
    ResampleWarning
        The statistic was NaN or infinite on some resamples (they are counted and
        left out).

    Notes
    -----
    Each block of 256 resamples is drawn from its own child of ``rng``
    (``Generator.spawn``), so the same ``rng`` gives the same result whatever
    ``batch``. The BCa tie rule is mid-rank (see :func:`bias_correction`).

    Two random streams: resamples are index rows drawn from each block's child
    (``Generator.integers``), except for a quantile-like statistic (see
    ``acceleration``, with numpy's default ``method="linear"``) of one 1-D sample
    without NaN, whose percentile, basic, normal and BCa bootstraps draw each
    resample's order statistics straight from the sorted sample (Beta-distributed
    order statistics of uniforms, exact in law, O(1) per resample instead of O(n): a
    median at n = 10^6 with 9,999 resamples takes about a second). Both are
    reproducible and independent of ``batch``; for the same seed they give different,
    equally distributed values. A statistic that is not recognised (a ``lambda``) takes
    the index rows. ``engine="numba"`` has a third stream: observation ``j`` of resample
    ``b`` is ``floor(n u)``, ``u`` the uniform of ``value(key, stream=b, counter=j)`` of
    :mod:`resample._utils.counter_rng` (``key`` one draw from ``rng``), so each value
    depends on the seed and its resample number only, whatever the threads.

    Examples
    --------
    ISLR section 5.3.4: the bootstrap of the portfolio weight alpha.

    >>> import numpy as np
    >>> from resample import bootstrap
    >>> from resample.datasets import load_portfolio
    >>> p = load_portfolio()
    >>> def alpha(x, y, axis=-1):
    ...     vx, vy = np.var(x, axis=axis, ddof=1), np.var(y, axis=axis, ddof=1)
    ...     cxy = np.mean((x - x.mean(axis, keepdims=True)) * (y - y.mean(axis, keepdims=True)), axis=axis)
    ...     cxy = cxy * x.shape[axis] / (x.shape[axis] - 1)
    ...     return (vy - cxy) / (vx + vy - 2 * cxy)
    >>> res = bootstrap((p["X"], p["Y"]), alpha, paired=True, n_resamples=1000, rng=1)
    >>> round(res.estimate, 3), round(res.standard_error, 2)
    (0.576, 0.09)

    Add resamples, or change the method, without recomputing:

    >>> more = bootstrap((p["X"], p["Y"]), alpha, paired=True, n_resamples=1000,
    ...                  bootstrap_result=res, method="percentile", rng=2)
    >>> more.n_resamples
    2000

    A correlation lies in [-1, 1]; ``bounds`` keeps every interval there:

    >>> x = np.arange(10.0); y = x + np.array([0, 1, -1, 0, 1, 0, -1, 1, 0, 0.5])
    >>> r = bootstrap((x, y), lambda a, b: np.corrcoef(a, b)[0, 1], paired=True, method="basic",
    ...               bounds=(-1, 1), n_resamples=500, rng=0)
    >>> r.confidence_interval.high <= 1, r.bounds
    (True, (-1.0, 1.0))
    """
    method = check_option(method.lower() if isinstance(method, str) else method, "method", METHODS)
    confidence_level = check_confidence_level(confidence_level)
    alternative = check_option(
        alternative.lower() if isinstance(alternative, str) else alternative, "alternative", ALTERNATIVES
    )
    if bootstrap_result is not None and not isinstance(bootstrap_result, BootstrapResult):
        raise TypeError(
            f"bootstrap_result must be a BootstrapResult returned by bootstrap; got {type(bootstrap_result).__name__}."
        )
    previous = 0 if bootstrap_result is None else bootstrap_result.n_resamples
    n_resamples = check_n_resamples(n_resamples, previous=previous)
    samples = check_samples(data, paired=paired, axis=axis)
    vectorized = check_vectorized(vectorized, statistic)
    batch = check_batch(batch)
    if not isinstance(acceleration, (int, float)) or isinstance(acceleration, bool):
        check_option(acceleration, "acceleration", ACCELERATIONS)
    else:
        check_acceleration(acceleration)
    if se_function is not None and not callable(se_function):
        raise TypeError(f"se_function must be callable or None; got {type(se_function).__name__}.")
    check_int(n_inner, "n_inner", low=2)
    schemes = make_scheme(samples, paired=paired, block_length=block_length, block=block, strata=strata)
    check_method(schemes, method, acceleration, se_function)
    bounds = check_bounds(bounds)
    rng = as_generator(rng, "rng")

    stat = BatchedStatistic(statistic, samples, vectorized=vectorized, paired=paired)
    resampling = "i.i.d. bootstrap" if schemes is None else "; ".join(s.describe() for s in schemes)
    if bootstrap_result is not None:
        _check_same_problem(bootstrap_result, stat, method, resampling)
    total_n = sum(stat.lengths[:1] if paired else stat.lengths)
    regression = method == "bca" and acceleration == "regression" and _needs_acceleration(bootstrap_result)
    if regression and (total_n > REGRESSION_MAX_N or n_resamples <= total_n):
        raise ValueError(
            f'acceleration="regression" needs n_resamples larger than the number of observations and at '
            f"most {REGRESSION_MAX_N} observations; got n_resamples={n_resamples} for {total_n} observations. "
            'Use acceleration="jackknife" or more resamples.'
        )
    se_stat = None
    if method == "studentized" and se_function is not None:
        se_stat = BatchedStatistic(
            se_function, samples, vectorized=check_vectorized(None, se_function), paired=paired
        )
    moments = Moments(total_n, max(1, stat.value.size)) if regression else None

    reader = sorted_reader(stat) if schemes is None and moments is None and method != "studentized" else None

    compiled = check_engine(engine, stat, schemes=schemes, method=method, moments=moments)

    def run(m, generator, start, moments=None):
        if compiled:
            return draw_compiled(stat, m, generator, start=start), None
        if reader is not None:
            return draw_sorted(stat, reader, m, generator, start=start), None
        inner = n_inner if method == "studentized" and se_stat is None else 0
        return draw(stat, m, generator, batch=batch, se_stat=se_stat, n_inner=inner, moments=moments,
                    start=start, schemes=schemes)  # fmt: skip

    check_size(previous + n_resamples, max(1, stat.value.size), studentized=method == "studentized",
               pilot=lambda m: run(m, np.random.default_rng(0), 0))  # fmt: skip
    new, new_se = run(n_resamples, rng, previous, moments) if n_resamples else (np.empty((*stat.shape, 0)), None)
    distribution, resample_ses = _combine(bootstrap_result, new, new_se, method)

    strata_ = schemes[0] if schemes is not None and isinstance(schemes[0], Strata) else None
    bca = bca_extension(lambda: _acceleration(acceleration, bootstrap_result, stat, batch, moments, strata_))

    def studentized(draws):
        # D&H (1997) eq. 5.7: the se of the estimate itself; the outer bootstrap's when none is given.
        se_hat = se_stat.value if se_stat is not None else draws.standard_error
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (draws.distribution - draws.estimate[..., None]) / resample_ses
        source = "se_function." if se_stat is not None else f"an inner bootstrap of {n_inner}."
        draws = replace(draws, studentized=np.where(np.isfinite(t), t, np.nan), estimate_standard_error=se_hat)
        return draws, [Note(NoteKind.METHOD, "studentized: per-resample standard errors from " + source)]

    result = summarize(
        stat.value,
        distribution,
        method=method,
        confidence_level=confidence_level,
        alternative=alternative,
        extend={"bca": bca, "studentized": studentized}.get(method),
        notes=_notes(schemes, resampling, reader),
        resample_standard_errors=resample_ses,
        resampling=resampling,
    )
    return respect_bounds(result, bounds)


def _notes(schemes, resampling, reader):
    if reader is not None:
        return ("Quantile-like statistic: each resample's order statistics drawn from the sorted sample "
                "(exact in law, a stream of its own; see the Notes of bootstrap).",)  # fmt: skip
    return () if schemes is None else (resampling[0].upper() + resampling[1:] + ".",)


def _needs_acceleration(result):
    return result is None or result.acceleration is None


def _acceleration(option, result, stat, batch, moments, strata=None):
    """BCa ``a`` and a note saying where it came from."""
    if not isinstance(option, str):
        return np.full(stat.shape, float(option)), f"BCa acceleration given: {option}."
    if not _needs_acceleration(result):
        return np.asarray(result.acceleration, dtype=float), "BCa acceleration reused from bootstrap_result."
    if moments is not None:
        a = regression_acceleration(moments, stat.lengths[:1] if stat.paired else stat.lengths, stat.shape)
        return a, "BCa acceleration from influence values regressed on resample counts."
    if strata is not None:
        a, closed = stratified_acceleration(stat, batch, strata.members())
        how = "closed-form leave-one-out values" if closed else "the jackknife"
        return a, f"BCa acceleration from {how}, influence values within each stratum."
    a, closed = jackknife_acceleration(stat, batch)
    how = "closed-form leave-one-out values" if closed else "the jackknife"
    return a, f"BCa acceleration from {how}."


def _check_same_problem(result, stat, method, resampling):
    """A result passed back must come from the same statistic on the same data."""
    distribution = np.asarray(result.bootstrap_distribution)
    if distribution.shape[:-1] != stat.shape or not np.allclose(
        result.estimate, stat.value, rtol=1e-12, atol=0, equal_nan=True
    ):
        raise ValueError(
            "bootstrap_result does not match this data and statistic: it holds estimate "
            f"{_fmt(result.estimate)} of shape {distribution.shape[:-1]}, the data give {_fmt(stat.value)} "
            f"of shape {stat.shape}. Pass the result of a call with the same data and statistic."
        )
    if result.resampling != resampling:
        raise ValueError(
            f"bootstrap_result was drawn by a {result.resampling}, this call asks for a {resampling}. "
            "Pass the same block_length, block and strata as the first call."
        )
    if method == "studentized" and result.resample_standard_errors is None:
        raise ValueError(
            'method="studentized" needs per-resample standard errors, which bootstrap_result '
            f"(method={result.method!r}) does not hold. Start the studentized bootstrap afresh."
        )


def _combine(result, new, new_se, method):
    if result is None:
        return new, new_se
    distribution = np.concatenate([np.asarray(result.bootstrap_distribution, dtype=float), new], axis=-1)
    ses = None
    if method == "studentized":
        ses = result.resample_standard_errors if new_se is None else np.concatenate(
            [result.resample_standard_errors, new_se], axis=-1
        )
    return distribution, ses

