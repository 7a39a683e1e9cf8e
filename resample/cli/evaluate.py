"""``resample evaluate``: test-error estimates of a model family by every method, as text and a report."""

import math
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from resample.cli.data import (
    check_columns, check_numeric, check_target, drop_missing, infer_task, numeric_columns, read_table, source_name,
    text_columns_note,
)
from resample.cli.specs import MODELS, UsageError, parse_model
from resample._utils.notes import note_kind
from resample.exceptions import NoteKind

__all__ = ["EVAL_METHODS", "EvaluateOutcome", "run_evaluate", "format_evaluate", "evaluate_report"]

#: Notes of the library the command leaves out: how the numbers were computed, not what they mean,
#: and NO_ADJUSTMENT, about an option the command does not offer (it never refits on all rows).
_SILENT_NOTES = frozenset({NoteKind.STATELESS_PREFIX, NoteKind.BATCHED_FOLDS, NoteKind.METHOD,
                           NoteKind.NO_ADJUSTMENT})

#: Scorers the bootstrap .632+ can combine (a mean of a per-sample loss with a no-information rate).
_BOOTSTRAP_SCORINGS = ("neg_mean_squared_error", "accuracy", "neg_log_loss")

#: Short names of the errors in the tables (the scorer's own name otherwise).
_SHORT = {
    "neg_mean_squared_error": "MSE",
    "neg_root_mean_squared_error": "RMSE",
    "neg_mean_absolute_error": "MAE",
    "neg_log_loss": "log loss",
    "accuracy": "error rate",
}


@dataclass(frozen=True)
class EvalMethod:
    """One row of the method table: how to build its CV estimator and how to name it."""

    key: str
    title: Callable
    make: Callable
    refits: bool = False  # always refits: use the family's numerically safer equivalents


def _validation(est, args, common, seed):
    from resample._model_selection.cv import ValidationSetCV

    return ValidationSetCV(est, test_size=0.5, n_repeats=args.repeats, random_state=seed, **common)


def _loocv(est, args, common, seed):
    from resample._model_selection.cv import LeaveOneOutCV

    return LeaveOneOutCV(est, **common)


def _kfold(est, args, common, seed):
    from resample._model_selection.cv import KFoldCV

    return KFoldCV(est, n_splits=args.k, shuffle=True, random_state=seed, **common)


def _bootstrap632(est, args, common, seed):
    from resample._model_selection.bootstrap_cv import BootstrapCV

    return BootstrapCV(est, n_resamples=args.n_resamples, method=".632+", random_state=seed, **common)


EVAL_METHODS = {
    "validation": EvalMethod(
        "validation", lambda a: f"validation set: {a.repeats} random halves (seed {a.seed}), averaged", _validation
    ),
    "loocv": EvalMethod("loocv", lambda a: "LOOCV: leave-one-out cross-validation", _loocv),
    "kfold": EvalMethod("kfold", lambda a: f"{a.k}-fold CV: one shuffle (seed {a.seed})", _kfold),
    "bootstrap": EvalMethod(
        "bootstrap", lambda a: f"bootstrap .632+: {a.n_resamples} resamples (seed {a.seed})", _bootstrap632,
        refits=True,
    ),
}


