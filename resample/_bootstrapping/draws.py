"""Drawing bootstrap resamples: blocks of index rows, each block from its own child stream.

Resamples are drawn in blocks of :data:`resample._utils.random.BLOCK_SIZE`, each block
from its own child stream, so the values depend on ``rng`` and ``n_resamples`` only,
never on ``batch``.
"""

import math

import numpy as np

from resample._bootstrapping.scaled import scaled_std
from resample._utils.random import BLOCK_SIZE, spawn

__all__ = ["Moments", "children", "counts", "draw"]

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


def draw(stat, n_resamples, rng, *, batch, se_stat=None, n_inner=0, moments=None, start=0, schemes=None):
    """Bootstrap values (and per-resample standard errors) of ``stat``: ``(*S, B)``.

    Resample number ``b`` (counting from the first resample of the run) is row
    ``b % BLOCK_SIZE`` of block ``b // BLOCK_SIZE``, and block ``k`` is drawn from
    child ``k`` of ``rng``. ``start`` resamples already exist (a result being
    extended): the run resumes at resample ``start``, drawing and discarding the rows
    of a partly used block, so that 500 resamples extended by 500 with the same seed
    equal one run of 1000. Within a block each index array (one per independent
    sample) and the inner bootstrap have their own stream, so a block's first rows do
    not depend on how many rows it has.

    ``schemes`` (see :mod:`.schemes`): one row sampler per index array (blocks,
    strata), or None for i.i.d. rows. A sampler takes its rows from its stream as the
    i.i.d. draw does, so the same rules hold.
    """
    lengths = stat.lengths[:1] if stat.paired else stat.lengths
    dtype = np.int32 if max(lengths) < 2**31 - 1 else np.int64
    if schemes is None:
        samplers = [_iid(n, dtype) for n in lengths]
    else:
        samplers = [lambda g, m, scheme=scheme: scheme.rows(g, m, dtype) for scheme in schemes]
    chunk = min(BLOCK_SIZE, batch or max(1, INDEX_BUDGET // sum(lengths)))
    end = start + n_resamples
    first = start // BLOCK_SIZE
    values, ses = [], []
    for k, child in enumerate(children(rng, math.ceil(end / BLOCK_SIZE), first), start=first):
        lo = max(start - k * BLOCK_SIZE, 0)
        hi = min(end - k * BLOCK_SIZE, BLOCK_SIZE)
        streams = [child] if len(lengths) == 1 else spawn(child, len(lengths))
        inner = spawn(child, 1)[0] if n_inner else None
        for s in range(0, lo, chunk):  # rows of this block that the earlier run used
            rows = [sample(g, min(chunk, lo - s)) for g, sample in zip(streams, samplers)]
            for _ in range(rows[0].shape[0] if inner is not None else 0):  # and their inner draws
                for n in lengths:
                    inner.integers(0, n, (n_inner, n), dtype=dtype)
        block_values, block_counts = [], []
        for s in range(lo, hi, chunk):
            rows = [sample(g, min(chunk, hi - s)) for g, sample in zip(streams, samplers)]
            block_values.append(stat(rows))
            if moments is not None:
                block_counts.append(np.hstack([counts(r, n) for r, n in zip(rows, lengths)]))
            if se_stat is not None:
                ses.append(se_stat(rows))
            if inner is not None:
                ses.extend(_inner_standard_errors(stat, rows, inner, n_inner, chunk, lengths, dtype))
        block_values = np.concatenate(block_values, axis=-1)
        values.append(block_values)
        if moments is not None:  # once per block, so sums do not depend on batch either
            moments.add(np.concatenate(block_counts), block_values)
    values = np.concatenate(values, axis=-1)
    return values, (np.concatenate(ses, axis=-1) if ses else None)


def children(rng, count, first=0, group=1024):
    """Children ``first, ..., count - 1`` of ``rng``, spawned ``group`` at a time.

    ``Generator.spawn`` numbers its children, so spawning in groups gives the children of
    one ``spawn(count)`` without holding ``count`` generators (about 1 kB each: 10^8
    resamples would hold 390,625 of them at once).
    """
    done = 0
    while done < count:
        batch = spawn(rng, min(group, count - done))
        yield from batch[max(first - done, 0):]
        done += len(batch)


def _iid(n, dtype):
    return lambda generator, m: generator.integers(0, n, (m, n), dtype=dtype)


def _inner_rows(rows, inner, n_inner, lengths, dtype):
    """The inner resamples of each resample in ``rows``, drawn resample by resample, sample by sample."""
    return [
        [rows[j][b][inner.integers(0, n, (n_inner, n), dtype=dtype)] for j, n in enumerate(lengths)]
        for b in range(rows[0].shape[0])
    ]


def _inner_standard_errors(stat, rows, inner, n_inner, chunk, lengths, dtype):
    """Standard error within each resample of ``rows`` by an inner bootstrap.

    Inner draws are taken resample by resample (and sample by sample) from the
    block's inner stream, so they do not depend on how many are evaluated per call.
    """
    m = rows[0].shape[0]
    group = max(1, chunk // n_inner)
    for g in range(0, m, group):
        drawn = _inner_rows([r[g : g + group] for r in rows], inner, n_inner, lengths, dtype)
        values = stat([np.concatenate([d[j] for d in drawn]) for j in range(len(lengths))])  # (*S, g * n_inner)
        values = values.reshape(*values.shape[:-1], -1, n_inner)
        yield scaled_std(values, axis=-1, ddof=1)  # squares of values near 1e-300 underflow
