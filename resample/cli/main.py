"""The ``resample`` command: estimates of test error and bootstrap intervals from a CSV file.

::

    resample                                  # the ISLR chapter 5 walk-through on the bundled data
    resample evaluate [CSV] --target COL [--features COL ...] --model SPEC [--method ...] [--report DIR]
    resample bootstrap [CSV] --statistic SPEC [--columns COL ...] [--report DIR]

Without a CSV file ``evaluate`` runs on ISLR's Auto data (``mpg ~ poly(horsepower, d)``,
d = 1..10: Figures 5.2 and 5.4) and ``bootstrap`` on the Portfolio data (the weight
alpha: Figure 5.10). Every failure (the command line, the data, the model, the output) is one line on
stderr and exit status 2, never a traceback; `--debug` adds the traceback.
"""

import argparse
import shlex
import sys
import textwrap
import traceback
import warnings

from resample._utils.checks import check_confidence_level, check_int, check_n_resamples
from resample.cli.bootstrap import (
    INTERVAL_METHODS,
    bootstrap_report,
    format_bootstrap,
    run_bootstrap,
)
from resample.cli.evaluate import (
    EVAL_METHODS,
    evaluate_report,
    format_evaluate,
    run_evaluate,
)
from resample.cli.evaluate_cost import MAX_REFITS
from resample.cli.formats import FORMATS
from resample.cli.specs import MODELS, STATISTICS, UsageError, parse_model

__all__ = ["build_parser", "main"]

PROG = "resample"


def _argument(convert, what, check):
    """An argparse ``type=``: convert the text, then check it with the core's validators."""

    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        try:
            return check(value)
        except (ValueError, TypeError) as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


_positive_int = _argument(int, "an integer", lambda v: check_int(v, "value", low=1))
_resamples = _argument(int, "an integer", lambda v: check_n_resamples(v, name="value"))


def _nonzero(v):
    if v == 0:  # joblib: "n_jobs == 0 has no meaning", but only once a parallel fit starts
        raise ValueError("value=0 is out of range: pass a number of jobs >= 1, or -1 for all cores (-2: all but one).")
    return v


_n_jobs = _argument(int, "an integer", _nonzero)
_level = _argument(float, "a number", lambda v: check_confidence_level(v, "value"))
_seed = _argument(
    int, "a non-negative integer", lambda v: check_int(v, "value", low=0)
)


def _separator(text):
    """``--sep``: one character; ``tab`` and ``\\t`` mean a tab."""
    sep = {"tab": "\t", "\\t": "\t"}.get(text, text)
    if len(sep) != 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not one character; e.g. --sep ';' or --sep tab")
    return sep


