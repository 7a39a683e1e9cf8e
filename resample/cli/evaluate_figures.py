"""The report section of ``resample evaluate``: figures (ISLR's 5.2 and 5.4 for a family), tables and notes."""

import math

import numpy as np

from resample.cli.evaluate_text import (
    choice_text,
    headline,
    interval_text,
    level_text,
    row_numbers,
    single_rows,
    table_rows,
)

__all__ = ["evaluate_report", "figures"]


def _plural(n, word):
    """``1 run``, ``9 runs``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _single_model_figure(outcome, plt):
    """One model, several methods: one row per method with its split scores, estimate and interval.

    One axes for every method (not a panel each, which squashed three to slivers), the
    error on a shared x axis, and the legend below the data.
    """
    from resample._plotting import METHOD_COLORS, as_error

    to_error, xlabel = as_error(outcome.scoring)
    keys = list(outcome.results)
    fig, ax = plt.subplots(figsize=(9, 0.75 * len(keys) + 1.6), layout="constrained")
    rng = np.random.default_rng(0)  # jitter of the dots only, for legibility
    for i, key in enumerate(keys):
        r = outcome.results[key][0]
        color = METHOD_COLORS.get(r.method, "#1f4e9c")
        scores = np.asarray(to_error(np.asarray(r.scores, dtype=float)), dtype=float)
        est, se, low, high = row_numbers(r, outcome.scoring, outcome.confidence)
        jitter = rng.uniform(-0.18, 0.18, size=len(scores))
        ax.plot(scores, i + jitter, ".", color=color, alpha=0.55, ms=4 if len(scores) > 50 else 6,
                label="split scores" if i == 0 else "_nolegend_")
        if math.isfinite(se):
            ax.plot([low, high], [i, i], "-", color=color, lw=6, alpha=0.35, solid_capstyle="butt",
                    label=f"naive {level_text(outcome)}" if i == 0 else "_nolegend_")
        ax.plot([est], [i], "|", color="black", ms=22, mew=2, label="estimate" if i == 0 else "_nolegend_")
    ax.set_yticks(range(len(keys)), [outcome.titles[k].split(":")[0] for k in keys])
    ax.set_ylim(len(keys) - 0.5, -0.5)
    ax.set_xlabel(xlabel)
    ax.grid(True, axis="x", alpha=0.3)
    fig.legend(loc="outside lower center", ncol=3, fontsize="small", frameon=False)
    return fig


def _family_axes(outcome):
    fam = outcome.family
    return dict(values=list(fam.values), simpler=fam.kind.simpler, flexibility=fam.flexibility(),
                xlabel=fam.kind.xlabel, xscale=fam.kind.xscale)


def _finish_x(ax, outcome):
    """Ticks that fit and, where a higher parameter is simpler, the axis reversed."""
    from resample._plotting import style_x

    fam = outcome.family
    style_x(ax, fam.flexibility(), fam.kind.xscale, reverse=fam.kind.simpler == "higher")


def _comparable(outcome, keys):
    """Whether the methods' panels can share a y axis: their error curves span similar ranges.

    One method's blow-up (a degree-5 fit on 8 of 16 rows) would squash the others' curves flat.
    """
    from resample._plotting import as_error

    to_error = as_error(outcome.scoring)[0]
    spans = []
    for key in keys:
        est = np.array([to_error(r.estimate) for r in outcome.results[key]], dtype=float)
        est = est[np.isfinite(est)]
        spans.append(np.ptp(est) if len(est) else 0.0)
    return bool(max(spans) <= 4 * np.median(spans))  # no panel spans 4 times the typical one


def _finish_y(fig):
    """A log y axis where the curves span three decades or more (Grunfeld's degree 4 flattened 1..3);
    else y ticks written out (540000, not 5.4 with an offset "1e5" that lands on the panel's title)."""
    for ax in fig.axes:
        ys = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines()] or [np.zeros(0)])
        ys = ys[np.isfinite(ys)]
        if len(ys) and ys.min() > 0 and ys.max() / ys.min() >= 1000:
            ax.set_yscale("log")
        elif ax.get_yscale() == "linear":
            ax.ticklabel_format(axis="y", style="plain", useOffset=False)
    return fig


def _family_figure(outcome, plt):
    from resample._plotting import plot_family

    keys = list(outcome.results)
    ncols = min(len(keys), 2)
    nrows = math.ceil(len(keys) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.4 * nrows + 0.5), layout="constrained",
                             sharey=_comparable(outcome, keys), squeeze=False)
    for ax, key in zip(axes.flat, keys):
        plot_family(outcome.results[key], ax=ax, label="estimate ± 1 SE", **_family_axes(outcome))
        _finish_x(ax, outcome)
        ax.set_title(outcome.titles[key].split(":")[0], fontsize="medium")
    for ax in list(axes.flat)[len(keys):]:
        ax.set_visible(False)
    if _comparable(outcome, keys):
        for ax in axes[:, 1:].flat:
            ax.set_ylabel("")
    # one legend for all panels, outside the data (the markers mean the same in each)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize="small", frameon=False)
    return fig