@dataclass
class EvaluateOutcome:
    """Everything ``evaluate`` computed, for the text table and the report."""

    source: str
    n_rows: int
    target: str
    features: list
    family: object
    scoring: str
    confidence: float
    titles: dict
    results: dict  # method key -> list of CVResult, one per model
    choices: dict  # method key -> OneStandardErrorChoice or None
    kfold_runs: list = field(default_factory=list)  # extra k-fold runs: lists of CVResult
    notes: list = field(default_factory=list)
    bundled: bool = False
    imputed: str = ""  # how missing feature values are filled in (empty: rows with any are left out)

    @property
    def error_name(self):
        return _SHORT.get(self.scoring, self.scoring)

    def describe_model(self):
        fam = self.family
        feats = feature_summary(self.features)
        if fam.kind.name == "poly" and fam.task == "regression":
            inner = f"poly({feats}, d)" if len(fam.values) > 1 else f"poly({feats}, {fam.values[0]})"
        elif fam.kind.param is not None and len(fam.values) > 1:
            inner = f"{fam.kind.name}({feats}; {fam.kind.param})"
        else:
            inner = f"{fam.kind.name}({feats})" if fam.kind.param is None else f"{fam.kind.name}({feats}; {fam.label(fam.values[0])})"
        return f"{self.target} ~ {inner}"

    def describe_values(self):
        fam = self.family
        if fam.kind.param is None or len(fam.values) == 1:
            return ""
        vals = [v for v in fam.values]
        if fam.kind.integer and vals == list(range(vals[0], vals[-1] + 1)):
            return f"{fam.kind.param} = {vals[0]}..{vals[-1]}"
        shown = [f"{v:g}" if isinstance(v, float) else str(v) for v in vals]
        if len(vals) > 5:  # the table lists them all; a title names the range
            return f"{fam.kind.param} = {shown[0]}..{shown[-1]} ({len(vals)} values)"
        return f"{fam.kind.param} in {{{', '.join(shown)}}}"


def feature_summary(features, most=4):
    """The features for a title: their names, or ``"30 features"`` when there are more than ``most``.

    Examples
    --------
    >>> feature_summary(["horsepower"])
    'horsepower'
    >>> feature_summary([f"x{i}" for i in range(30)])
    '30 features'
    """
    return ", ".join(map(str, features)) if len(features) <= most else f"{len(features)} features"


def feature_list(features, most=6):
    """The features for a data line: all of a few, or the count with the first and last ones.

    Examples
    --------
    >>> feature_list([f"x{i}" for i in range(30)])
    '30 (x0, x1, x2, ..., x28, x29)'
    """
    names = list(map(str, features))
    if len(names) <= most:
        return ", ".join(names)
    return f"{len(names)} ({', '.join(names[:3])}, ..., {', '.join(names[-2:])})"


def _load(args, warn):
    from resample.datasets import load_auto

    if args.csv is None:
        table, source, bundled = load_auto(), "ISLR's Auto data (bundled)", True
        args.target = args.target or "mpg"
        if args.features is None:
            args.features = ["horsepower"]
        args.model = args.model or "poly:1..10"
    else:
        table, source, bundled = read_table(args.csv, args.sep), source_name(args.csv), False
        if args.target is None:
            raise UsageError(f"--target is required with a CSV file: name the column to predict; the columns of {source} are: "
                             f"{', '.join(map(str, table.columns))}.")
        args.model = args.model or "linear"
    check_columns(table, [args.target], "--target", source)
    if args.features is None:
        others = [c for c in table.columns if c != args.target]
        numeric = [c for c in numeric_columns(table) if c != args.target]
        left_out = [c for c in others if c not in numeric]
        if not numeric:
            raise UsageError(f"{source} has no numeric column besides --target {args.target!r}; pass --features.")
        if left_out:
            warn(text_columns_note(table, left_out))
        args.features = numeric
    else:
        check_columns(table, args.features, "--features", source)
        if args.target in args.features:
            raise UsageError(f"--features includes the target {args.target!r}; a model cannot use the column it predicts.")
        if len(set(args.features)) != len(args.features):
            raise UsageError(f"--features names a column twice: {' '.join(args.features)}.")
        check_numeric(table, args.features, "--features", source)
    return table, source, bundled


def _check_scoring(args, task):
    from sklearn.metrics import get_scorer_names

    if args.scoring is None:
        return "neg_mean_squared_error" if task == "regression" else "accuracy"
    if args.scoring not in get_scorer_names():
        raise UsageError(
            f"--scoring {args.scoring!r} is not a scikit-learn scorer name; e.g. neg_mean_squared_error, "
            "neg_mean_absolute_error, r2, accuracy, neg_log_loss, roc_auc (all: sklearn.metrics.get_scorer_names())."
        )
    return args.scoring