def _columns(values, option):
    """``--features a b`` and ``--features a,b`` both work."""
    if values is None:
        return None
    out = []
    for v in values:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    if not out:
        raise UsageError(f"{option} names no column; write {option} COL [COL ...] or {option} A,B.")
    return out


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (``UsageError``) instead of the usage block and a second line."""

    def error(self, message):
        exc = UsageError(f"{message} (see {self.prog} --help)")
        exc.prog = self.prog  # "resample evaluate": the subcommand whose options were wrong
        raise exc


def _common(p):
    p.add_argument("--seed", type=_seed, default=1, help="seed of every random split and resample (default: 1)")
    p.add_argument("--confidence", type=_level, default=0.95, metavar="LEVEL",
                   help="confidence level of the intervals (default: 0.95)")
    p.add_argument("--report", metavar="DIR", help="also write DIR/index.html: tables and figures in one self-contained page")
    p.add_argument("--overwrite", action="store_true",
                   help="let --report replace the report files in a directory that is not empty")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bars on stderr (default: shown when stderr is a terminal and the run "
                   "needs many fits; --no-progress never)")
    p.add_argument("--debug", action="store_true", help="on failure, show the Python traceback too")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="what is printed: text tables (default), one JSON object, or CSV rows (one per model and "
                   "method, or per interval method); notes go to stderr")
    p.add_argument("--sep", metavar="SEP", default=None, type=_separator,
                   help="the CSV's column separator, e.g. ';' or tab (default: sniffed from the file: , ; tab or |)")


# Long: a declarative list of the command's options, read top to bottom as --help prints them.
def build_parser():
    models = ", ".join(f"{k}" for k in MODELS)
    parser = _Parser(
        prog=PROG,
        description=textwrap.fill(
            "Estimate how well a model predicts new data (validation set, LOOCV, k-fold, bootstrap .632+) "
            "and how uncertain a statistic is (bootstrap intervals). With no subcommand: the ISLR chapter 5 "
            "walk-through on the bundled data.", 79),
        epilog="Examples:\n  resample evaluate\n  resample evaluate cars.csv --target mpg --features horsepower "
        "--model poly:1..10\n  resample evaluate --model knn:1..30 --method kfold loocv --report out\n"
        "  resample bootstrap returns.csv --statistic alpha --columns X Y\n"
        "  resample bootstrap --statistic quantile:0.9 --columns Y",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from resample import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--report", metavar="DIR", dest="top_report",
                        help="write DIR/index.html with every figure (also after a subcommand)")
    parser.add_argument("--overwrite", action="store_true", dest="top_overwrite",
                        help="let --report replace the report files in a directory that is not empty")
    parser.add_argument("--debug", action="store_true", dest="top_debug", help="on failure, show the traceback too")
    sub = parser.add_subparsers(dest="command", metavar="{evaluate,bootstrap}")

    ev = sub.add_parser(
        "evaluate",
        help="estimate the test error of a model or a family of models",
        description=textwrap.fill(
            "Estimate the test error of a model, or of a family of models indexed by a flexibility "
            "parameter, by the validation-set approach, LOOCV, k-fold CV and the bootstrap .632+, and mark the "
            "choice of the one-standard-error rule. Without CSV: ISLR's Auto data, mpg ~ poly(horsepower, 1..10).",
            79),
        epilog=f"Models (--model NAME[:[PARAM=]VALUES]): {models}, or a dotted class path.\n"
        "  poly:1..10               polynomial degree 1 to 10 (logistic with polynomial terms for classes)\n"
        "  ridge:alpha=0.1..100     ten penalties, log-spaced, on standardized features\n"
        "  knn:1..50                K nearest neighbours, K = 1..50\n"
        "  logistic, logistic:1..4  logistic regression (with polynomial terms)\n"
        "  sklearn.tree.DecisionTreeRegressor:max_depth=1..8   any estimator class and one parameter",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ev.add_argument("csv", nargs="?", metavar="CSV", help="a CSV file with a header row, or - for standard input (default: the bundled Auto data)")
    ev.add_argument("--target", metavar="COL", help="the column to predict (default on Auto: mpg)")
    ev.add_argument("--features", nargs="+", metavar="COL",
                    help="predictor columns (default: horsepower on Auto; every other numeric column of a CSV)")
    ev.add_argument("--model", metavar="SPEC", help="a model or family (default: poly:1..10 on Auto, linear on a CSV)")
    ev.add_argument("--method", nargs="+", choices=list(EVAL_METHODS), metavar="METHOD",
                    help=f"which estimates, of {', '.join(EVAL_METHODS)} (default: all)")
    ev.add_argument("--k", type=_positive_int, default=10, help="folds of k-fold CV (default: 10)")
    ev.add_argument("--repeats", type=_positive_int, default=10,
                    help="random halves averaged by the validation-set approach (default: 10)")
    ev.add_argument("--kfold-runs", type=_positive_int, default=None, metavar="R",
                    help="k-fold runs with other shuffles, drawn in the report (default: 9 on Auto, else 1)")
    ev.add_argument("--n-resamples", type=_resamples, default=200, help="bootstrap .632+ fits (default: 200)")
    ev.add_argument("--scoring", metavar="NAME",
                    help="a scikit-learn scorer name (default: neg_mean_squared_error; accuracy for classes)")
    ev.add_argument("--task", choices=["auto", "regression", "classification"], default="auto",
                    help="what the target is (default: classes when it is not numeric or the model is logistic)")
    ev.add_argument("--simpler", choices=["lower", "higher"], default=None,
                    help="for a dotted-path model: which direction of its parameter is simpler (default: lower)")
    ev.add_argument("--impute", nargs="?", const="median", choices=["mean", "median", "most_frequent"], default=None,
                    help="fill in missing feature values with scikit-learn's SimpleImputer, refitted on each training set "
                    "(default strategy: median); without it rows with missing values are left out")
    ev.add_argument("--groups", metavar="COL",
                    help="a column of group labels (e.g. a subject): every split keeps a group's rows together "
                    "(GroupKFold; LOOCV becomes LeaveOneGroupOut); the column is not a feature")
    ev.add_argument("--stratify", action=argparse.BooleanOptionalAction, default=None,
                    help="stratified splits for a class target (StratifiedKFold; bootstrap samples within classes); "
                    "default: stratified folds for classifiers, as scikit-learn's cross_validate; --no-stratify never")
    ev.add_argument("--n-jobs", type=_n_jobs, default=None, metavar="N", help="parallel fits through joblib (-1: all cores)")
    ev.add_argument("--max-refits", type=_positive_int, default=MAX_REFITS, metavar="N",
                    help=f"most LOOCV refits (rows x models) run without asking (default: {MAX_REFITS:,}); above it "
                    "LOOCV is approximate where the model allows (logistic) and left out otherwise")
    _common(ev)

    bs = sub.add_parser(
        "bootstrap",
        help="bootstrap a column statistic: standard error, bias and intervals",
        description="Bootstrap a statistic of one or two columns: its standard error, bias and a confidence "
        "interval by every method (percentile, basic, normal, BCa, studentized). Without CSV: ISLR's "
        "Portfolio data and the weight alpha.",
        epilog="Statistics (--statistic): "
        + "; ".join(f"{k}: {v.describe}" for k, v in STATISTICS.items()),
    )
    bs.add_argument("csv", nargs="?", metavar="CSV", help="a CSV file with a header row, or - for standard input (default: the bundled Portfolio data)")
    bs.add_argument("--statistic", metavar="SPEC", default=None,
                    help="mean, median, std, quantile:Q, corr or alpha (default: alpha on Portfolio, mean on a CSV)")
    bs.add_argument("--columns", nargs="+", metavar="COL", help="the column(s) the statistic takes (default: X Y on Portfolio)")
    bs.add_argument("--method", nargs="+", choices=list(INTERVAL_METHODS), metavar="METHOD",
                    help=f"interval methods, of {', '.join(INTERVAL_METHODS)} (default: all)")
    bs.add_argument("--n-resamples", type=_resamples, default=2000, help="bootstrap resamples (default: 2000)")
    _common(bs)
    return parser


def _warn(command, kept=None):
    """Notes on stderr as they come; also kept in ``kept`` (for ``--format json``)."""

    def warn(message):
        print(f"{PROG} {command}: note: {message}", file=sys.stderr)
        if kept is not None:
            kept.append(message)

    return warn


def _print(args, outcome, command, input_notes):
    """The outcome on stdout in ``--format``; with csv the run's notes go to stderr, as the input's did."""
    from resample.cli import formats

    fmt = getattr(args, "format", "text")
    if fmt == "text":
        print((format_evaluate if command == "evaluate" else format_bootstrap)(outcome))
    elif fmt == "json":
        print(getattr(formats, f"{command}_json")(outcome, input_notes))
    else:
        print(getattr(formats, f"{command}_csv")(outcome))
        for note in outcome.notes:
            print(f"{PROG} {command}: note: {note}", file=sys.stderr)


def _evaluate(args, report=None):
    args.features = _columns(args.features, "--features")
    kept = []
    outcome = run_evaluate(args, warn=_warn("evaluate", kept))
    _print(args, outcome, "evaluate", kept)
    if report is not None:
        evaluate_report(outcome, report)
    return outcome


def _bootstrap(args, report=None):
    args.columns = _columns(args.columns, "--columns")
    kept = []
    outcome = run_bootstrap(args, warn=_warn("bootstrap", kept))
    _print(args, outcome, "bootstrap", kept)
    if report is not None:
        bootstrap_report(outcome, report)
    return outcome


def _write(report, directory, argv, stream=None):
    from resample import __version__

    path = report.write(directory, footer=f"resample {__version__} — {PROG} {shlex.join(argv)}".rstrip())
    print(f"\nreport written to {path}", file=stream or sys.stdout)


def _new_report(title, subtitle, argv):
    from resample.cli.report import Report

    r = Report(title, subtitle)
    r.command(f"$ {PROG} {shlex.join(argv)}".rstrip())
    return r


def _walkthrough(args, argv, target=None):
    """No subcommand: ISLR chapter 5 on the bundled data, through the two subcommands."""
    parser = build_parser()
    report = None
    if target is not None:
        report = _new_report("ISLR chapter 5 on the bundled data", "resampling methods, reproduced by resample", argv)
    print("ISLR chapter 5, reproduced on the bundled data: `resample evaluate` (Auto) and `resample bootstrap` "
          "(Portfolio).\nRun `resample --help` for the commands and `resample evaluate --help` for your own CSV.\n")
    _evaluate(parser.parse_args(["evaluate"]), report)
    print()
    _bootstrap(parser.parse_args(["bootstrap"]), report)
    if report is not None:
        _write(report, target, argv)
    return 0


def _one_line(text):
    return " ".join(str(text).split())


def _failure(exc):
    """The one line that says what went wrong: a usage error as it is, anything else with its type."""
    if isinstance(exc, UsageError):
        return _one_line(exc)
    if isinstance(exc, MemoryError):
        return "out of memory (MemoryError); try fewer rows, --n-resamples or --method, or --n-jobs 1"
    if isinstance(exc, OSError) and exc.filename is not None:
        return _one_line(f"{exc.strerror or exc}: {exc.filename!r}")
    return _one_line(f"{type(exc).__name__}: {exc}") + " (run with --debug for the traceback)"


def _check_report_possible():
    """``--report`` needs matplotlib: say so before any work, not after the tables."""
    try:
        from resample._plotting import import_pyplot

        import_pyplot()
    except ImportError as exc:
        raise UsageError(f"--report needs matplotlib for its figures: {exc}") from None


def _run(args, argv):
    command = args.command
    target = None
    if args.report:  # checked before any data is read or any model fitted
        from resample.cli.output import prepare_report_dir

        target = prepare_report_dir(args.report, overwrite=args.overwrite)
    try:
        with warnings.catch_warnings():
            # numbers the user should know about go into the printed notes instead
            warnings.simplefilter("ignore", FutureWarning)
            if args.report:
                _check_report_possible()
            if command is None:
                return _walkthrough(args, argv, target)
            if command == "evaluate":
                _preflight_model(args)
            report = None
            if target is not None:
                title = "Estimated test error" if command == "evaluate" else "Bootstrap of a statistic"
                report = _new_report(title, None, argv)
            (_evaluate if command == "evaluate" else _bootstrap)(args, report)
            if report is not None:  # on stderr when stdout is JSON or CSV, which it would spoil
                _write(report, target, argv, None if getattr(args, "format", "text") == "text" else sys.stderr)
    except BaseException:
        if target is not None:
            target.discard()  # a run that failed leaves no empty directory behind
        raise
    return 0


def _preflight_model(args):
    """Import, construct and validate a --model before the data is read (its task is settled later)."""
    if args.model is None:
        return
    task = None if args.task == "auto" else args.task
    name = args.model.partition(":")[0].strip()
    if args.simpler is not None and name in MODELS:
        return  # run_evaluate explains the conflict
    parse_model(args.model, task=task, simpler=args.simpler)


def main(argv=None):
    """Run the command; returns the exit status: 0, 2 for any failure (one line on stderr), 130 on Ctrl-C.

    ``--debug`` shows the traceback of a failure as well.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    command = None
    try:
        args = build_parser().parse_args(argv)
        command = args.command
        # `resample --report DIR evaluate` means the same as `resample evaluate --report DIR`
        args.report = getattr(args, "report", None) or args.top_report
        args.overwrite = getattr(args, "overwrite", False) or args.top_overwrite
        debug = getattr(args, "debug", False) or args.top_debug
        return _run(args, argv)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `resample ... | head`: the reader left; say nothing more (Python's documented recipe)
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # noqa: BLE001 - every failure of the command is one line and status 2
        if debug:
            traceback.print_exc()
        prog = getattr(exc, "prog", None) or f"{PROG}{' ' + command if command else ''}"
        print(f"{prog}: error: {_failure(exc)}", file=sys.stderr)
        return 2
