"""Cross-validation estimators of test error: validation set, LOOCV, k-fold.

Each class is a scikit-learn meta-estimator (like ``GridSearchCV``): it wraps an
estimator, ``fit`` runs the resampling and refits on all the data, and afterwards
holds ``estimate_``, ``standard_error_``, ``scores_``, ``result_``, ``estimator_``.
The classes differ only in how they split; everything else is
:class:`resample._model_selection.base.BaseCV`.
"""

import numbers

import numpy as np
from sklearn.base import is_classifier
from sklearn.model_selection import (
    GroupKFold,
    check_cv,
    KFold,
    LeaveOneGroupOut,
    LeaveOneOut,
    RepeatedKFold,
    RepeatedStratifiedKFold,
    ShuffleSplit,
    StratifiedGroupKFold,
    StratifiedKFold,
    StratifiedShuffleSplit,
)
from sklearn.utils.multiclass import type_of_target

from resample._model_selection.base import BaseCV
from resample._model_selection.engine import as_index
from resample._model_selection.params_doc import SHARED_PARAMETERS_DOC
from resample._model_selection.results import SplitIndices
from resample._utils.checks import check_n_splits, check_test_size
from resample._utils.deprecation import DEPRECATED
from resample._utils.random import int_seed
from resample._utils.sklearn_compat import HasMethods, Interval, StrOptions

__all__ = ["ValidationSetCV", "LeaveOneOutCV", "KFoldCV"]


def _stratify(estimator, y, stratify):
    if stratify is False or y is None:
        return False
    auto = is_classifier(estimator) and type_of_target(y) in ("binary", "multiclass")
    if stratify == "auto":
        return auto
    if type_of_target(y) not in ("binary", "multiclass"):
        raise ValueError(
            f"stratify=True needs class labels in y (binary or multiclass); y looks {type_of_target(y)}."
        )
    return True


def _check_class_counts(y, n_splits, name="n_splits"):
    classes, counts = np.unique(np.asarray(y), return_counts=True)
    small = counts < n_splits
    if small.any():
        c, k = classes[small][0], int(counts[small][0])
        c = c.item() if isinstance(c, np.generic) else c  # show 1, not np.int64(1)
        fix = f"use {name} <= {counts.min()}, " if counts.min() >= 2 else ""
        raise ValueError(
            f"Stratified splitting needs every class in every fold, but class {c!r} has only {k} samples, "
            f"fewer than {name}={n_splits}. To fix it: {fix}merge rare classes, or pass stratify=False."
        )


def _stream(pairs, n):
    """Read ``(train, test)`` pairs one at a time, keeping only what is not a complement."""
    return SplitIndices.from_pairs(n, ((as_index(tr), as_index(te)) for tr, te in pairs))


#: scikit-learn splitters whose training set is, by construction, the complement of
#: the test set (exact types: a subclass may change that). ShuffleSplit only
#: without a train_size.
_COMPLEMENT_SPLITTERS = {
    KFold,
    StratifiedKFold,
    RepeatedKFold,
    RepeatedStratifiedKFold,
    GroupKFold,
    StratifiedGroupKFold,
    LeaveOneOut,
    LeaveOneGroupOut,
    ShuffleSplit,
    StratifiedShuffleSplit,
}


def _complement_splits(splitter, X, y, groups, n):
    """Splits of a scikit-learn splitter whose training sets are complements by construction."""
    return SplitIndices(n, [as_index(te) for _, te in splitter.split(X, y, groups)])


