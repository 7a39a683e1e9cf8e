"""Result objects: immutable, with a short repr and a pandas table.

Every family of results (cross-validation, bootstrap, jackknife) shares the field
names ``estimate``, ``standard_error``, ``confidence_interval`` (a
:class:`ConfidenceInterval` at ``confidence_level``) and has ``to_frame()``.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from scipy import special

__all__ = ["ConfidenceInterval", "SplitIndices", "CVResult", "normal_interval"]


class ConfidenceInterval(NamedTuple):
    """A confidence interval ``(low, high)``."""

    low: float
    high: float


def normal_interval(estimate, standard_error, confidence_level):
    """``estimate -/+ z * standard_error``, z the normal quantile of the level.

    Examples
    --------
    >>> normal_interval(0.0, 1.0, 0.95)
    ConfidenceInterval(low=-1.959963984540054, high=1.959963984540054)
    """
    # scipy.special.ndtri is the normal quantile itself; stats.norm.ppf wraps it in
    # ~50 us of argument handling, a tenth of a small closed-form LOOCV
    z = special.ndtri(0.5 + confidence_level / 2)
    return ConfidenceInterval(float(estimate - z * standard_error), float(estimate + z * standard_error))


class SplitIndices(Sequence):
    """The ``(train, test)`` index arrays of a resampling run, stored compactly.

    Test indices of all splits are kept in one array with offsets (as a CSR
    matrix keeps its rows). Where each training set is the complement of its test
    set (k-fold, LOOCV, validation set) only the test indices are stored and the
    training indices are made on demand: LOOCV at n = 5000 would otherwise hold
    25 million indices.
    """

    def __init__(self, n_samples, tests, trains=None):
        tests = [np.asarray(t, dtype=np.intp) for t in tests]
        ptr = np.zeros(len(tests) + 1, dtype=np.intp)
        np.cumsum([len(t) for t in tests], out=ptr[1:])
        index = np.concatenate(tests) if tests else np.empty(0, dtype=np.intp)
        self._set(n_samples, index, ptr, trains)

    def _set(self, n_samples, test_index, test_ptr, trains):
        self.n_samples = int(n_samples)
        self.test_index = np.asarray(test_index, dtype=np.intp)
        self.test_ptr = np.asarray(test_ptr, dtype=np.intp)
        # per split: its training indices, or None where they are the complement of the test set
        self._trains = None if trains is None else tuple(None if t is None else np.asarray(t, dtype=np.intp) for t in trains)

    @classmethod
    def from_index(cls, n_samples, test_index, test_ptr, trains=None):
        """From all test indices in one array and the offsets where each split starts."""
        self = cls.__new__(cls)
        self._set(n_samples, test_index, test_ptr, trains)
        return self

    @classmethod
    def from_pairs(cls, n_samples, pairs):
        """From ``(train, test)`` pairs of any splitter (an iterator is read once).

        A training set that is exactly the complement of its test set is dropped
        as soon as it is seen (and rebuilt on demand), so a splitter that yields
        LOOCV's n training arrays one at a time never has them all in memory; only
        the other training sets are kept.

        Examples
        --------
        >>> from sklearn.model_selection import LeaveOneOut
        >>> s = SplitIndices.from_pairs(4, LeaveOneOut().split(range(4)))
        >>> s.is_partition_complement, s[1][0].tolist()
        (True, [0, 2, 3])
        """
        tests, trains = [], []
        for tr, te in pairs:
            tr, te = np.asarray(tr, dtype=np.intp), np.asarray(te, dtype=np.intp)
            tests.append(te)
            trains.append(None if _is_complement(n_samples, tr, te) else tr)
        return cls(n_samples, tests, None if all(t is None for t in trains) else trains)

    @classmethod
    def leave_one_out(cls, n_samples):
        return cls.from_index(n_samples, np.arange(n_samples), np.arange(n_samples + 1))

    def blocks(self, flat):
        """View ``flat`` (aligned with ``test_index``) as one block per split."""
        return _Blocks(flat, self.test_ptr)

    def __len__(self):
        return len(self.test_ptr) - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(f"split {i} out of range for {len(self)} splits")
        i = i % len(self)
        test = self.test(i)
        train = None if self._trains is None else self._trains[i]
        return (_complement(self.n_samples, test) if train is None else train), test

    def test(self, i):
        return self.test_index[self.test_ptr[i] : self.test_ptr[i + 1]]

    @property
    def test_sizes(self):
        return np.diff(self.test_ptr)

    @property
    def split_of_test_index(self):
        """The split each entry of ``test_index`` belongs to."""
        return np.repeat(np.arange(len(self)), self.test_sizes)

    def __iter__(self):
        # one (train, test) pair at a time: the training arrays are never all held at once
        for i in range(len(self)):
            yield self[i]

    def train_size(self, i):
        train = None if self._trains is None else self._trains[i]
        return self.n_samples - len(self.test(i)) if train is None else len(train)

    @property
    def is_partition_complement(self):
        """True when each training set is the complement of its test set."""
        return self._trains is None

    def __repr__(self):
        return f"SplitIndices(n_samples={self.n_samples}, n_splits={len(self)})"


class _Blocks(Sequence):
    """Per-split views into one array aligned with ``SplitIndices.test_index``."""

    def __init__(self, flat, ptr):
        self.flat, self.ptr = flat, ptr

    def __len__(self):
        return len(self.ptr) - 1

    def __getitem__(self, i):
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i = i % len(self)
        return self.flat[self.ptr[i] : self.ptr[i + 1]]


def _complement(n, idx):
    mask = np.ones(n, dtype=bool)
    mask[idx] = False
    return np.flatnonzero(mask)


def _is_complement(n, train, test):
    if len(train) + len(test) != n:
        return False
    seen = np.zeros(n, dtype=bool)
    seen[train] = True
    seen[test] = True
    return bool(seen.all())


@dataclass(frozen=True, eq=False)
class CVResult:
    """The outcome of a cross-validation run (validation set, LOOCV, k-fold).

    Attributes
    ----------
    estimate : float
        The resampling estimate of the score, in the scorer's own units and sign.
        For metrics that are a mean of per-sample values it is the mean of all
        pooled held-out values; otherwise the mean of split scores weighted by
        test-set size (or the metric of pooled predictions when test sets hold a
        single sample, as in LOOCV).
    standard_error : float
        Naive standard error: standard deviation of the split scores over the
        square root of their number (for LOOCV: of the per-sample values over
        sqrt(n)). It ignores the correlation between splits and is an approximation.
    confidence_interval : ConfidenceInterval
        At ``confidence_level``: naive (``estimate -/+ z * standard_error``) or
        nested, as ``interval`` says.
    confidence_level : float
    scores : ndarray of shape (n_splits,)
        One score per split, in the scorer's sign.
    mean_score : float or None
        The plain mean of ``scores`` over the splits that did not fail: ISLR's
        eq. 5.3 and ``cross_val_score(...).mean()``. It equals ``estimate`` for
        equal test sizes; with unequal ones ``estimate`` weighs each split by its
        test size (it pools the per-sample values) and the two differ.
    splits : SplitIndices
        The ``(train, test)`` index arrays.
    sample_index, sample_split : ndarray
        For every held-out prediction, its row in X and the split it came from.
    sample_values : ndarray or None
        The per-sample held-out values of the metric in the scorer's sign (for
        example minus the squared error), aligned with ``sample_index``; None when
        the metric is not a mean of per-sample values.
    predictions : ndarray or None
        The held-out predictions used for scoring, aligned with ``sample_index``.
    scoring : str
        Name of the metric.
    computation : str
        ``"closed form"`` or ``"refits"``.
    batched : bool
        Whether the fold models were fitted together by the estimator's
        ``fit_folds``.
    notes : tuple of str
        Anything the user should know about how the numbers were obtained.
    fit_times, score_times : ndarray
        Seconds per split (zeros for the closed form).
    interval : str
        Which interval ``standard_error`` and ``confidence_interval`` describe:
        ``"naive"`` or ``"nested"`` (Bates, Hastie & Tibshirani; see ``nested``).
    naive_standard_error : float or None
        The naive standard error, whatever ``interval`` is.
    nested : NestedCVResult or None
        The nested cross-validation estimates (``interval="nested"``).
    estimate_adjusted : float or None
        Davison-Hinkley bias-adjusted k-fold estimate (R's ``boot::cv.glm``
        ``delta[2]``), in the scorer's sign; NaN where undefined (``notes`` say
        why), None for methods that do not compute it.
    oof_predictions : ndarray or None
        Per row, the held-out predictions averaged over the splits that held it out
        (majority vote for class labels); NaN for rows never held out.
    oof_counts : ndarray or None
        Per row, how many splits held it out.
    failures : tuple of (int, str)
        The splits whose fit or scoring failed (with ``error_score`` a number), each
        with ``"ExceptionType: message"``; the estimate rests on the others.
    train_scores : ndarray of shape (n_splits,) or None
        With ``return_train_score=True``: each split's model scored on its own
        training rows (``cross_validate``'s ``train_score``).

    Notes
    -----
    Memory is O(number of splits + held-out rows): the splits keep only their test
    indices when training sets are complements (LOOCV at n = 20,000 holds 20,000
    indices, not 400 million), and the per-sample arrays hold one entry per
    held-out row (``tests/test_memory_bounds.py`` checks the bound).
    """

    estimate: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    scores: np.ndarray
    splits: SplitIndices
    sample_index: np.ndarray
    sample_split: np.ndarray
    sample_values: np.ndarray | None
    predictions: np.ndarray | None
    scoring: str
    computation: str
    batched: bool = False
    notes: tuple = ()
    fit_times: np.ndarray | None = None
    score_times: np.ndarray | None = None
    method: str = "cross-validation"
    repeats: np.ndarray | None = field(default=None, repr=False)
    interval: str = "naive"
    naive_standard_error: float | None = None
    nested: object = field(default=None, repr=False)
    estimate_adjusted: float | None = None
    oof_predictions: np.ndarray | None = field(default=None, repr=False)
    oof_counts: np.ndarray | None = field(default=None, repr=False)
    failures: tuple = ()
    mean_score: float | None = None
    train_scores: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_splits(self):
        return len(self.scores)

    def to_frame(self):
        """One row per split: its index, repeat, sizes, score and times.

        Examples
        --------
        >>> from sklearn.linear_model import LinearRegression
        >>> from resample import KFoldCV
        >>> from resample.datasets import load_auto
        >>> auto = load_auto()
        >>> cv = KFoldCV(LinearRegression(), n_splits=5).fit(auto[["horsepower"]], auto["mpg"])
        >>> list(cv.result_.to_frame().columns)
        ['split', 'repeat', 'n_train', 'n_test', 'score', 'fit_time', 'score_time']
        """
        import pandas as pd

        n = self.n_splits
        return pd.DataFrame(
            {
                "split": np.arange(n),
                "repeat": self.repeats if self.repeats is not None else np.zeros(n, dtype=int),
                "n_train": [self.splits.train_size(i) for i in range(n)],
                "n_test": [len(self.splits.test(i)) for i in range(n)],
                "score": self.scores,
                **({} if self.train_scores is None else {"train_score": self.train_scores}),
                "fit_time": self.fit_times if self.fit_times is not None else np.zeros(n),
                "score_time": self.score_times if self.score_times is not None else np.zeros(n),
            }
        )

    def plot(self, ax=None, **kwargs):
        """Draw the split scores with the estimate and its interval (needs matplotlib).

        See :func:`resample._plotting.plot_cv_result`; returns the matplotlib Axes.
        """
        from resample._plotting import plot_cv_result

        return plot_cv_result(self, ax=ax, **kwargs)

    def _repr_html_(self):
        """A small HTML table (estimate, standard error, interval, computation, notes) for Jupyter."""
        from resample._utils.html_repr import result_html

        computation = self.computation + (", batched" if self.batched else "")
        details = [("method", self.method), ("splits", self.n_splits), ("computation", computation)]
        if self.estimate_adjusted is not None and np.isfinite(self.estimate_adjusted):
            details.append(("Davison-Hinkley adjusted estimate", f"{self.estimate_adjusted:.6g}"))
        if self.failures:
            details.append(("failed splits", len(self.failures)))
        return result_html(
            f"CVResult: {self.method}", estimate=self.estimate, standard_error=self.standard_error,
            confidence_interval=self.confidence_interval, confidence_level=self.confidence_level,
            interval_name=self.interval, label=self.scoring, details=details, notes=self.notes,
        )

    def __repr__(self):
        low, high = self.confidence_interval
        text = (
            f"CVResult({self.method}, {self.scoring}: estimate={self.estimate:.6g}, "
            f"standard_error={self.standard_error:.3g}, "
            f"{self.confidence_level:.0%} CI=({low:.6g}, {high:.6g}) [{self.interval}], "
            f"n_splits={self.n_splits}, computation={self.computation!r}"
        )
        if self.batched:
            text += ", batched"
        if self.notes:
            text += f", notes={len(self.notes)}"
        return text + ")"
