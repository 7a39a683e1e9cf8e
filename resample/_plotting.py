"""Pictures of resampling results (matplotlib, an optional extra, imported only here).

- :func:`plot_family`: estimated test error against flexibility for a family of
  models, with one-standard-error bands and the one-standard-error choice marked
  (ISLR Figures 5.2, 5.4, 5.8).
- :func:`plot_cv_result`: the split scores of one cross-validation run, with the
  estimate and its interval (``CVResult.plot``).
- :func:`plot_bootstrap`: the bootstrap distribution of a statistic with its
  interval (ISLR Figure 5.10; ``BootstrapResult.plot``).

Scores are drawn as errors where the metric is one: ``neg_*`` scorers are negated
(``neg_mean_squared_error`` is drawn as the mean squared error) and accuracy is drawn
as the error rate, as in the book. Every function takes ``ax=`` and returns the axes.
"""

from collections.abc import Mapping

import numpy as np

from resample._utils.formatting import decimals_for, format_interval, format_number

from resample._model_selection.one_se import DIRECTIONS, choose
from resample._utils.checks import check_option

__all__ = ["plot_family", "plot_cv_result", "plot_bootstrap", "as_error", "import_pyplot", "style_x"]

#: Colours of the methods, as in ISLR's figures where it has one.
METHOD_COLORS = {
    "validation set": "#c0392b",
    "leave-one-out": "#1f4e9c",
    "k-fold": "#e67e22",
    "bootstrap .632+": "#2e8b57",
}


def import_pyplot():
    """``matplotlib.pyplot``, or an ImportError that says how to get it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - matplotlib is in the test extra
        raise ImportError(
            "Plots need matplotlib, an optional dependency: pip install 'resample-ml[plot]' (or pip install matplotlib)."
        ) from exc
    return plt


def as_error(scoring):
    """``(transform, label)`` turning a score in the scorer's sign into what is drawn.

    Examples
    --------
    >>> f, label = as_error("neg_mean_squared_error")
    >>> f(-19.25), label
    (19.25, 'mean squared error')
    >>> f, label = as_error("accuracy")
    >>> round(f(0.97), 2), label
    (0.03, 'error rate')
    """
    scoring = scoring or "score"
    if scoring.startswith("neg_"):
        return (lambda v: -np.asarray(v) if np.ndim(v) else -float(v)), scoring[4:].replace("_", " ")
    if scoring == "accuracy":
        return (lambda v: 1 - np.asarray(v) if np.ndim(v) else 1 - float(v)), "error rate"
    return (lambda v: np.asarray(v) if np.ndim(v) else float(v)), scoring.replace("_", " ")


def style_x(ax, x, xscale="linear", reverse=False):
    """Ticks that never collide: a locator that picks as many as fit, integers where the values are.

    On a log axis the ticks are the decades, written plainly (0.01, 1, 100, not 10^-2), and
    1, 2 and 5 times them where the values span less than two decades;
    ``reverse`` flips the axis (for a parameter where a higher value is simpler).
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

    x = np.asarray(x, dtype=float)
    ax.set_xscale(xscale)
    if xscale == "log":
        # under two decades (K = 1..30) the decades alone label two ticks: add 2 and 5 times them
        finite = x[np.isfinite(x) & (x > 0)]
        narrow = len(finite) and finite.max() / finite.min() < 100
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5) if narrow else (1,), numticks=8))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    elif len(x) and np.allclose(x, np.round(x)):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins="auto", min_n_ticks=2))
    if reverse and not ax.xaxis_inverted():
        ax.invert_xaxis()
    return ax


def _axes(ax, figsize=(6, 4)):
    if ax is not None:
        return ax
    plt = import_pyplot()
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _pairs(results, values):
    if isinstance(results, Mapping):
        return list(results.keys()), list(results.values())
    results = list(results)
    if values is None:
        raise ValueError("values is None: pass one parameter value per result, or results as a mapping {value: result}.")
    values = list(values)
    if len(values) != len(results):
        raise ValueError(f"values has {len(values)} entries but results has {len(results)}; pass one value per result.")
    return values, results


def _result(r):
    return getattr(r, "result_", r)