class KFoldCV(BaseCV):
    __doc__ = (
        """K-fold cross-validation estimate of test error (ISLR section 5.1.3).

    The rows are cut into ``n_splits`` folds; each fold is held out once while the
    estimator is fitted on the others. Repeated k-fold reshuffles ``n_repeats``
    times. Classifiers with class labels are stratified by default. Any
    scikit-learn splitter can be passed as ``cv``.

    Parameters
    ----------
    estimator : estimator object
        Cloned before every fit; the caller's object is never changed.
    n_splits : int, default=5
    shuffle : bool, default=False
        Shuffle rows before cutting folds (needed for ``n_repeats > 1``).
    n_repeats : int, default=1
    stratify : "auto" or bool, default="auto"
        "auto" stratifies for classifiers on binary or multiclass targets.
    cv : int, splitter or iterable of (train, test), default=None
        Overrides ``n_splits``, ``shuffle``, ``n_repeats`` and ``stratify``,
        as ``cross_validate``'s ``cv``: an int K gives what scikit-learn's
        ``check_cv(K, y, classifier=...)`` gives (``StratifiedKFold(K)`` for a
        classifier on class labels, ``KFold(K)`` otherwise, both unshuffled); a
        splitter (e.g. ``BlockedKFold(5, gap=1)``, ``LeaveOneGroupOut()``) or
        explicit splits are used as given.
    interval : {"naive", "nested"}, default="naive"
        What ``standard_error_`` and ``confidence_interval`` report. "naive": the
        spread of the split scores, which ignores that training sets overlap and
        under-covers. "nested": nested cross-validation (Bates, Hastie &
        Tibshirani 2023, :mod:`resample._model_selection.nested`), an interval for the error of
        the model fitted to these data, centred at a bias-corrected estimate.
        Its standard error is at least the per-sample naive one (std of the
        held-out losses over sqrt(n)), which can be smaller than the fold-based
        ``naive_standard_error_``. Needs a per-sample metric, ``n_splits >= 3``
        and ``cv=None``. It costs
        ``nested_repeats * (K (K - 1) / 2 + K)`` extra fits, none for
        least-squares models with squared error (batched closed form).
    nested_repeats : int, default=50
        Random partitions the nested estimate averages over (``interval="nested"``).
"""
        + SHARED_PARAMETERS_DOC
        + """    estimate_adjusted_ : float
        Davison-Hinkley bias-adjusted estimate (R's ``boot::cv.glm``,
        ``delta[2]``): ``estimate_`` plus the full fit's apparent error minus the
        fold fits' average apparent error on all rows. NaN where undefined (a
        metric that is not per-sample, ``refit=False`` with refits, splits that
        are not complements); ``result_.notes`` say why.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from resample import KFoldCV
    >>> from resample.datasets import load_auto
    >>> auto = load_auto()
    >>> cv = KFoldCV(LinearRegression(), n_splits=10, shuffle=True, random_state=0,
    ...              scoring="neg_mean_squared_error").fit(auto[["horsepower"]], auto["mpg"])
    >>> round(-cv.estimate_, 1), cv.result_.computation
    (24.2, 'closed form')

    The nested interval, with the naive one beside it:

    >>> cv = KFoldCV(LinearRegression(), n_splits=10, shuffle=True, random_state=0, interval="nested",
    ...              scoring="neg_mean_squared_error").fit(auto[["horsepower"]], auto["mpg"])
    >>> nested, naive = cv.confidence_interval(0.9), cv.naive_confidence_interval(0.9)
    >>> cv.result_.interval, bool(nested.low < cv.nested_.estimate < nested.high), bool(cv.nested_.inflation >= 1)
    ('nested', True, True)
    """
    )

    _parameter_constraints = {
        **BaseCV._parameter_constraints,
        "n_splits": [Interval(numbers.Integral, 2, None, closed="left")],
        "shuffle": ["boolean"],
        "n_repeats": [Interval(numbers.Integral, 1, None, closed="left")],
        "stratify": [StrOptions({"auto"}), "boolean"],
        "cv": [Interval(numbers.Integral, 2, None, closed="left"), HasMethods(["split", "get_n_splits"]),
               "array-like", None],
        "interval": [StrOptions({"naive", "nested"})],
        "nested_repeats": [Interval(numbers.Integral, 1, None, closed="left")],
    }
    _method = "k-fold"
    _adjust = True

    def __init__(
        self,
        estimator,
        *,
        n_splits=5,
        shuffle=False,
        n_repeats=1,
        stratify="auto",
        cv=None,
        interval="naive",
        nested_repeats=50,
        scoring=None,
        n_jobs=None,
        random_state=None,
        error_score="raise",
        refit=True,
        return_estimator=False,
        return_train_score=False,
        batch_folds="auto",
        shortcut="auto",
        progress=False,
        memory=None,
        return_estimators=DEPRECATED,
    ):
        super().__init__(
            estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            random_state=random_state,
            error_score=error_score,
            refit=refit,
            return_estimator=return_estimator,
            return_train_score=return_train_score,
            batch_folds=batch_folds,
            shortcut=shortcut,
            progress=progress,
            memory=memory,
            return_estimators=return_estimators,
        )
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.n_repeats = n_repeats
        self.stratify = stratify
        self.cv = cv
        self.interval = interval
        self.nested_repeats = nested_repeats

    def _nested_labels(self, y):
        if not _stratify(self.estimator, y, self.stratify):
            return None
        _check_class_counts(y, self.n_splits)
        return np.asarray(y)

    def _check_params(self, n_samples):
        if isinstance(self.cv, numbers.Integral):
            check_n_splits(int(self.cv), n_samples, name="cv")
            return
        if self.cv is not None:
            return
        check_n_splits(self.n_splits, n_samples)
        if self.n_repeats > 1 and not self.shuffle:
            raise ValueError(
                f"n_repeats={self.n_repeats} with shuffle=False would repeat identical folds; "
                "set shuffle=True (each repeat reshuffles) or n_repeats=1."
            )

    def _make_splits(self, X, y, groups, n, rng):
        cv = self.cv
        if isinstance(cv, numbers.Integral):  # scikit-learn's own choice of splitter for an int
            cv = check_cv(int(cv), y, classifier=is_classifier(self.estimator))
        if cv is not None:
            if type(cv) in _COMPLEMENT_SPLITTERS and getattr(cv, "train_size", None) is None:
                splits = _complement_splits(cv, X, y, groups, n)  # no training arrays to check
                if not len(splits):
                    raise ValueError(f"cv={self.cv!r} produced no splits.")
                return splits, np.zeros(len(splits), dtype=int)
            if isinstance(cv, SplitIndices):  # already compact (compare, nested)
                pairs = cv
            elif hasattr(cv, "split"):
                pairs = _stream(cv.split(X, y, groups), n)
            else:
                pairs = _stream(cv, n)
            if not len(pairs):
                raise ValueError(f"cv={self.cv!r} produced no splits.")
            return pairs, np.zeros(len(pairs), dtype=int)
        stratified = _stratify(self.estimator, y, self.stratify)
        if stratified:
            _check_class_counts(y, self.n_splits)
        seed = int_seed(rng) if self.shuffle else None
        if self.n_repeats > 1:
            cls = RepeatedStratifiedKFold if stratified else RepeatedKFold
            splitter = cls(n_splits=self.n_splits, n_repeats=self.n_repeats, random_state=seed)
        else:
            cls = StratifiedKFold if stratified else KFold
            splitter = cls(n_splits=self.n_splits, shuffle=self.shuffle, random_state=seed)
        splits = _complement_splits(splitter, X, y, groups, n)
        return splits, np.arange(len(splits)) // self.n_splits