def _validation_figure(outcome, plt):
    from resample._plotting import METHOD_COLORS, _repeat_estimates, as_error

    to_error, ylabel = as_error(outcome.scoring)
    fam = outcome.family
    res = outcome.results["validation"]
    per = np.array([np.atleast_1d(to_error(_repeat_estimates(r))) for r in res])  # models x repeats
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained", sharey=True)
    flex = np.asarray(fam.flexibility(), dtype=float)
    order = np.argsort(flex)
    x = flex[order]
    a1.plot(x, per[order, 0], "-o", color=METHOD_COLORS["validation set"], ms=4)
    a1.set_title("one random split in half", fontsize="medium")
    cmap = plt.get_cmap("tab10")
    for j in range(per.shape[1]):
        a2.plot(x, per[order, j], "-", color=cmap(j % 10), lw=1.2)
    a2.set_title(f"{_plural(per.shape[1], 'random split')} in half", fontsize="medium")
    for a in (a1, a2):
        a.set_xlabel(fam.kind.xlabel)
        a.grid(True, alpha=0.3)
        _finish_x(a, outcome)
    a1.set_ylabel(ylabel)
    return fig


def _loocv_kfold_figure(outcome, plt):
    from resample._plotting import plot_family

    kw = _family_axes(outcome)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained", sharey=True)
    plot_family(outcome.results["loocv"], ax=a1, band=False, mark_choice=False, **kw)
    a1.set_title("LOOCV", fontsize="medium")
    runs = [outcome.results["kfold"], *outcome.kfold_runs]
    cmap = plt.get_cmap("tab10")
    for j, run in enumerate(runs):
        plot_family(run, ax=a2, band=False, mark_choice=False, color=cmap(j % 10), **kw)
    for line in a2.lines:
        line.set_marker("")
    kfold = outcome.titles["kfold"].split(":")[0]
    a2.set_title(f"{_plural(len(runs), 'run')} of {kfold}" + (", other shuffles" if len(runs) > 1 else ""),
                 fontsize="medium")
    a2.set_ylabel("")
    for a in (a1, a2):
        _finish_x(a, outcome)
    if len(runs) > 1:
        spread = "each k-fold run shuffles the rows differently; the spread of the lines is the shuffle's share of the noise."
    else:
        spread = "one k-fold run is drawn (--kfold-runs R draws R shuffles, to see how much they differ)."
    return fig, f"LOOCV against k-fold CV (ISLR Figure 5.4): LOOCV is deterministic; {spread}"


def figures(outcome):
    """(figure, caption) pairs for the report."""
    from resample._plotting import import_pyplot

    plt = import_pyplot()
    if len(outcome.family.values) == 1:
        return [(_single_model_figure(outcome, plt),
                 f"Score of every split (dots), the estimate (black) and its naive {level_text(outcome)} (bar), "
                 f"for {outcome.describe_model()}, by each method.")]
    figs = [(_family_figure(outcome, plt),
             "Estimated test error of every model by each method, with a band of one standard error. "
             "The circle marks the lowest estimate; the star marks the choice of the one-standard-error rule "
             "(the simplest model within one SE of the lowest).")]
    if "validation" in outcome.results:
        figs.append((_validation_figure(outcome, plt),
                     "The validation-set approach (ISLR Figure 5.2): left, the estimate from one random half; "
                     "right, from several, which disagree: one split is a noisy estimate."))
    if "loocv" in outcome.results and "kfold" in outcome.results:
        figs.append(_loocv_kfold_figure(outcome, plt))
    return [(_finish_y(fig), caption) for fig, caption in figs]


def evaluate_report(outcome, report):
    """Add the evaluate section (tables, figures, notes) to a :class:`~resample.cli.report.Report`."""
    fam = outcome.family
    report.heading(headline(outcome))
    report.paragraph(
        f"Data: {outcome.source}, {outcome.n_rows} rows. Target: {outcome.target} ({fam.task}). "
        f"Features: {', '.join(map(str, outcome.features))}. Model: {fam.spec}, {fam.description()}. "
        + (f"Missing values: {outcome.imputed}. " if outcome.imputed else "") +
        f"Score: {outcome.scoring}, shown as {outcome.error_name}."
    )
    report.paragraph(
        "Standard errors are naive: they treat the splits as independent, which they are not, so the "
        f"{outcome.confidence:.0%} intervals ({interval_text(outcome)}) tend to be too narrow.", cls="note",
    )
    for fig, caption in figures(outcome):
        report.figure(fig, caption)
    err = outcome.error_name
    if len(fam.values) == 1:
        report.table(["method", err, "SE", level_text(outcome)], single_rows(outcome))
    else:
        for key in outcome.results:
            rows, mark = table_rows(outcome, key)
            report.heading(outcome.titles[key], level=3)
            report.table([fam.kind.param, err, "SE", level_text(outcome)], rows, highlight=mark)
            report.paragraph(choice_text(outcome, key), cls="note")
    if outcome.notes:
        report.heading("Notes", level=3)
        report.notes(outcome.notes)