def _methods(args, scoring, warn):
    chosen = list(dict.fromkeys(args.method)) if args.method else list(EVAL_METHODS)
    if "bootstrap" in chosen and scoring not in _BOOTSTRAP_SCORINGS:
        if args.method:
            raise UsageError(
                f"--method bootstrap (.632+) needs a loss with a no-information rate: --scoring one of "
                f"{', '.join(_BOOTSTRAP_SCORINGS)}; got {scoring!r}. Drop bootstrap from --method or change --scoring."
            )
        warn(f"bootstrap .632+ left out: it is not defined for --scoring {scoring}")
        chosen.remove("bootstrap")
    return chosen


def _fit(cv, X, y, notes):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cv.fit(X, y)
        except ValueError as exc:  # bad input found by the library's own checks
            raise UsageError(str(exc)) from exc
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning)):
            continue
        if note_kind(w.message) is NoteKind.SHORTCUT_DISAGREES:  # the result's note says it better
            continue
        text = str(w.message).split(";")[0].split(". ")[0]
        name = w.category.__name__
        msg = f"{name}: {text}"
        if msg not in notes:
            notes.append(msg)
    return cv.result_


#: Fits from which a run is long enough for a progress bar by default (on a terminal).
LONG_RUN_FITS = 300


def _count_fits(args, methods, n, n_models, runs):
    """An upper bound on the model fits of a run (closed forms need fewer)."""
    per = {"validation": args.repeats, "loocv": n, "kfold": args.k * runs, "bootstrap": args.n_resamples}
    return n_models * sum(per[m] for m in methods)


def show_progress(option, fits, stream=None):
    """``--progress`` as given; by default, a bar when ``stream`` (stderr) is a terminal and the run is long.

    Examples
    --------
    >>> import io
    >>> show_progress(None, 10_000, io.StringIO()), show_progress(True, 1), show_progress(False, 10_000)
    (False, True, False)
    """
    import sys

    if option is not None:
        return option
    stream = sys.stderr if stream is None else stream
    return bool(getattr(stream, "isatty", lambda: False)()) and fits >= LONG_RUN_FITS


def edge_notes(family, choices, names):
    """A note for each method whose lowest estimate or one-SE choice is the first or last value of the grid.

    There the grid may stop short of a better model: the note says which end and how to look past it.
    """
    values = list(family.values)
    if len(values) < 3:
        return []
    ordered = sorted(values)
    ends = {ordered[0]: "smallest", ordered[-1]: "largest"}
    notes = []
    for key, choice in choices.items():
        if choice is None:
            continue
        for what, value in (("lowest estimate", choice.best_value), ("one-SE choice", choice.value)):
            if value in ends:
                notes.append(
                    f"{names[key]}: the {what} is at the edge of the grid ({family.label(value)}, the {ends[value]} "
                    f"tried); a better model may lie beyond it: extend the range in --model"
                )
                break
    return notes


def zero_se_notes(results, family, names):
    """A note for every estimate whose standard error is exactly zero: every split scored the same."""
    notes = []
    for key, res in results.items():
        # "exactly": equal split scores, up to the rounding of their mean (1e-12)
        zero = [family.label(v) for v, r in zip(family.values, res) if abs(r.standard_error) <= 1e-12]
        if zero:
            which = f" ({', '.join(zero[:5])}{', ...' if len(zero) > 5 else ''})" if family.kind.param else ""
            notes.append(
                f"{names[key]}{which}: the standard error is exactly 0 because every split scored the same, so the "
                "interval is one point; that says the splits agree, "
                "not that the estimate is certain"
            )
    return notes


def _with_imputer(family, strategy):
    """The family with scikit-learn's SimpleImputer as the first step of every model.

    Inside the pipeline the imputer is refitted on each training set, so the held-out
    rows never inform the values filled in (imputing the whole table first would).
    """
    from dataclasses import replace

    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    def wrap(models):
        return tuple(make_pipeline(SimpleImputer(strategy=strategy), m) for m in models)

    return replace(family, estimators=wrap(family.estimators), refit_estimators=wrap(family.refit_estimators))


