"""The printed report of ``resample evaluate``: tables of estimates, SEs and intervals, the one-SE choice."""

import math

from resample.cli.evaluate_outcome import feature_list

__all__ = [
    "choice_text",
    "format_evaluate",
    "interval_text",
    "headline",
    "level_text",
    "row_numbers",
    "single_rows",
    "table_rows",
    "text_table",
]


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


#: The range of each error the tables show (a loss is never negative; a rate lies in [0, 1]).
_ERROR_RANGE = {
    "neg_mean_squared_error": (0.0, math.inf),
    "neg_root_mean_squared_error": (0.0, math.inf),
    "neg_mean_absolute_error": (0.0, math.inf),
    "neg_log_loss": (0.0, math.inf),
    "accuracy": (0.0, 1.0),  # shown as the error rate
    "roc_auc": (0.0, 1.0),
}


def row_numbers(result, scoring, level):
    """Estimate, SE and the naive interval in the units shown, the interval cut to the error's range.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> r = SimpleNamespace(estimate=0.98, standard_error=0.02)   # accuracy 0.98: error rate 0.02
    >>> [round(v, 4) for v in row_numbers(r, "accuracy", 0.95)]
    [0.02, 0.02, 0.0, 0.0592]
    """
    from resample._model_selection.results import normal_interval

    f = _to_error(scoring)
    est = f(result.estimate)
    se = result.standard_error
    low, high = sorted(f(v) for v in normal_interval(result.estimate, se, level))
    floor, ceiling = _ERROR_RANGE.get(scoring, (-math.inf, math.inf))
    return est, se, min(max(low, floor), ceiling), max(min(high, ceiling), floor)


def interval_text(outcome):
    """How the intervals are made, for the header line and the report."""
    floor, ceiling = _ERROR_RANGE.get(outcome.scoring, (-math.inf, math.inf))
    if math.isinf(floor) and math.isinf(ceiling):
        return "estimate -/+ z * SE"
    ends = f"[{floor:g}, {ceiling:g}]".replace("inf", "∞")
    return f"estimate -/+ z * SE, cut to the range of the {outcome.error_name}, {ends}"


def table_rows(outcome, key):
    """Rows ``[label, estimate, se, interval]`` of one method, formatted, and the chosen row."""
    level = outcome.confidence
    nums = [row_numbers(r, outcome.scoring, level) for r in outcome.results[key]]
    d = _decimals([x[1] for x in nums], _FAMILY_DIGITS)
    rows = []
    for value, (est, se, low, high) in zip(outcome.family.values, nums):
        label = outcome.family.label(value).split("=", 1)[-1] if outcome.family.kind.param else outcome.family.kind.name
        rows.append([label, *_numbers_text(est, se, low, high, d)])
    choice = outcome.choices.get(key)
    return rows, (choice.index if choice is not None else None)


def choice_text(outcome, key):
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


def single_rows(outcome):
    rows = []
    for key, res in outcome.results.items():
        est, se, low, high = row_numbers(res[0], outcome.scoring, outcome.confidence)
        rows.append([outcome.titles[key], *_numbers_text(est, se, low, high, _decimals([se]))])
    return rows


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def text_table(header, rows, mark=None, indent="  "):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    numeric = all(_is_number(r[0]) for r in rows)
    lines = []
    for j, r in enumerate([header, *rows]):
        cells = [str(c).ljust(widths[0]) if i == 0 and not numeric else str(c).rjust(widths[i]) for i, c in enumerate(r)]
        flag = "  <- one-SE choice" if mark is not None and j - 1 == mark else ""
        lines.append(indent + "  ".join(cells) + flag)
    return "\n".join(lines)


def headline(outcome):
    values = outcome.describe_values()
    return f"Estimated test {outcome.error_name} of {outcome.describe_model()}" + (f", {values}" if values else "")


def level_text(outcome):
    return f"{outcome.confidence:.0%} interval"


def format_evaluate(outcome):
    """The printed report of ``resample evaluate``."""
    fam = outcome.family
    lines = [
        headline(outcome),
        f"data: {outcome.source}, {outcome.n_rows} rows; target {outcome.target} ({fam.task}); "
        f"features: {feature_list(outcome.features)}" + (f"; missing values: {outcome.imputed}" if outcome.imputed else ""),
        "standard errors are naive (they ignore that training sets overlap); "
        f"intervals: {interval_text(outcome)}",
    ]
    err = outcome.error_name
    if len(fam.values) == 1:
        lines.append("")
        lines.append(text_table(["method", err, "SE", level_text(outcome)], single_rows(outcome)))
    else:
        for key in outcome.results:
            rows, mark = table_rows(outcome, key)
            lines += ["", outcome.titles[key]]
            lines.append(text_table([fam.kind.param, err, "SE", level_text(outcome)], rows, mark))
            lines.append("  " + choice_text(outcome, key))
    if outcome.bundled and fam.kind.name == "poly":
        lines += ["", "ISLR's LOOCV figures for d = 1..5: 24.23, 19.25, 19.33, 19.42, 19.03 (section 5.3.2)"]
    if outcome.notes:
        lines += ["", "notes:"] + [f"  - {n}" for n in outcome.notes]
    return "\n".join(lines)