def _repeat_estimates(result):
    """The estimate of each repeat of a run (one per validation split, one per k-fold repeat)."""
    frame = result.to_frame()
    ok = np.isfinite(frame["score"].to_numpy())
    frame = frame[ok]
    weighted = frame.assign(w=frame["score"] * frame["n_test"]).groupby("repeat")[["w", "n_test"]].sum()
    return (weighted["w"] / weighted["n_test"]).to_numpy()


def plot_family(
    results,
    values=None,
    *,
    simpler="lower",
    ax=None,
    label=None,
    color=None,
    flexibility=None,
    xlabel=None,
    xscale="linear",
    band=True,
    mark_choice=True,
    repeats=False,
):
    """Estimated test error against flexibility, with one-standard-error bands.

    Parameters
    ----------
    results : mapping or sequence
        ``{parameter value: result}`` or a sequence with ``values``; a result is a
        :class:`~resample.CVResult` or a fitted CV estimator.
    values : sequence, default=None
        The parameter values (not with a mapping).
    simpler : {"lower", "higher"}, default="lower"
        Which direction of the parameter is simpler, for the one-SE choice.
    ax : matplotlib Axes, default=None
        Draw here; None makes a new figure.
    label : str, default=None
        Legend label (default: the method of the results).
    color : str, default=None
    flexibility : sequence, default=None
        x positions (default: the values). ISLR draws KNN against 1/K.
    xlabel : str, default=None
    xscale : str, default="linear"
        "log" for a ridge penalty.
    band : bool, default=True
        Shade estimate -/+ one standard error.
    mark_choice : bool, default=True
        Mark the best model (circle) and the one-standard-error choice (star).
    repeats : bool, default=False
        Also draw one thin line per repeat of each run (ISLR Figure 5.2 right:
        ten validation splits; Figure 5.4 right: nine 10-fold runs).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import PolynomialFeatures, StandardScaler
    >>> from sklearn.linear_model import LinearRegression
    >>> from resample import KFoldCV
    >>> from resample.datasets import load_auto
    >>> auto = load_auto()
    >>> X, y = auto[["horsepower"]], auto["mpg"]
    >>> family = {d: KFoldCV(make_pipeline(PolynomialFeatures(d), StandardScaler(), LinearRegression()),
    ...                      n_splits=10, scoring="neg_mean_squared_error").fit(X, y).result_ for d in range(1, 6)}
    >>> ax = plot_family(family, xlabel="degree of polynomial")
    >>> ax.get_ylabel()
    'mean squared error'
    """
    values, results = _pairs(results, values)
    results = [_result(r) for r in results]
    if not results:
        raise ValueError("results is empty; pass at least one result to plot.")
    scoring = getattr(results[0], "scoring", None)
    method = getattr(results[0], "method", None)
    to_error, ylabel = as_error(scoring)
    x = np.asarray(values if flexibility is None else flexibility, dtype=float)
    est = np.array([to_error(r.estimate) for r in results], dtype=float)
    se = np.array([r.standard_error for r in results], dtype=float)
    color = color or METHOD_COLORS.get(method, None)
    ax = _axes(ax)
    order = np.argsort(x)
    if repeats:
        per = [np.atleast_1d(to_error(_repeat_estimates(r))) for r in results]
        n_rep = min(len(p) for p in per)
        for j in range(n_rep if n_rep > 1 else 0):
            ax.plot(x[order], np.array([p[j] for p in per])[order], color=color, alpha=0.35, lw=0.8)
    (line,) = ax.plot(x[order], est[order], "-o", color=color, ms=4, lw=1.6, label=label or method)
    if band and np.isfinite(se).any():
        ax.fill_between(x[order], (est - se)[order], (est + se)[order], color=line.get_color(), alpha=0.15, lw=0)
    if mark_choice and len(results) > 1:
        check_option(simpler, "simpler", DIRECTIONS)
        raw = np.array([r.estimate for r in results], dtype=float)  # the scorer's sign, as the rule reads
        index, best_index, _ = choose(values, raw, se, simpler)
        shown = {h.get_label() for h in ax.lines}
        best_label, choice_label = "lowest estimate", "one-SE choice"
        ax.plot(x[best_index], est[best_index], "o", ms=9, mfc="none", mec=line.get_color(), mew=1.5,
                label=best_label if best_label not in shown else "_nolegend_")
        ax.plot(x[index], est[index], "*", ms=13, color=line.get_color(), mec="black", mew=0.6,
                label=choice_label if choice_label not in shown else "_nolegend_")
    style_x(ax, x, xscale)
    ax.set_xlabel(xlabel or "flexibility")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    return ax


