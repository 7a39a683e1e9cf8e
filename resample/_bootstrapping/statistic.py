"""Calling a user's statistic on many resamples at once.

The bootstrap and the jackknife both evaluate a statistic on index sets of the
data. Samples are stored with their observations on the last axis (as in
``scipy.stats.bootstrap``); a batch of ``m`` index rows turns a sample of shape
``(*L, n)`` into ``(*L, m, n)``::

    sample      (*L, n)         observations last
    indices     (m, n')         one row per resample (n' = n, or n - 1 for the jackknife)
    resampled   (*L, m, n')     what a vectorized statistic gets, with axis=-1
    values      (*S, m)         what it returns: S is the shape of the statistic
                                on the original data, the resamples last

A statistic that is not vectorized is called once per resample, and, when the
samples have batch axes ``L``, once per 1-D slice of each resample (as SciPy's
``bootstrap`` does through ``np.apply_along_axis``): it sees one slice of
observations, never the whole array.

The statistic never sees the caller's arrays: the samples are kept as read-only
views, the statistic on the original data gets a copy, and resamples are gathered
into fresh arrays, so a statistic that sorts or scales its argument in place changes
neither the caller's data nor the resamples drawn after it.
"""

import numpy as np

from resample._utils.checks import check_statistic_shape

__all__ = ["BatchedStatistic"]


class BatchedStatistic:
    """A statistic bound to its samples, evaluated on batches of index rows.

    Parameters
    ----------
    statistic : callable
        ``statistic(*samples)`` or, when vectorized, ``statistic(*samples, axis=-1)``.
    samples : list of ndarray
        Observations on the last axis (see :func:`resample._utils.checks.check_samples`).
    vectorized : bool
    paired : bool
        Whether one index array selects the same rows of every sample.
    """

    def __init__(self, statistic, samples, *, vectorized, paired):
        self.function = statistic
        self.samples = [_read_only(s) for s in samples]
        self.vectorized = vectorized
        self.paired = paired
        self.lengths = [s.shape[-1] for s in samples]
        #: the broadcast batch shape L of the samples (``()`` for 1-D samples)
        self.batch_shape = np.broadcast_shapes(*(s.shape[:-1] for s in samples))
        self._call = statistic if vectorized or not self.batch_shape else self._per_slice
        copies = [np.array(s) for s in self.samples]  # the statistic may write into its argument
        value = np.asarray(statistic(*copies, axis=-1) if vectorized else self._call(*copies))
        check_statistic_shape(value, value.shape, "the original data")
        self.value = value.astype(float)  # shape S
        self.shape = value.shape

    def __call__(self, indices):
        """Values on index rows: ``indices`` is one ``(m, n_j')`` array per sample, or
        one array for all samples when paired. Returns shape ``(*S, m)``."""
        if self.paired:
            indices = [indices[0]] * len(self.samples)
        resampled = [s[..., idx] for s, idx in zip(self.samples, indices)]
        return self.evaluate(resampled, indices[0].shape[0])

    def evaluate(self, resampled, m):
        """Values on resampled samples of shape ``(*L, m, n')``; returns ``(*S, m)``."""
        expected = (*self.shape, m)
        if self.vectorized:
            values = self.function(*resampled, axis=-1)
            return check_statistic_shape(values, expected, f"a batch of {m} resamples").astype(float, copy=False)
        out = np.empty((m, *self.shape))
        for b in range(m):
            out[b] = check_statistic_shape(
                self._call(*[r[..., b, :] for r in resampled]), self.shape, f"resample {b} of a batch"
            )
        return np.moveaxis(out, 0, -1)

    def _per_slice(self, *samples):
        """A non-vectorized statistic on samples ``(*L, n)``: one call per slice, shape ``(*L, *S')``."""
        shapes = [s.shape[:-1] for s in samples]
        batch = np.broadcast_shapes(*shapes)
        samples = [np.broadcast_to(s, (*batch, s.shape[-1])) for s in samples]
        values = [np.asarray(self.function(*[s[i].copy() for s in samples])) for i in np.ndindex(batch)]
        inner = values[0].shape
        for i, v in enumerate(values):
            check_statistic_shape(v, inner, f"slice {i} of the batch axes")
        return np.stack(values).reshape(*batch, *inner)


def _read_only(a):
    """A read-only view of ``a`` (the caller's array keeps its own flags)."""
    view = a.view()
    view.flags.writeable = False
    return view