def run_evaluate(args, warn):
    """Load, check, fit every method on every model; returns an :class:`EvaluateOutcome`."""
    from resample._model_selection.selection import select_one_standard_error

    table, source, bundled = _load(args, warn)
    target_task = infer_task(table[args.target], "auto", ())
    task = None if args.task == "auto" else args.task
    name = args.model.partition(":")[0].strip()
    if args.simpler is not None and name in MODELS:
        raise UsageError(f"--simpler is for dotted-path models; {name} knows that a "
                         f"{MODELS[name].simpler} {MODELS[name].param} is simpler.")
    family = parse_model(args.model, task=task, simpler=args.simpler, default_task=target_task)
    impute = getattr(args, "impute", None)
    if impute:
        table = drop_missing(table, [args.target], warn, hint="")  # a target is never imputed
        family = _with_imputer(family, impute)
    else:
        table = drop_missing(table, [args.target, *args.features], warn)
    check_target(table[args.target], args.target, family.task, source)
    if family.task == "regression" and args.task == "auto" and table[args.target].nunique() == 2:
        warn(f"--target {args.target!r} holds two values and is treated as a number (regression); "
             "for classes pass --task classification or --model logistic")
    scoring = _check_scoring(args, family.task)
    methods = _methods(args, scoring, warn)
    n = len(table)
    if "kfold" in methods and not 2 <= args.k <= n:
        raise UsageError(f"--k {args.k} is out of range: k-fold needs between 2 and {n} folds (the rows of the data).")
    X, y = table[list(args.features)], table[args.target]
    runs = args.kfold_runs or (9 if bundled else 1)
    progress = show_progress(args.progress, _count_fits(args, methods, n, len(family.values), runs))
    common = dict(scoring=scoring, refit=False, n_jobs=args.n_jobs, progress=progress)
    notes = []
    results, choices = {}, {}
    for key in methods:
        method = EVAL_METHODS[key]
        models = family.refit_estimators if (method.refits and family.refit_estimators) else family.estimators
        if models is family.refit_estimators:
            notes.append(f"{EVAL_METHODS[key].title(args).split(':')[0]} refits the polynomial on standardized "
                         "features: the same model, but LinearRegression's solver loses the raw powers")
        results[key] = [_fit(method.make(est, args, common, args.seed), X, y, notes) for est in models]
        if len(family.values) > 1:
            choices[key] = select_one_standard_error(results[key], values=list(family.values), simpler=family.kind.simpler)
        else:
            choices[key] = None
    notes += edge_notes(family, choices, {k: EVAL_METHODS[k].title(args).split(":")[0] for k in choices})
    notes += zero_se_notes(results, family, {k: EVAL_METHODS[k].title(args).split(":")[0] for k in results})
    extra = []
    if "kfold" in methods and runs > 1:
        seeds = np.random.default_rng(args.seed).integers(0, 2**31 - 1, size=runs - 1)
        for s in seeds:
            extra.append([_fit(_kfold(est, args, common, int(s)), X, y, notes) for est in family.estimators])
    for res in results.values():
        for r in res:
            for note in r.notes:
                kind = note_kind(note)
                if kind in _SILENT_NOTES or note in notes:
                    continue
                if kind is NoteKind.SHORTCUT_DISAGREES:
                    note = ("closed form: the raw polynomial design is ill-conditioned; the exact least-squares "
                            "numbers are reported (ISLR's), which LinearRegression's own solver would miss")
                    if note in notes:
                        continue
                notes.append(note)
    return EvaluateOutcome(
        source=source, n_rows=n, target=args.target, features=list(args.features), family=family, scoring=scoring,
        confidence=args.confidence, titles={k: EVAL_METHODS[k].title(args) for k in methods}, results=results,
        choices=choices, kfold_runs=extra, notes=notes, bundled=bundled,
        imputed=f"SimpleImputer(strategy={impute!r}) fitted on each training set" if impute else "",
    )


# ------------------------------------------------------------------ text


def _to_error(scoring):
    from resample._plotting import as_error

    return as_error(scoring)[0]


