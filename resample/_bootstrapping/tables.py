"""Tables of observations (rows) for the one-pass bootstraps, in memory or on Dask.

A :class:`Table` is the data cut into row blocks that know their global first row.
In memory it is one block; a Dask array or DataFrame gives one block per chunk or
partition, and :func:`map_reduce` runs a function on every block (on the cluster's
workers when a ``distributed.Client`` is active) and combines the answers in a fixed
pairwise tree. Dask is imported only when the data are Dask collections.
"""

import sys
from dataclasses import dataclass

import numpy as np

from resample._utils.messages import short_repr as _short

__all__ = ["Table", "as_table", "float_block", "map_reduce"]

#: Rows per block of in-memory data (views, no copies): a block's temporaries stay small.
MEMORY_BLOCK = 1 << 16


@dataclass(frozen=True)
class Table:
    """Row blocks ``(start, stop, block)``; ``block`` an ndarray or a Dask delayed chunk."""

    n_rows: int
    columns: tuple
    blocks: list
    one_dimensional: bool
    is_dask: bool
    notes: tuple = ()
    values: np.ndarray | None = None  # all rows, float64 (rows, columns), for data in memory

    @property
    def n_columns(self):
        return len(self.columns)


def _is_dask(data):
    if "dask" not in sys.modules:  # nothing from Dask can have been made
        return False
    import dask

    return dask.is_dask_collection(data)


def _check_kind(dtypes, names, name):
    """Every column numeric or boolean; else name the columns that are not."""
    bad = [(c, d) for c, d in zip(names, dtypes) if getattr(d, "kind", "O") not in "biuf"]
    if bad:
        listed = ", ".join(f"{c!r} ({d})" for c, d in bad[:5]) + (" ..." if len(bad) > 5 else "")
        raise TypeError(
            f"{name} must have numeric or boolean columns only; got {len(bad)} that are not: {listed}. "
            "Drop them or encode them as numbers (e.g. 0/1 indicators) first."
        )


def _check_shape(n_rows, n_columns, ndim, name):
    if ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D or 2-D (rows are observations); got {ndim} dimensions.")
    if n_rows < 1:
        raise ValueError(f"{name} is empty: it has no rows (observations). Pass at least one row.")
    if n_columns < 1:
        raise ValueError(f"{name} has {n_rows} rows but no columns. Pass at least one numeric column.")


def _memory_table(data, name):
    import pandas as pd

    series = isinstance(data, pd.Series)  # one column, seen as 1-D like a 1-D array
    if series:
        data = data.to_frame()
    if isinstance(data, pd.DataFrame):
        _check_kind(data.dtypes, list(data.columns), name)
        columns, one = tuple(data.columns), series
        values = data.to_numpy(dtype=np.float64)
    else:
        try:
            values = np.asarray(data)
        except Exception as exc:
            raise TypeError(f"{name} must be an array, a pandas or Dask table; got {_short(data)}.") from exc
        if values.ndim == 0:
            raise ValueError(f"{name} must be 1-D or 2-D (rows are observations); got a scalar {_short(data)}.")
        columns = tuple(range(values.shape[1])) if values.ndim == 2 else (0,)
        _check_kind([values.dtype] * len(columns), columns, name)
        one = values.ndim == 1
    _check_shape(len(values), len(columns), 1 if one else values.ndim, name)
    values = np.asarray(values, dtype=np.float64).reshape(len(values), -1)
    check_finite(values, 0, name)
    n = len(values)
    blocks = [(a, min(a + MEMORY_BLOCK, n), values[a : a + MEMORY_BLOCK]) for a in range(0, n, MEMORY_BLOCK)]
    return Table(n, columns, blocks, one, False, values=values)


def check_finite(values, start, name="data"):
    """NaN or infinite values stop the run, naming the first bad row (global position)."""
    bad = ~np.isfinite(values)
    if bad.any():
        row = start + int(np.argmax(bad.any(axis=1)))
        raise ValueError(
            f"{name} contains NaN or infinite values (first in row {row}); the one-pass bootstraps "
            "need finite numbers. Drop or impute those rows first."
        )


