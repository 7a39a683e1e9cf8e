"""Splitters that scikit-learn lacks, in scikit-learn's splitter protocol.

Everything else (``KFold``, ``StratifiedKFold``, ``LeaveOneOut``, ``ShuffleSplit``,
``LeaveOneGroupOut``, ``TimeSeriesSplit``...) is scikit-learn's and is used as it is:
these classes work in ``cross_validate`` and ``GridSearchCV`` too.
"""

import numbers

import numpy as np
from sklearn.model_selection import BaseCrossValidator

from resample._utils.random import as_generator
from resample._utils.checks import check_int, num_samples

__all__ = ["BlockedKFold", "BootstrapSplit"]


class BlockedKFold(BaseCrossValidator):
    """K-fold over contiguous blocks, with a gap removed on each side of the test block.

    Fold ``k`` tests on the ``k``-th contiguous block of rows (blocks differ in size
    by at most one, as in ``KFold``); the ``gap`` rows on each side of the test block
    are left out of training, so that a model of sequences or time series never
    trains next to what it is tested on. Rows are never shuffled.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    gap : int, default=0
        Rows removed from training on each side of the test block.

    Examples
    --------
    >>> import numpy as np
    >>> for train, test in BlockedKFold(3, gap=1).split(np.zeros(9)):
    ...     print(train, test)
    [4 5 6 7 8] [0 1 2]
    [0 1 7 8] [3 4 5]
    [0 1 2 3 4] [6 7 8]
    """

    def __init__(self, n_splits=5, *, gap=0):
        self.n_splits = n_splits
        self.gap = gap

    def _check(self, n_samples):
        check_int(self.n_splits, "n_splits", low=2)
        check_int(self.gap, "gap", low=0)
        if self.n_splits > n_samples:
            raise ValueError(
                f"n_splits={self.n_splits} is larger than the number of samples ({n_samples}); "
                f"it must be between 2 and {n_samples}."
            )
        for k, (start, stop) in enumerate(self._blocks(n_samples)):
            n_train = max(0, start - self.gap) + max(0, n_samples - (stop + self.gap))
            if n_train < 1:
                raise ValueError(
                    f"gap={self.gap} leaves fold {k} (test rows {start}..{stop - 1} of {n_samples}) "
                    "with no training data; use a smaller gap or more folds."
                )

    def _blocks(self, n_samples):
        sizes = np.full(self.n_splits, n_samples // self.n_splits, dtype=int)
        sizes[: n_samples % self.n_splits] += 1
        stops = np.cumsum(sizes)
        return list(zip(stops - sizes, stops))

    def split(self, X, y=None, groups=None):
        """Yield ``(train, test)`` index arrays, one pair per block."""
        n = num_samples(X)
        self._check(n)
        indices = np.arange(n)
        for start, stop in self._blocks(n):
            train = np.concatenate([indices[: max(0, start - self.gap)], indices[stop + self.gap :]])
            yield train, indices[start:stop]

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of folds."""
        return self.n_splits

    def __repr__(self):
        return f"BlockedKFold(n_splits={self.n_splits}, gap={self.gap})"


class BootstrapSplit(BaseCrossValidator):
    """Train on a bootstrap sample of the rows, test on the rows it left out.

    Each split draws ``n_samples`` rows with replacement for training (so training
    indices repeat); the out-of-bag rows, about 36.8% of them, form the test set.
    A draw that leaves no row out (possible only for tiny n) is redrawn.

    Parameters
    ----------
    n_resamples : int, default=100
        Number of bootstrap splits.
    random_state : int, numpy.random.Generator or None, default=None

    Examples
    --------
    >>> import numpy as np
    >>> splits = list(BootstrapSplit(3, random_state=0).split(np.zeros(10)))
    >>> len(splits), all(np.intersect1d(tr, te).size == 0 for tr, te in splits)
    (3, True)
    """

    def __init__(self, n_resamples=100, *, random_state=None):
        self.n_resamples = n_resamples
        self.random_state = random_state

    def split(self, X, y=None, groups=None):
        """Yield ``(train, test)``: bootstrap rows and out-of-bag rows."""
        n = num_samples(X)
        check_int(self.n_resamples, "n_resamples", low=1)
        if n < 2:
            raise ValueError(f"BootstrapSplit needs at least 2 samples; X has {n}.")
        rng = as_generator(
            self.random_state if not isinstance(self.random_state, numbers.Integral) else int(self.random_state)
        )
        for _ in range(self.n_resamples):
            while True:
                train = rng.integers(0, n, size=n)
                in_bag = np.zeros(n, dtype=bool)
                in_bag[train] = True
                if not in_bag.all():
                    break
            yield train, np.flatnonzero(~in_bag)

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of bootstrap splits."""
        return self.n_resamples

    def __repr__(self):
        return f"BootstrapSplit(n_resamples={self.n_resamples}, random_state={self.random_state!r})"