def _decimals(values, significant=2):
    from resample._utils.formatting import decimals_for

    return decimals_for(values, significant=significant)


#: Digits of the SE shown in a family's table: the models are scored on the same splits, so
#: the differences between rows are known better than each row's SE, and one more digit
#: keeps them apart (ISLR's 19.25 against 19.33 at an SE near 2).
_FAMILY_DIGITS = 3


def _row_numbers(result, scoring, level):
    from resample._model_selection.results import normal_interval

    f = _to_error(scoring)
    est = f(result.estimate)
    se = result.standard_error
    low, high = sorted((f(v) for v in normal_interval(result.estimate, se, level)))
    return est, se, low, high


def _table_rows(outcome, key):
    """Rows ``[label, estimate, se, interval]`` of one method, formatted, and the chosen row."""
    level = outcome.confidence
    nums = [_row_numbers(r, outcome.scoring, level) for r in outcome.results[key]]
    d = _decimals([x[1] for x in nums], _FAMILY_DIGITS)
    rows = []
    for value, (est, se, low, high) in zip(outcome.family.values, nums):
        label = outcome.family.label(value).split("=", 1)[-1] if outcome.family.kind.param else outcome.family.kind.name
        rows.append([label, *_numbers_text(est, se, low, high, d)])
    choice = outcome.choices.get(key)
    return rows, (choice.index if choice is not None else None)


def _choice_text(outcome, key):
    from resample._utils.formatting import format_number

    choice = outcome.choices.get(key)
    if choice is None:
        return ""
    f = _to_error(outcome.scoring)
    fam = outcome.family
    d = _decimals(list(choice.standard_errors), _FAMILY_DIGITS)
    best = format_number(f(choice.estimates[choice.best_index]), d)
    limit = format_number(f(choice.threshold), d)
    word = "at most" if outcome.scoring.startswith("neg_") or outcome.scoring == "accuracy" else "at least"

    def label(v):
        return fam.label(v).replace("=", " ")

    return (
        f"one-standard-error rule: {label(choice.value)} (best: {label(choice.best_value)} with "
        f"{outcome.error_name} {best}; within one SE: {outcome.error_name} {word} {limit}; "
        f"{fam.kind.simpler} {fam.kind.param} is simpler)"
    )


def _numbers_text(est, se, low, high, d):
    """Estimate, SE and interval as text with ``d`` decimals (n/a where the SE is not finite)."""
    from resample._utils.formatting import format_interval, format_number

    finite = math.isfinite(se)
    return [format_number(est, d), format_number(se, d), format_interval(low, high, d) if finite else "n/a"]


def _single_rows(outcome):
    rows = []
    for key, res in outcome.results.items():
        est, se, low, high = _row_numbers(res[0], outcome.scoring, outcome.confidence)
        rows.append([outcome.titles[key], *_numbers_text(est, se, low, high, _decimals([se]))])
    return rows


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _text_table(header, rows, mark=None, indent="  "):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    numeric = all(_is_number(r[0]) for r in rows)
    lines = []
    for j, r in enumerate([header, *rows]):
        cells = [str(c).ljust(widths[0]) if i == 0 and not numeric else str(c).rjust(widths[i]) for i, c in enumerate(r)]
        flag = "  <- one-SE choice" if mark is not None and j - 1 == mark else ""
        lines.append(indent + "  ".join(cells) + flag)
    return "\n".join(lines)


def _headline(outcome):
    values = outcome.describe_values()
    return f"Estimated test {outcome.error_name} of {outcome.describe_model()}" + (f", {values}" if values else "")


def _level_text(outcome):
    return f"{outcome.confidence:.0%} interval"


