"""``resample bootstrap``: a column statistic's standard error, bias and intervals by every method."""

import inspect
from dataclasses import dataclass, field

import numpy as np

from resample.cli.data import check_columns, check_numeric, drop_missing, numeric_columns, read_table, source_name
from resample.cli.specs import UsageError, parse_statistic

__all__ = ["INTERVAL_METHODS", "BootstrapOutcome", "run_bootstrap", "format_bootstrap", "bootstrap_report"]

#: The interval methods of :func:`resample.bootstrap`, as the command names them.
INTERVAL_METHODS = {"percentile": "percentile", "basic": "basic", "normal": "normal", "bca": "BCa",
                    "studentized": "studentized"}

#: ISLR's Portfolio population (section 5.2): var X = 1, var Y = 1.25, cov = 0.5, so alpha = 0.6.
_PORTFOLIO_COV = np.array([[1.0, 0.5], [0.5, 1.25]])
_PORTFOLIO_ALPHA = 0.6


@dataclass
class BootstrapOutcome:
    source: str
    n_rows: int
    statistic: object
    columns: list
    results: dict  # method key -> BootstrapResult
    n_resamples: int
    seed: int
    confidence: float
    bundled: bool = False
    notes: list = field(default_factory=list)
    data: tuple = ()
    bounds: tuple | None = None

    @property
    def first(self):
        return next(iter(self.results.values()))


def _load(args, warn):
    from resample.datasets import load_portfolio

    if args.csv is None:
        table, source, bundled = load_portfolio(), "ISLR's Portfolio data (bundled)", True
        stat = parse_statistic(args.statistic or "alpha")
        if args.columns is None:
            args.columns = ["X", "Y"][: stat.n_columns]
    else:
        table, source, bundled = read_table(args.csv, args.sep), source_name(args.csv), False
        stat = parse_statistic(args.statistic or "mean")
        if args.columns is None:
            numeric = numeric_columns(table)
            if len(numeric) != stat.n_columns:
                need = "one column" if stat.n_columns == 1 else "two columns"
                raise UsageError(
                    f"--columns is needed: {stat.name} takes {need} and {source} has {len(numeric)} numeric columns "
                    f"({', '.join(map(str, numeric)) or 'none'}); e.g. --columns {' '.join(map(str, numeric[: stat.n_columns])) or 'COL'}."
                )
            args.columns = numeric
    check_columns(table, args.columns, "--columns", source)
    if len(args.columns) != stat.n_columns:
        need = "one column" if stat.n_columns == 1 else "two columns (rows are resampled together)"
        raise UsageError(f"--columns: {stat.name} takes {need}; got {len(args.columns)}: {' '.join(map(str, args.columns))}.")
    if len(set(args.columns)) != len(args.columns):
        raise UsageError(f"--columns names a column twice: {' '.join(map(str, args.columns))}.")
    check_numeric(table, args.columns, "--columns", source)
    table = drop_missing(table, args.columns, warn)
    if len(table) < 3:
        raise UsageError(f"{source} has {len(table)} complete rows in {', '.join(args.columns)}; the bootstrap needs at least 3.")
    for c in args.columns:
        if table[c].nunique() < 2:
            raise UsageError(f"--columns: column {c!r} of {source} has one value in every row; its bootstrap distribution "
                             "is a single point. Choose a column that varies.")
    return table, source, bundled, stat


#: Notes of :func:`resample.bootstrap` that say how, not what to do: the command leaves them out.
_UNACTIONABLE = ("BCa acceleration from", "BCa acceleration reused", "studentized: per-resample")


def statistic_bounds(stat, data):
    """The statistic's range: its own (a correlation's [-1, 1]), or [0, 1] for a location of a 0/1 column.

    Examples
    --------
    >>> from resample.cli.specs import parse_statistic
    >>> statistic_bounds(parse_statistic("mean"), (np.array([0.0, 1, 1, 0]),))
    (0.0, 1.0)
    >>> statistic_bounds(parse_statistic("mean"), (np.array([0.5, 2.0]),)) is None
    True
    """
    if stat.bounds is not None:
        return stat.bounds
    if stat.location and np.isin(data[0], (0.0, 1.0)).all():
        return (0.0, 1.0)
    return None