class LeaveOneOutCV(BaseCV):
    __doc__ = (
        """Leave-one-out cross-validation estimate of test error (ISLR section 5.1.2).

    Each row is held out once and the estimator fitted on the other n - 1. For
    least-squares models with squared error this takes no refits at all (the
    leverage formula ``e_i = r_i / (1 - h_ii)``, ISLR eq. 5.2). Metrics that are
    not a mean over samples (R^2) are computed on the pooled held-out predictions.

    Parameters
    ----------
    estimator : estimator object
"""
        + SHARED_PARAMETERS_DOC.replace("Seed of the splits.", "Unused (LOOCV is deterministic); kept so every CV class shares a signature.")
        + """
    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import PolynomialFeatures
    >>> from sklearn.linear_model import LinearRegression
    >>> from resample import LeaveOneOutCV
    >>> from resample.datasets import load_auto
    >>> auto = load_auto()
    >>> model = make_pipeline(PolynomialFeatures(2), LinearRegression())
    >>> cv = LeaveOneOutCV(model, scoring="neg_mean_squared_error").fit(auto[["horsepower"]], auto["mpg"])
    >>> round(-cv.estimate_, 2)
    19.25
    """
    )
    _method = "leave-one-out"

    def _make_splits(self, X, y, groups, n, rng):
        # scikit-learn's LeaveOneOut would build n training arrays of n - 1 indices
        return SplitIndices.leave_one_out(n), np.zeros(n, dtype=int)


