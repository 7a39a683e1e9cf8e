"""Learning curves across the folds of a cross-validation.

Each fold's model is trained on its training rows while, after every epoch, it is
scored on its held-out rows: the held-out loss (the training criterion; bits per
character for a language model) and optionally a metric (any scikit-learn
scoring). Across folds that gives, per epoch, the mean held-out loss and its
standard error (the standard deviation over folds over sqrt(number of folds), the
naive SE of :class:`resample.KFoldCV`); the number of epochs chosen by CV is the
epoch of lowest mean, or the fewest epochs whose mean is within one standard error
of it (the one-standard-error rule of ESL section 7.10).
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv

from resample_torch.curves.diagnosis import diagnose
from resample_torch.lm.model import CharRNNLanguageModel

__all__ = ["LearningCurves", "learning_curves"]


@dataclass(frozen=True, eq=False)
class LearningCurves:
    """Per-fold, per-epoch training and held-out curves; see :func:`learning_curves`.

    Arrays are ``(n_folds, n_epochs)``, NaN where a fold stopped early.
    """

    epochs: np.ndarray
    train_loss: np.ndarray
    heldout_loss: np.ndarray
    metric: np.ndarray  # or None
    metric_name: str  # or None
    unit: str

    @property
    def mean(self):
        """Mean held-out loss over folds, per epoch."""
        return np.nanmean(self.heldout_loss, axis=0)

    @property
    def standard_error(self):
        """Standard deviation over folds / sqrt(folds), per epoch (NaN with one fold)."""
        n = np.sum(~np.isnan(self.heldout_loss), axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.nanstd(self.heldout_loss, axis=0, ddof=1) / np.sqrt(n)

    @property
    def best_epoch(self):
        """The number of epochs of lowest mean held-out loss."""
        return int(self.epochs[np.nanargmin(self.mean)])

    @property
    def one_se_epoch(self):
        """The fewest epochs whose mean held-out loss is within one SE of the lowest."""
        i = int(np.nanargmin(self.mean))
        se = self.standard_error[i]
        bound = self.mean[i] + (0.0 if np.isnan(se) else se)
        return int(self.epochs[np.flatnonzero(self.mean <= bound)[0]])

    def diagnose(self):
        """Short sentences on what the curves show (see :func:`resample_torch.curves.diagnosis.diagnose`)."""
        return diagnose(self)

    def to_frame(self):
        """One row per fold and epoch: ``fold``, ``epoch``, ``train_loss``, ``heldout_loss`` (and the metric)."""
        n_folds, n_epochs = self.heldout_loss.shape
        frame = pd.DataFrame({
            "fold": np.repeat(np.arange(n_folds), n_epochs),
            "epoch": np.tile(self.epochs, n_folds),
            "train_loss": self.train_loss.ravel(),
            "heldout_loss": self.heldout_loss.ravel(),
        })
        if self.metric is not None:
            frame[self.metric_name] = self.metric.ravel()
        return frame.dropna(subset=["heldout_loss"]).reset_index(drop=True)

    def plot(self, ax=None):
        """Training and held-out loss per epoch: folds thin, mean with its SE band, the chosen epochs marked.

        Returns the matplotlib Figure.
        """
        from resample_torch.curves.plots import plot_learning_curves

        return plot_learning_curves(self, ax=ax)

    def __repr__(self):
        n_folds, n_epochs = self.heldout_loss.shape
        return (f"LearningCurves({n_folds} folds x {n_epochs} epochs, {self.unit}: best epoch {self.best_epoch} "
                f"(mean {self.mean[self.best_epoch - 1]:.4g}), one-SE epoch {self.one_se_epoch})")


def _monitor(est, X_test, y_test, scorer, is_lm):
    """The per-epoch callback: held-out loss (and metric) of the model being trained."""

    def on_epoch(epoch, module):
        est.module_ = module  # a fitted view for scoring; fit sets these for good at the end
        est.device_ = next(module.parameters()).device
        if is_lm:
            out = {"heldout_loss": -est.score(X_test) / math.log(2)}
        else:
            out = {"heldout_loss": est._heldout_loss(X_test, y_test)}
        if scorer is not None:
            out["metric"] = float(scorer(est, X_test, y_test))
        module.train()
        return out

    return on_epoch


def _index(X, rows):
    return X.iloc[rows] if hasattr(X, "iloc") else X[rows]


def learning_curves(estimator, X, y=None, *, cv=5, groups=None, scoring=None):
    """Per-fold, per-epoch held-out loss of a torch estimator: the curves that choose the epochs.

    Parameters
    ----------
    estimator : TorchClassifier, TorchRegressor or CharRNNLanguageModel
        Cloned for each fold; trained for its ``max_epochs`` (early stopping, if on,
        may stop a fold sooner: its later epochs are NaN).
    X, y : the data; ``y`` is None for a language model
    cv : int, cross-validation generator or iterable, default=5
        As scikit-learn's ``cv`` (stratified k-fold for a classifier when an int).
        For text pass a blocked splitter (``resample.splitters.BlockedKFold``).
    groups : array-like, default=None
        Group labels for a group splitter.
    scoring : str or callable, default=None
        A metric computed on the held-out rows after every epoch as well (for
        example ``"accuracy"``).

    Returns
    -------
    LearningCurves
        ``heldout_loss`` and ``train_loss`` per fold and epoch (in the criterion's
        units; bits per character for a language model), ``mean``,
        ``standard_error``, ``best_epoch``, ``one_se_epoch``, ``to_frame()``,
        ``plot()`` and ``diagnose()``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from resample_torch import TorchClassifier
    >>> X, y = make_classification(120, 5, random_state=0)
    >>> clf = TorchClassifier(lr=0.01, max_epochs=4, device="cpu", random_state=0)
    >>> curves = learning_curves(clf, X, y, cv=3, scoring="accuracy")
    >>> curves.heldout_loss.shape, 1 <= curves.one_se_epoch <= curves.best_epoch <= 4
    ((3, 4), True)
    """
    is_lm = isinstance(estimator, CharRNNLanguageModel)
    if not hasattr(estimator, "_fit"):
        raise TypeError(
            f"estimator must be a TorchClassifier, TorchRegressor or CharRNNLanguageModel; got {type(estimator).__name__}."
        )
    estimator._check_params()  # bad parameters fail before any fold trains
    splitter = check_cv(cv, y, classifier=is_classifier(estimator))
    splits = list(splitter.split(X, y, groups))
    scorer = None if scoring is None else check_scoring(estimator, scoring)
    rows = []
    for train, test in splits:
        est = clone(estimator)
        X_test = _index(X, test)
        y_test = None if y is None else _index(y, test)
        on_epoch = _monitor(est, X_test, y_test, scorer, is_lm)
        if is_lm:
            est._fit(_index(X, train), on_epoch=on_epoch)
        else:
            est._fit(_index(X, train), _index(y, train), on_epoch=on_epoch)
        rows.append(est.history_)
    return _collect(rows, estimator.max_epochs, is_lm, scoring)


def _collect(histories, max_epochs, is_lm, scoring):
    shape = (len(histories), max_epochs)
    train, held, metric = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    to_unit = 1 / math.log(2) if is_lm else 1.0  # the LM's training loss is in nats per symbol
    for k, h in enumerate(histories):
        n = len(h)
        train[k, :n] = h["train_loss"].to_numpy() * to_unit
        held[k, :n] = h["heldout_loss"].to_numpy()
        if scoring is not None:
            metric[k, :n] = h["metric"].to_numpy()
    name = None if scoring is None else (scoring if isinstance(scoring, str) else getattr(scoring, "__name__", "metric"))
    return LearningCurves(np.arange(1, max_epochs + 1), train, held, metric if scoring is not None else None, name,
                          "bits per character" if is_lm else "loss")