def plot_cv_result(result, *, ax=None, color=None):
    """The split scores of one cross-validation run, with its estimate and interval.

    Parameters
    ----------
    result : CVResult or fitted CV estimator
    ax : matplotlib Axes, default=None
    color : str, default=None

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.linear_model import LinearRegression
    >>> from resample import KFoldCV
    >>> from resample.datasets import load_auto
    >>> auto = load_auto()
    >>> cv = KFoldCV(LinearRegression(), n_splits=10, scoring="neg_mean_squared_error")
    >>> ax = cv.fit(auto[["horsepower"]], auto["mpg"]).result_.plot()
    >>> ax.get_xlabel()
    'split'
    """
    from matplotlib.ticker import MaxNLocator

    result = _result(result)
    to_error, ylabel = as_error(result.scoring)
    color = color or METHOD_COLORS.get(result.method, "#1f4e9c")
    ax = _axes(ax)
    scores = to_error(np.asarray(result.scores, dtype=float))
    est = to_error(result.estimate)
    low, high = sorted(to_error(np.array(result.confidence_interval, dtype=float)))
    d = decimals_for(result.standard_error)
    splits = np.arange(len(scores))
    many = len(scores) > 50
    ax.plot(splits, scores, "." if many else "o", color=color, ms=2 if many else 5, alpha=0.6 if many else 0.9,
            label="split scores")
    ax.axhline(est, color="black", lw=1.5, label=f"estimate {format_number(est, d)}")
    ax.axhspan(low, high, color=color, alpha=0.15, lw=0,
               label=f"{result.confidence_level:.0%} interval {format_interval(low, high, d)} "
                     f"({getattr(result, 'interval', 'naive')})")
    ax.set_xlabel("split")
    ax.set_ylabel(ylabel)
    ax.set_title(f"{result.method}: {len(scores)} splits")
    # below the axes: inside, it hides split scores
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1, fontsize="small", frameon=False)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, alpha=0.3)
    return ax


def plot_bootstrap(result, *, ax=None, bins="auto", color="#2e8b57", label=None, index=None):
    """Histogram of the bootstrap distribution with the estimate and the interval.

    Parameters
    ----------
    result : BootstrapResult
        Anything with ``bootstrap_distribution``, ``estimate``,
        ``confidence_interval``, ``confidence_level`` and ``method``.
    ax : matplotlib Axes, default=None
    bins : int or str, default="auto"
    color : str, default="#2e8b57"
    label : str, default=None
        Name of the statistic for the x axis.
    index : int or tuple, default=None
        For a statistic with several values, which one to draw.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from resample import bootstrap
    >>> res = bootstrap((np.arange(20.0),), np.mean, n_resamples=500, method="percentile", rng=0)
    >>> ax = plot_bootstrap(res, label="mean")
    >>> ax.get_xlabel()
    'mean'
    """
    dist = np.asarray(result.bootstrap_distribution, dtype=float)
    est = np.asarray(result.estimate, dtype=float)
    low, high = (np.asarray(v, dtype=float) for v in result.confidence_interval)
    if dist.ndim > 1:
        if index is None:
            raise ValueError(
                f"the statistic has shape {dist.shape[:-1]}; pass index= to choose which value to draw."
            )
        dist, est, low, high = dist[index], est[index], low[index], high[index]
    dist = dist[np.isfinite(dist)]
    ax = _axes(ax)
    ax.hist(dist, bins=bins, color=color, alpha=0.55, edgecolor="white", lw=0.5)
    ax.axvspan(float(low), float(high), color=color, alpha=0.12, lw=0)
    for v in (low, high):
        ax.axvline(float(v), color=color, ls="--", lw=1.3)
    ax.axvline(float(est), color="black", lw=1.6)
    ax.set_xlabel(label or "statistic")
    ax.set_ylabel("resamples")
    method = getattr(result, "method", "")
    method = {"bca": "BCa"}.get(method, method)
    d = decimals_for(np.std(dist, ddof=1) if len(dist) > 1 else np.nan)
    ax.set_title(
        f"{len(dist)} bootstrap resamples: estimate {format_number(est, d)}, "
        f"{result.confidence_level:.0%} {method} interval {format_interval(low, high, d)}",
        fontsize="medium",
    )
    ax.grid(True, alpha=0.3)
    return ax