class ValidationSetCV(BaseCV):
    __doc__ = (
        """Validation-set estimate of test error (ISLR section 5.1.1).

    The rows are split at random into a training and a validation set; the
    estimator is fitted on the first and scored on the second. One split is a
    noisy estimate (ISLR Figure 5.2): ``n_repeats`` draws several independent
    splits and averages them.

    Parameters
    ----------
    estimator : estimator object
    test_size : float or int, default=0.5
        Fraction in (0, 1), or a count, of rows held out.
    n_repeats : int, default=1
        Independent random splits.
    stratify : "auto" or bool, default="auto"
        "auto" stratifies for classifiers on binary or multiclass targets.
"""
        + SHARED_PARAMETERS_DOC
        + """
    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from resample import ValidationSetCV
    >>> from resample.datasets import load_auto
    >>> auto = load_auto()
    >>> cv = ValidationSetCV(LinearRegression(), n_repeats=10, random_state=1,
    ...                      scoring="neg_mean_squared_error").fit(auto[["horsepower"]], auto["mpg"])
    >>> len(cv.scores_), 20 < -cv.estimate_ < 30
    (10, True)
    """
    )

    _parameter_constraints = {
        **BaseCV._parameter_constraints,
        "test_size": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_repeats": [Interval(numbers.Integral, 1, None, closed="left")],
        "stratify": [StrOptions({"auto"}), "boolean"],
    }
    _method = "validation set"

    def __init__(
        self,
        estimator,
        *,
        test_size=0.5,
        n_repeats=1,
        stratify="auto",
        scoring=None,
        n_jobs=None,
        random_state=None,
        error_score="raise",
        refit=True,
        return_estimator=False,
        return_train_score=False,
        batch_folds="auto",
        shortcut="auto",
        progress=False,
        memory=None,
        return_estimators=DEPRECATED,
    ):
        super().__init__(
            estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            random_state=random_state,
            error_score=error_score,
            refit=refit,
            return_estimator=return_estimator,
            return_train_score=return_train_score,
            batch_folds=batch_folds,
            shortcut=shortcut,
            progress=progress,
            memory=memory,
            return_estimators=return_estimators,
        )
        self.test_size = test_size
        self.n_repeats = n_repeats
        self.stratify = stratify

    def _check_params(self, n_samples):
        check_test_size(self.test_size, n_samples)

    def _make_splits(self, X, y, groups, n, rng):
        stratified = _stratify(self.estimator, y, self.stratify)
        cls = StratifiedShuffleSplit if stratified else ShuffleSplit
        if stratified:
            _check_class_counts(y, 2, name="the number of sides of the split (2)")
        splitter = cls(n_splits=self.n_repeats, test_size=self.test_size, random_state=int_seed(rng))
        splits = _complement_splits(splitter, X, y, groups, n)
        return splits, np.arange(len(splits))