def run_bootstrap(args, warn):
    """Load, check and bootstrap with every interval method (one set of resamples)."""
    from resample._bootstrapping.bootstrap import bootstrap

    table, source, bundled, stat = _load(args, warn)
    data = tuple(table[c].to_numpy(dtype=float) for c in args.columns)
    methods = list(dict.fromkeys(args.method)) if args.method else list(INTERVAL_METHODS)
    # studentized first: it draws the inner standard errors, which the others can ignore
    order = sorted(methods, key=lambda m: m != "studentized")
    extra = {}
    from resample.cli.evaluate import show_progress

    if "progress" in inspect.signature(bootstrap).parameters and show_progress(args.progress, args.n_resamples // 10):
        extra["progress"] = True
    bounds = statistic_bounds(stat, data)
    results, first = {}, None
    for m in order:
        kw = dict(paired=len(data) > 1, confidence_level=args.confidence, method=INTERVAL_METHODS[m], rng=args.seed,
                  bounds=bounds)
        try:
            if first is None:
                res = bootstrap(data, stat.function, n_resamples=args.n_resamples, **kw, **extra)
            else:
                res = bootstrap(data, stat.function, n_resamples=0, bootstrap_result=first, **kw)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        first = first or res
        results[m] = res
    results = {m: results[m] for m in methods}
    notes = []
    for res in results.values():
        for n in res.notes:
            # a clipped interval is marked in the table, beside the statistic's range
            if n not in notes and not n.startswith(_UNACTIONABLE) and "is clipped to it" not in n:
                notes.append(n)
    return BootstrapOutcome(
        source=source, n_rows=len(table), statistic=stat, columns=list(args.columns), results=results,
        n_resamples=args.n_resamples, seed=args.seed, confidence=args.confidence, bundled=bundled, notes=notes,
        data=data, bounds=bounds,
    )


def _decimals(se):
    from resample._utils.formatting import decimals_for

    return decimals_for(se)


def _num(value, d):
    from resample._utils.formatting import format_number

    return format_number(value, d)


def _headline(o):
    return f"Bootstrap of {o.statistic.name} of {', '.join(map(str, o.columns))}"


def _rows(o):
    d = _decimals(float(o.first.standard_error))
    rows = []
    for m, res in o.results.items():
        low, high = res.confidence_interval
        clipped = " (clipped)" if any("is clipped to it" in n for n in res.notes) else ""
        rows.append([INTERVAL_METHODS[m], f"[{_num(low, d)}, {_num(high, d)}]{clipped}"])
    return rows


def _summary(o):
    r = o.first
    d = _decimals(float(r.standard_error))
    return (f"estimate {_num(r.estimate, d)}   standard error {_num(r.standard_error, d)}   "
            f"bias {_num(r.bias, d)}")


def _range_text(o):
    low, high = o.bounds
    ends = f"[{low:g}, {high:g}]".replace("inf", "∞")
    return (f"the statistic lies in {ends}: percentile and BCa intervals stay inside by construction; "
            "other methods' ends are clipped to it")


def format_bootstrap(o):
    """The printed report of ``resample bootstrap``."""
    from resample.cli.evaluate_text import text_table

    paired = " (rows resampled together)" if len(o.columns) > 1 else ""
    lines = [
        _headline(o) + f": {o.statistic.describe}",
        f"data: {o.source}, {o.n_rows} rows; {o.n_resamples} resamples (seed {o.seed}){paired}",
        _summary(o),
        *([_range_text(o)] if o.bounds else []),
        "",
        text_table(["method", f"{o.confidence:.0%} interval"], _rows(o)),
    ]
    if o.bundled and o.statistic.name == "alpha":
        lines += ["", "ISLR section 5.3.4: alpha = 0.5758, bootstrap standard error 0.0897 (1,000 resamples in R)"]
    if o.notes:
        lines += ["", "notes:"] + [f"  - {n}" for n in o.notes]
    return "\n".join(lines)


def _simulated_alphas(seed, n, n_datasets=1000):
    """Alpha on ``n_datasets`` samples of the true Portfolio population (ISLR Figure 5.9, 5.10 left)."""
    from resample.cli.specs import _alpha

    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal([0.0, 0.0], _PORTFOLIO_COV, size=(n_datasets, n))  # (datasets, n, 2)
    return _alpha(draws[..., 0], draws[..., 1], axis=-1)


def bootstrap_report(o, report):
    """Add the bootstrap section (numbers, intervals, figures) to a :class:`~resample.cli.report.Report`."""
    from resample._plotting import import_pyplot, plot_bootstrap

    plt = import_pyplot()
    report.heading(_headline(o))
    # said once: the statistic's own description may already say that rows go together
    paired = " Rows are resampled together." if len(o.columns) > 1 and "together" not in o.statistic.describe else ""
    report.paragraph(f"Data: {o.source}, {o.n_rows} rows. Statistic: {o.statistic.describe}. "
                     f"{o.n_resamples} bootstrap resamples (seed {o.seed}).{paired}")
    if o.bounds:
        report.paragraph(_range_text(o)[0].upper() + _range_text(o)[1:] + ".", cls="note")
    r0 = o.first
    d = _decimals(float(r0.standard_error))
    report.table(["estimate", "standard error", "bias", "resamples"],
                 [[_num(r0.estimate, d), _num(r0.standard_error, d), _num(r0.bias, d), str(o.n_resamples)]])
    shown = "bca" if "bca" in o.results else next(iter(o.results))
    res = o.results[shown]
    # column names are user text: a "$" would start matplotlib's math mode (and "$x" fails to parse)
    label = f"{o.statistic.name} of {', '.join(map(str, o.columns))}".replace("$", r"\$")
    if o.bundled and o.statistic.name == "alpha":
        _portfolio_figure(plt, o, res, shown, report)
    else:
        fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
        plot_bootstrap(res, ax=ax, label=label)
        report.figure(fig, f"The bootstrap distribution of {label}, with the estimate (black) and the "
                           f"{res.confidence_level:.0%} {INTERVAL_METHODS[shown]} interval (dashed).")
    if len(o.results) > 1:
        _intervals_figure(plt, o, label, report)
    report.table(["method", f"{o.confidence:.0%} interval"], _rows(o))
    if o.notes:
        report.heading("Notes", level=3)
        report.notes(o.notes)


def _portfolio_figure(plt, o, res, shown, report):
    """ISLR Figure 5.10 on the bundled Portfolio data: the true, the bootstrap and both side by side."""
    from resample._plotting import plot_bootstrap

    sims = _simulated_alphas(o.seed, o.n_rows)
    boot = np.asarray(res.bootstrap_distribution)
    fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(12, 3.9), layout="constrained")
    a1.hist(sims, bins=30, color="#e6a817", alpha=0.75, edgecolor="white")
    a1.axvline(_PORTFOLIO_ALPHA, color="#c0392b", lw=1.6)
    a1.set_title("1,000 data sets from the population", fontsize="medium")
    a1.set_xlabel("alpha")
    a1.set_ylabel("data sets")
    plot_bootstrap(res, ax=a2, bins=30, label="alpha")
    a2.axvline(_PORTFOLIO_ALPHA, color="#c0392b", lw=1.6)
    a2.set_title(f"{len(boot)} bootstrap resamples of one data set", fontsize="medium")
    a3.boxplot([sims, boot], tick_labels=["true", "bootstrap"], widths=0.55)
    a3.axhline(_PORTFOLIO_ALPHA, color="#c0392b", lw=1.6)
    a3.set_ylabel("alpha")
    for a in (a1, a2, a3):
        a.grid(True, alpha=0.3)
    report.figure(fig, (
        "ISLR Figure 5.10. Left: alpha estimated on 1,000 data sets simulated from the true population "
        f"(var X = 1, var Y = 1.25, cov = 0.5, so alpha = 0.6, red). Centre: alpha on {len(boot)} bootstrap "
        f"resamples of the one Portfolio data set, with the {res.confidence_level:.0%} {INTERVAL_METHODS[shown]} interval "
        "(dashed) and the estimate (black). Right: the two distributions side by side; the bootstrap's spread "
        f"(standard error {float(res.standard_error):.3f}) is close to the true one ({np.std(sims, ddof=1):.3f}), "
        "though it is centred on the data's estimate, not on the truth."
    ))


def _intervals_figure(plt, o, label, report):
    """Every method's interval from the same resamples, one row each, with the estimate."""
    fig, ax = plt.subplots(figsize=(6, 0.32 * len(o.results) + 0.9), layout="constrained")
    names = list(o.results)
    for i, m in enumerate(names):
        low, high = (float(v) for v in o.results[m].confidence_interval)
        ax.plot([low, high], [i, i], "-", lw=4, color="#2e8b57", solid_capstyle="butt")
        ax.plot([low, high], [i, i], "|", ms=9, color="#2e8b57")
    ax.axvline(float(o.first.estimate), color="black", lw=1.3)
    ax.set_yticks(range(len(names)), [INTERVAL_METHODS[m] for m in names])
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.invert_yaxis()
    ax.set_xlabel(label)
    ax.grid(True, axis="x", alpha=0.3)
    report.figure(fig, f"The {o.confidence:.0%} intervals of every method from the same resamples; "
                       "the line is the estimate.")
