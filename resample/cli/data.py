"""Reading and checking the command's input table: errors a user can act on.

Beside :mod:`resample._utils.checks` (which checks arrays for every Python entry
point) and worded the same way, these checks speak the command line's language:
files, columns, options. Each raises :class:`~resample.cli.specs.UsageError`, which
the command turns into a message and exit status 2.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from resample.cli.specs import UsageError

__all__ = ["read_table", "check_columns", "numeric_columns", "check_numeric", "drop_missing", "infer_task", "check_target"]


def read_table(path):
    """Read a CSV file, or raise a UsageError that says what is wrong with it."""
    p = Path(path)
    if not p.exists():
        raise UsageError(f"no such file: {str(path)!r}. Pass the path of a CSV file with a header row.")
    if p.is_dir():
        raise UsageError(f"{str(path)!r} is a directory; pass the path of a CSV file.")
    try:
        table = pd.read_csv(p)
    except pd.errors.EmptyDataError:
        raise UsageError(f"{str(path)!r} is empty; it needs a header row and at least two data rows.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {str(path)!r} as CSV ({type(exc).__name__}: {str(exc).strip()}).") from None
    except OSError as exc:
        raise UsageError(f"cannot open {str(path)!r}: {exc.strerror or exc}.") from None
    if table.shape[1] == 0 or len(table) < 2:
        raise UsageError(f"{str(path)!r} has {len(table)} data rows; at least two are needed to resample.")
    return table


def _list(columns, limit=30):
    names = [str(c) for c in columns]
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def check_columns(table, names, option, source):
    """Every name must be a column of ``table``; the message lists the columns."""
    missing = [n for n in names if n not in table.columns]
    if missing:
        which = "column" if len(missing) == 1 else "columns"
        raise UsageError(
            f"{option}: {which} {', '.join(repr(m) for m in missing)} not in {source}; "
            f"its columns are: {_list(table.columns)}."
        )
    return list(names)


def numeric_columns(table):
    return [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])]


def check_numeric(table, names, option, source):
    """The columns must hold numbers; the message shows a value that is not one."""
    for name in names:
        col = table[name]
        if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            bad = col.dropna()
            example = bad[pd.to_numeric(bad, errors="coerce").isna()]
            shown = f" (e.g. {_plain(example.iloc[0])!r})" if len(example) else ""
            raise UsageError(
                f"{option}: column {name!r} of {source} is not numeric{shown}. Choose numeric columns "
                f"(numeric ones: {_list(numeric_columns(table)) or 'none'}), or encode it as numbers first."
            )
    return list(names)


def drop_missing(table, names, warn):
    """Rows with a missing value in ``names`` are left out, and the user is told."""
    used = table[list(names)]
    keep = used.notna().all(axis=1)
    dropped = int((~keep).sum())
    if dropped:
        warn(f"left out {dropped} of {len(table)} rows with missing values in {', '.join(map(str, names))}")
    return table.loc[keep].reset_index(drop=True)


def _plain(value):
    """A numpy scalar as the Python value it holds (so messages show 1.0, not np.float64(1.0))."""
    return value.item() if isinstance(value, np.generic) else value


def infer_task(target, requested, model_tasks):
    """"regression" or "classification" from ``--task``, the target's values and the model."""
    if requested != "auto":
        return requested
    if model_tasks == ("classification",):
        return "classification"
    if not pd.api.types.is_numeric_dtype(target) or pd.api.types.is_bool_dtype(target):
        return "classification"
    return "regression"


def check_target(target, name, task, source):
    """The target must vary; classes must be classes and regression targets numbers."""
    values = target.dropna()
    distinct = values.unique()
    if len(distinct) < 2:
        only = repr(_plain(distinct[0])) if len(distinct) else "nothing"
        raise UsageError(
            f"--target {name!r} has one value ({only}) in all {len(values)} rows of {source}; "
            "there is nothing to predict. Choose a column that varies."
        )
    if task == "regression" and (not pd.api.types.is_numeric_dtype(target) or pd.api.types.is_bool_dtype(target)):
        raise UsageError(
            f"--target {name!r} of {source} is not numeric (e.g. {_plain(values.iloc[0])!r}), so it cannot be regressed on. "
            "For classes use --model logistic or knn:1..50 (or --task classification)."
        )
    if task == "classification" and pd.api.types.is_float_dtype(target) and not np.all(np.mod(values, 1) == 0):
        raise UsageError(
            f"--target {name!r} of {source} holds {len(distinct)} distinct non-integer numbers, not classes; "
            "use a regression model (poly, ridge, knn, linear) or a column of class labels."
        )
    if task == "classification":
        counts = values.value_counts()
        if counts.min() < 2:
            rare = counts[counts < 2]
            raise UsageError(
                f"--target {name!r} of {source}: class {_plain(rare.index[0])!r} has only 1 row "
                f"({len(rare)} of {len(counts)} classes have one row), too few to hold out and to train on. "
                "Is it a column of classes? Merge rare classes, or choose another --target."
            )
    return target