def format_evaluate(outcome):
    """The printed report of ``resample evaluate``."""
    fam = outcome.family
    lines = [
        _headline(outcome),
        f"data: {outcome.source}, {outcome.n_rows} rows; target {outcome.target} ({fam.task}); "
        f"features: {feature_list(outcome.features)}" + (f"; missing values: {outcome.imputed}" if outcome.imputed else ""),
        "standard errors are naive (they ignore that training sets overlap); "
        f"intervals: estimate -/+ z * SE",
    ]
    err = outcome.error_name
    if len(fam.values) == 1:
        lines.append("")
        lines.append(_text_table(["method", err, "SE", _level_text(outcome)], _single_rows(outcome)))
    else:
        for key in outcome.results:
            rows, mark = _table_rows(outcome, key)
            lines += ["", outcome.titles[key]]
            lines.append(_text_table([fam.kind.param, err, "SE", _level_text(outcome)], rows, mark))
            lines.append("  " + _choice_text(outcome, key))
    if outcome.bundled and fam.kind.name == "poly":
        lines += ["", "ISLR's LOOCV figures for d = 1..5: 24.23, 19.25, 19.33, 19.42, 19.03 (section 5.3.2)"]
    if outcome.notes:
        lines += ["", "notes:"] + [f"  - {n}" for n in outcome.notes]
    return "\n".join(lines)


# ------------------------------------------------------------------ report


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
        est, se, low, high = _row_numbers(r, outcome.scoring, outcome.confidence)
        jitter = rng.uniform(-0.18, 0.18, size=len(scores))
        ax.plot(scores, i + jitter, ".", color=color, alpha=0.55, ms=4 if len(scores) > 50 else 6,
                label="split scores" if i == 0 else "_nolegend_")
        if math.isfinite(se):
            ax.plot([low, high], [i, i], "-", color=color, lw=6, alpha=0.35, solid_capstyle="butt",
                    label=f"naive {_level_text(outcome)}" if i == 0 else "_nolegend_")
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


def _family_figure(outcome, plt):
    from resample._plotting import plot_family

    keys = list(outcome.results)
    ncols = min(len(keys), 2)
    nrows = math.ceil(len(keys) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.4 * nrows + 0.5), layout="constrained",
                             sharey=True, squeeze=False)
    for ax, key in zip(axes.flat, keys):
        plot_family(outcome.results[key], ax=ax, label="estimate ± 1 SE", **_family_axes(outcome))
        _finish_x(ax, outcome)
        ax.set_title(outcome.titles[key].split(":")[0], fontsize="medium")
    for ax in list(axes.flat)[len(keys):]:
        ax.set_visible(False)
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


def _figures(outcome):
    """(figure, caption) pairs for the report."""
    from resample._plotting import import_pyplot

    plt = import_pyplot()
    if len(outcome.family.values) == 1:
        return [(_single_model_figure(outcome, plt),
                 f"Score of every split (dots), the estimate (black) and its naive {_level_text(outcome)} (bar), "
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
    return figs


def evaluate_report(outcome, report):
    """Add the evaluate section (tables, figures, notes) to a :class:`~resample.cli.report.Report`."""
    fam = outcome.family
    report.heading(_headline(outcome))
    report.paragraph(
        f"Data: {outcome.source}, {outcome.n_rows} rows. Target: {outcome.target} ({fam.task}). "
        f"Features: {', '.join(map(str, outcome.features))}. Model: {fam.spec}, {fam.description()}. "
        + (f"Missing values: {outcome.imputed}. " if outcome.imputed else "") +
        f"Score: {outcome.scoring}, shown as {outcome.error_name}."
    )
    report.paragraph(
        "Standard errors are naive: they treat the splits as independent, which they are not, so the "
        f"{outcome.confidence:.0%} intervals (estimate ± z·SE) tend to be too narrow.", cls="note",
    )
    for fig, caption in _figures(outcome):
        report.figure(fig, caption)
    err = outcome.error_name
    if len(fam.values) == 1:
        report.table(["method", err, "SE", _level_text(outcome)], _single_rows(outcome))
    else:
        for key in outcome.results:
            rows, mark = _table_rows(outcome, key)
            report.heading(outcome.titles[key], level=3)
            report.table([fam.kind.param, err, "SE", _level_text(outcome)], rows, highlight=mark)
            report.paragraph(_choice_text(outcome, key), cls="note")
    if outcome.notes:
        report.heading("Notes", level=3)
        report.notes(outcome.notes)
