"""Drawing bootstrap resamples: blocks of index rows, each block from its own child stream.

Resamples are drawn in blocks of :data:`resample._utils.random.BLOCK_SIZE`, each block
from its own child stream, so the values depend on ``rng`` and ``n_resamples`` only,
never on ``batch``.
"""

import math

import numpy as np

from resample._utils.random import BLOCK_SIZE, spawn

__all__ = ["Moments", "counts", "draw"]

#: Index entries in one call of the statistic when ``batch`` is None: 1 MB of int32
#: indices and 2 MB of gathered float64 data, whatever n is, so that a chunk stays in
#: cache between drawing and gathering (measured 5-10% faster than 8x more at n = 10^5).
INDEX_BUDGET = 1 << 18


def counts(rows, n):
    """How often each of ``n`` observations appears in each index row: ``(m, n)``."""
    m = rows.shape[0]
    flat = (rows + (np.arange(m, dtype=np.int64) * n)[:, None]).ravel()
    return np.bincount(flat, minlength=m * n).reshape(m, n)


class Moments:
    """Running ``C'C`` and ``C't`` of resample counts ``C`` and values ``t`` (regression)."""

    def __init__(self, n_total, size):
        self.gram = np.zeros((n_total, n_total))
        self.cross = np.zeros((n_total, size))

    def add(self, frequencies, values):
        values = values.reshape(-1, values.shape[-1]).T  # (m, K)
        keep = np.isfinite(values).all(axis=1)
        c = frequencies[keep].astype(float)
        self.gram += c.T @ c
        self.cross += c.T @ values[keep]


def draw(stat, n_resamples, rng, *, batch, se_stat=None, n_inner=0, moments=None):
    """Bootstrap values (and per-resample standard errors) of ``stat``: ``(*S, B)``."""
    lengths = stat.lengths[:1] if stat.paired else stat.lengths
    dtype = np.int32 if max(lengths) < 2**31 - 1 else np.int64
    chunk = min(BLOCK_SIZE, batch or max(1, INDEX_BUDGET // sum(lengths)))
    values, ses = [], []
    n_blocks = math.ceil(n_resamples / BLOCK_SIZE)
    for k, child in enumerate(spawn(rng, n_blocks)):
        m = min(BLOCK_SIZE, n_resamples - k * BLOCK_SIZE)
        block = None
        if len(lengths) == 1 and not n_inner:
            # One index array: drawn chunk by chunk, so that only a chunk of indices
            # exists at a time. The stream gives the same numbers as one draw of the
            # whole block (tested: same rng, same result whatever batch).
            n = lengths[0]
            chunks = ([child.integers(0, n, (min(chunk, m - s), n), dtype=dtype)] for s in range(0, m, chunk))
        else:  # several index arrays, drawn sample by sample, or rows the inner bootstrap needs
            block = [child.integers(0, n, (m, n), dtype=dtype) for n in lengths]
            chunks = ([rows[s : s + chunk] for rows in block] for s in range(0, m, chunk))
        block_values, block_counts = [], []
        for rows in chunks:
            block_values.append(stat(rows))
            if moments is not None:
                block_counts.append(np.hstack([counts(r, n) for r, n in zip(rows, lengths)]))
            if se_stat is not None:
                ses.append(se_stat(rows))
        block_values = np.concatenate(block_values, axis=-1)
        values.append(block_values)
        if moments is not None:  # once per block, so sums do not depend on batch either
            moments.add(np.concatenate(block_counts), block_values)
        if n_inner:
            ses.extend(_inner_standard_errors(stat, block, child, n_inner, chunk, lengths, dtype))
    values = np.concatenate(values, axis=-1)
    return values, (np.concatenate(ses, axis=-1) if ses else None)


def _inner_standard_errors(stat, block, child, n_inner, chunk, lengths, dtype):
    """Standard error within each resample of ``block`` by an inner bootstrap.

    Inner draws are taken resample by resample (and sample by sample) from the
    block's stream, so they do not depend on how many are evaluated per call.
    """
    m = block[0].shape[0]
    group = max(1, chunk // n_inner)
    for start in range(0, m, group):
        rows = [[] for _ in lengths]
        for b in range(start, min(m, start + group)):
            for j, n in enumerate(lengths):
                rows[j].append(block[j][b][child.integers(0, n, (n_inner, n), dtype=dtype)])
        inner = stat([np.concatenate(r) for r in rows])  # (*S, g * n_inner)
        inner = inner.reshape(*inner.shape[:-1], -1, n_inner)
        yield np.std(inner, axis=-1, ddof=1)
