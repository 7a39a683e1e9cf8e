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

A statistic that is not vectorized is called once per resample.
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
        self.samples = samples
        self.vectorized = vectorized
        self.paired = paired
        self.lengths = [s.shape[-1] for s in samples]
        value = np.asarray(statistic(*samples, axis=-1) if vectorized else statistic(*samples))
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
                self.function(*[r[..., b, :] for r in resampled]), self.shape, f"resample {b} of a batch"
            )
        return np.moveaxis(out, 0, -1)
