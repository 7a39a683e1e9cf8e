"""``resample evaluate``: test-error estimates of a model family by every method, as text and a report.

This module runs the command (reads the data, builds the models, fits every method); the
methods are in :mod:`~resample.cli.evaluate_methods`, the printed tables in
:mod:`~resample.cli.evaluate_text`, the report in :mod:`~resample.cli.evaluate_figures`.
"""

import warnings

import numpy as np

from resample.cli.data import (
    check_columns,
    check_numeric,
    check_target,
    drop_missing,
    infer_task,
    numeric_columns,
    read_table,
    source_name,
    text_columns_note,
)
from resample.cli.evaluate_cost import guard_loocv
from resample.cli.evaluate_figures import evaluate_report
from resample.cli.evaluate_methods import EVAL_METHODS, choose_methods
from resample.cli.evaluate_notes import (
    CommandNote,
    edge_notes,
    library_notes,
    warning_notes,
    zero_se_notes,
)
from resample.cli.evaluate_outcome import EvaluateOutcome
from resample.cli.evaluate_splits import (
    check_group_methods,
    check_groups,
    check_stratify,
)
from resample.cli.evaluate_text import format_evaluate
from resample.cli.specs import MODELS, UsageError, parse_model

__all__ = [
    "EVAL_METHODS",
    "LONG_RUN_FITS",
    "EvaluateOutcome",
    "evaluate_report",
    "format_evaluate",
    "run_evaluate",
    "show_progress",
]


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
        labels = {args.target, getattr(args, "groups", None)}  # the group column is not a feature
        others = [c for c in table.columns if c not in labels]
        numeric = [c for c in numeric_columns(table) if c not in labels]
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


def _fit(cv, X, y, notes, **fit_kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cv.fit(X, y, **fit_kw)
        except ValueError as exc:  # bad input found by the library's own checks
            raise UsageError(str(exc)) from exc
    warning_notes(caught, notes)
    return cv.result_


#: Fits from which a run is long enough for a progress bar by default (on a terminal).
LONG_RUN_FITS = 300


def _count_fits(args, methods, n, n_models, runs):
    """An upper bound on the model fits of a run (closed forms need fewer)."""
    per = {"validation": args.repeats, "loocv": getattr(args, "n_groups", 0) or n, "kfold": args.k * runs,
           "bootstrap": args.n_resamples}
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


def _family(args, table, source, warn):
    """The model family of ``--model`` and the rows it is fitted on (missing values left out or imputed)."""
    target_task = infer_task(table[args.target], "auto", ())
    task = None if args.task == "auto" else args.task
    name = args.model.partition(":")[0].strip()
    if args.simpler is not None and name in MODELS:
        raise UsageError(f"--simpler is for dotted-path models; {name} knows that a "
                         f"{MODELS[name].simpler} {MODELS[name].param} is simpler.")
    family = parse_model(args.model, task=task, simpler=args.simpler, default_task=target_task)
    impute = getattr(args, "impute", None)
    groups = [args.groups] if getattr(args, "groups", None) in table.columns else []
    if impute:
        table = drop_missing(table, [args.target, *groups], warn, hint="")  # a target or group is never imputed
        family = _with_imputer(family, impute)
    else:
        table = drop_missing(table, [args.target, *groups, *args.features], warn)
    check_target(table[args.target], args.target, family.task, source)
    if family.task == "regression" and args.task == "auto" and table[args.target].nunique() == 2:
        warn(f"--target {args.target!r} holds two values and is treated as a number (regression); "
             "for classes pass --task classification or --model logistic")
    return family, table


def _fit_methods(args, family, methods, X, y, groups, common, notes):
    """Every method on every model: the results and the one-SE choices, by method key."""
    from resample._model_selection.selection import select_one_standard_error

    results, choices = {}, {}
    for key in methods:
        method = EVAL_METHODS[key]
        models = family.refit_estimators if (method.refits and family.refit_estimators) else family.estimators
        if models is family.refit_estimators:
            notes.append(CommandNote(
                "standardized_refit", f"{EVAL_METHODS[key].title(args).split(':')[0]} refits the polynomial on "
                "standardized features: the same model, but LinearRegression's solver loses the raw powers"))
        kw = method.fit_kw(args, y, groups)
        results[key] = [_fit(method.make(est, args, common, args.seed), X, y, notes, **kw) for est in models]
        choices[key] = (select_one_standard_error(results[key], values=list(family.values),
                                                  simpler=family.kind.simpler) if len(family.values) > 1 else None)
    return results, choices


def _kfold_runs(args, family, runs, X, y, groups, common, notes):
    """k-fold CV again with ``runs - 1`` other shuffles, for the report's ISLR Figure 5.4."""
    seeds = np.random.default_rng(args.seed).integers(0, 2**31 - 1, size=runs - 1)
    method = EVAL_METHODS["kfold"]
    kw = method.fit_kw(args, y, groups)
    return [[_fit(method.make(est, args, common, int(s)), X, y, notes, **kw) for est in family.estimators]
            for s in seeds]


def run_evaluate(args, warn):
    """Load, check, fit every method on every model; returns an :class:`EvaluateOutcome`."""
    table, source, bundled = _load(args, warn)
    family, table = _family(args, table, source, warn)
    scoring = _check_scoring(args, family.task)
    groups = check_groups(args, table, source)
    methods = check_group_methods(args, choose_methods(args, scoring, warn), warn)
    n = len(table)
    if "kfold" in methods and not 2 <= args.k <= n:
        raise UsageError(f"--k {args.k} is out of range: k-fold needs between 2 and {n} folds (the rows of the data).")
    X, y = table[list(args.features)], table[args.target]
    check_stratify(args, y, family.task, methods, warn)
    notes = []
    methods = guard_loocv(args, family, methods, X, y, scoring, warn, notes)  # never 200,000 refits silently
    runs = args.kfold_runs or (9 if bundled else 1)
    progress = show_progress(args.progress, _count_fits(args, methods, n, len(family.values), runs))
    common = dict(scoring=scoring, refit=False, n_jobs=args.n_jobs, progress=progress)
    results, choices = _fit_methods(args, family, methods, X, y, groups, common, notes)
    names = {k: EVAL_METHODS[k].title(args).split(":")[0] for k in methods}
    notes += edge_notes(family, choices, names)
    notes += zero_se_notes(results, family, names)
    extra = _kfold_runs(args, family, runs, X, y, groups, common, notes) if "kfold" in methods and runs > 1 else []
    library_notes(results, notes)
    impute = getattr(args, "impute", None)
    return EvaluateOutcome(
        source=source, n_rows=n, target=args.target, features=list(args.features), family=family, scoring=scoring,
        confidence=args.confidence, titles={k: EVAL_METHODS[k].title(args) for k in methods}, results=results,
        choices=choices, kfold_runs=extra, notes=notes, bundled=bundled, groups=getattr(args, "groups", None),
        imputed=f"SimpleImputer(strategy={impute!r}) fitted on each training set" if impute else "",
    )