def _dask_table(data, name):
    import dask.array as da

    notes = []
    if not isinstance(data, da.Array):
        import dask.dataframe as dd  # needs pyarrow: only for Dask DataFrames

        if not isinstance(data, (dd.DataFrame, dd.Series)):
            raise TypeError(f"{name} must be a Dask array, DataFrame or Series; got {type(data).__name__}.")
    if not isinstance(data, da.Array):
        frame = data.to_frame() if isinstance(data, dd.Series) else data
        _check_kind(list(frame.dtypes), list(frame.columns), name)
        columns = tuple(frame.columns)
        # Row positions need each partition's length: one counting pass (cheap beside the
        # bootstrap's pass; pass a Dask array with known chunks to skip it).
        array = frame.to_dask_array(lengths=True)
        notes.append("Partition lengths of the Dask DataFrame counted in an extra pass, for global row positions.")
        one = isinstance(data, dd.Series)
    else:
        if data.ndim not in (1, 2):
            raise ValueError(f"{name} must be 1-D or 2-D (rows are observations); got {data.ndim} dimensions.")
        columns = tuple(range(data.shape[1])) if data.ndim == 2 else (0,)
        _check_kind([data.dtype] * len(columns), columns, name)
        array, one = data, data.ndim == 1
        if any(np.isnan(c) for c in array.chunks[0]):
            array = array.compute_chunk_sizes()
            notes.append("Chunk sizes of the Dask array were unknown: computed in an extra pass.")
    if array.ndim == 2:
        array = array.rechunk({1: -1})  # every block holds whole rows
    n_rows = int(array.shape[0])
    _check_shape(n_rows, len(columns), 1 if one else array.ndim, name)
    starts = np.concatenate([[0], np.cumsum(array.chunks[0])]).astype(int)
    pieces = array.to_delayed().ravel()
    blocks = [(int(a), int(b), p) for a, b, p in zip(starts[:-1], starts[1:], pieces) if b > a]
    return Table(n_rows, columns, blocks, one, True, tuple(notes))


def as_table(data, name="data"):
    """A :class:`Table` of ``data``: NumPy, pandas, or Dask (array, DataFrame, Series)."""
    return _dask_table(data, name) if _is_dask(data) else _memory_table(data, name)


def float_block(block, start, name="data"):
    """A block as finite float64 ``(rows, columns)``."""
    values = np.asarray(block, dtype=np.float64)
    values = values.reshape(len(values), -1)
    check_finite(values, start, name)
    return values


def map_reduce(table, func, combine, *args):
    """``combine`` over ``func(block, start, *args)`` of every block, as one pass.

    On Dask the blocks become tasks on the active scheduler (a ``distributed.Client``'s
    workers when there is one) and the answers are combined pairwise in block order, so
    the graph, hence the result, is fixed by the blocks alone, not by which worker ran
    what or when.
    """
    if not table.is_dask:
        return combine_all([func(block, start, *args) for start, _, block in table.blocks], combine)
    import dask

    parts = [dask.delayed(func, pure=True)(block, start, *args) for start, _, block in table.blocks]
    while len(parts) > 1:
        pairs = [dask.delayed(combine, pure=True)(a, b) for a, b in zip(parts[::2], parts[1::2])]
        parts = pairs + ([parts[-1]] if len(parts) % 2 else [])
    (result,) = dask.compute(parts[0])
    return result


def combine_all(parts, combine):
    """The same pairwise tree as :func:`map_reduce` on Dask, in memory."""
    while len(parts) > 1:
        pairs = [combine(a, b) for a, b in zip(parts[::2], parts[1::2])]
        parts = pairs + ([parts[-1]] if len(parts) % 2 else [])
    return parts[0]
