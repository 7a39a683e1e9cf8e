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

__all__ = ["read_table", "source_name", "check_columns", "numeric_columns", "check_numeric", "drop_missing", "text_columns_note", "infer_task", "check_target"]


#: Separators the sniffer may choose between (csv.Sniffer alone also picks letters and spaces).
_SEPARATORS = ",;\t|"


def _sniff(sample):
    r"""The separator of a CSV sample: the standard library's csv.Sniffer, limited to real separators.

    Examples
    --------
    >>> _sniff("age;sex;bmi\n59;2;32.1\n")
    ';'
    >>> _sniff("a,b\n1,2\n")
    ','
    """
    import csv

    try:
        return csv.Sniffer().sniff(sample, delimiters=_SEPARATORS).delimiter
    except csv.Error:  # one column, or nothing it can decide on: pandas' default
        return ","


def source_name(path):
    """How messages name the input: ``'file.csv'`` or ``standard input``."""
    return "standard input" if str(path) == "-" else repr(str(path))


def _open(path, name):
    """The raw bytes of ``path`` as a seekable buffer (``-``: standard input)."""
    import io
    import sys

    if str(path) == "-":
        return io.BytesIO(sys.stdin.buffer.read())
    p = Path(path)
    if not p.exists():
        raise UsageError(f"no such file: {name}. Pass the path of a CSV file with a header row, or - for standard input.")
    if p.is_dir():
        raise UsageError(f"{name} is a directory; pass the path of a CSV file.")
    try:
        return io.BytesIO(p.read_bytes())
    except OSError as exc:
        raise UsageError(f"cannot open {name}: {exc.strerror or exc}.") from None


def read_table(path, sep=None):
    """Read a CSV file (``-``: standard input), or raise a UsageError that says what is wrong with it.

    ``sep=None`` sniffs the separator (comma, semicolon, tab or bar) from the first
    64 kB, so a European ``;`` file reads as it should; pass ``sep`` to force one.
    The file is then parsed by pandas' C reader, which stays fast at millions of rows.
    """
    name = source_name(path)
    buf = _open(path, name)
    if sep is None:
        head = buf.read(65536).decode("utf-8", errors="replace")
        buf.seek(0)
        lines = head.splitlines()
        sep = _sniff("\n".join(lines[:-1] if len(lines) > 2 else lines))
    try:
        table = pd.read_csv(buf, sep=sep)
    except pd.errors.EmptyDataError:
        raise UsageError(f"{name} is empty; it needs a header row and at least two data rows.") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(
            f"cannot read {name} as CSV with separator {sep!r} ({type(exc).__name__}: {str(exc).strip()}); "
            "pass --sep to choose another."
        ) from None
    if table.shape[1] == 0 or len(table) < 2:
        raise UsageError(f"{name} has {len(table)} data rows; at least two are needed to resample.")
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


_IMPUTE_HINT = "; --impute fills them in instead (the median of each training set, inside every fold)"


def drop_missing(table, names, warn, hint=_IMPUTE_HINT):
    """Rows with a missing value in ``names`` are left out, and the user is told (and how to keep them)."""
    used = table[list(names)]
    keep = used.notna().all(axis=1)
    dropped = int((~keep).sum())
    if dropped:
        counts = used.isna().sum()
        worst = ", ".join(f"{c} ({int(k)})" for c, k in counts[counts > 0].sort_values(ascending=False).items())
        if len(counts[counts > 0]) > 6:
            worst = ", ".join(worst.split(", ")[:6]) + ", ..."
        warn(f"left out {dropped} of {len(table)} rows ({dropped / len(table):.0%}) with missing values, "
             f"in {worst}{hint}")
    return table.loc[keep].reset_index(drop=True)


def text_columns_note(table, columns):
    """Why non-numeric columns are not predictors, each with an example value, and what to do.

    Examples
    --------
    >>> t = pd.DataFrame({"city": ["Oslo", "Rome", "Oslo"], "x": [1, 2, 3]})
    >>> text_columns_note(t, ["city"])
    "left out 1 text column (the models take numbers): city (2 distinct, e.g. 'Oslo'); encode it as numbers to use it, or pass --features to choose the predictors"
    """
    parts = []
    for c in columns[:6]:
        values = table[c].dropna()
        example = f", e.g. {_plain(values.iloc[0])!r}" if len(values) else ""
        parts.append(f"{c} ({values.nunique()} distinct{example})")
    more = f", and {len(columns) - 6} more" if len(columns) > 6 else ""
    which = "it" if len(columns) == 1 else "them"
    word = "column" if len(columns) == 1 else "columns"
    return (f"left out {len(columns)} text {word} (the models take numbers): {'; '.join(parts)}{more}; "
            f"encode {which} as numbers to use {which}, or pass --features to choose the predictors")


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
    if not len(values):
        raise UsageError(f"no rows are left of {source}: every row has a missing value in --target {name!r} or in a "
                         "column the model uses (see the note above); choose other columns, or --impute the features.")
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
