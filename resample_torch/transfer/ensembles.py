"""Ensembles of torch classifiers: fold ensembles, snapshot ensembles, weight averages.

- :class:`FoldEnsembleClassifier`: the K fold models of a cross-validation
  (``KFoldCV(..., return_estimator=True)``) averaged in probability space. Its log
  loss on any row is at most the mean of its members' (the log loss is convex in the
  probabilities: Jensen's inequality), so a CV that trains K models anyway gets this
  for free.
- :class:`SnapshotEnsembleClassifier`: one training run with a cyclic cosine learning
  rate and warm restarts (Loshchilov & Hutter 2017, ``CosineAnnealingWarmRestarts``),
  a snapshot of the weights at each cycle's end, their probabilities averaged
  (Huang et al. 2017).
- :class:`AveragedFineTuneClassifier`: an exponential moving average (or the
  Polyak/SWA equal-weight average) of the weights along training, through
  ``torch.optim.swa_utils.AveragedModel``; BatchNorm statistics are recomputed for
  the averaged weights with ``swa_utils.update_bn`` when the layers trained theirs.

Probabilities are mixed, never logits: the mean of probabilities is a proper
predictive distribution and is what the convexity bound is about.
"""

import copy

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted
from torch.optim import swa_utils
from torch.optim.lr_scheduler import CosineAnnealingWarmRestarts

from resample_torch._checks import check_choice, check_dropout, check_int
from resample_torch.tabular.supervised import train_loop
from resample_torch.transfer.finetune import FineTuneClassifier, _softmax

__all__ = ["AveragedFineTuneClassifier", "FoldEnsembleClassifier", "SnapshotEnsembleClassifier"]


class FoldEnsembleClassifier(ClassifierMixin, BaseEstimator):
    """Average the predicted probabilities of already fitted classifiers.

    Parameters
    ----------
    estimators : list of fitted classifiers
        Typically a cross-validation's fold models (``cv.estimators_``); all must
        have the same ``classes_`` and a ``predict_proba``.

    Attributes
    ----------
    classes_ : ndarray

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from resample import KFoldCV
    >>> X, y = load_iris(return_X_y=True)
    >>> cv = KFoldCV(LogisticRegression(max_iter=500), n_splits=3, return_estimator=True).fit(X, y)
    >>> ens = FoldEnsembleClassifier.from_cv(cv)
    >>> len(ens.estimators), ens.predict_proba(X[:2]).shape
    (3, (2, 3))
    """

    def __init__(self, estimators):
        self.estimators = estimators

    @classmethod
    def from_cv(cls, cv):
        """The fold ensemble of a fitted cross-validation run with ``return_estimator=True``."""
        models = getattr(cv, "estimators_", None)
        if models is None:
            raise ValueError(
                f"{type(cv).__name__} has no fold models; fit it with return_estimator=True to build a fold ensemble."
            )
        failed = [i for i, m in enumerate(models) if m is None]
        if failed:
            raise ValueError(f"the fits of splits {failed} failed; a fold ensemble needs every fold model.")
        return cls(list(models)).fit()

    def fit(self, X=None, y=None):
        """Check the members (they are used as fitted; nothing is trained).

        Returns
        -------
        self
        """
        if not isinstance(self.estimators, (list, tuple)) or len(self.estimators) == 0:
            raise ValueError(f"estimators must be a non-empty list of fitted classifiers; got {self.estimators!r}.")
        classes = None
        for i, est in enumerate(self.estimators):
            check_is_fitted(est)
            if not hasattr(est, "predict_proba"):
                raise TypeError(f"estimators[{i}] ({type(est).__name__}) has no predict_proba; probabilities are averaged.")
            if classes is None:
                classes = np.asarray(est.classes_)
            elif not np.array_equal(classes, est.classes_):
                raise ValueError(
                    f"estimators[{i}] has classes {list(est.classes_)} but estimators[0] has {list(classes)}; "
                    "every fold must see every class (stratify the folds)."
                )
        self.classes_ = classes
        return self

    def __sklearn_is_fitted__(self):
        return hasattr(self, "classes_")

    def predict_proba(self, X):
        """The mean of the members' class probabilities."""
        check_is_fitted(self)
        return np.mean([est.predict_proba(X) for est in self.estimators], axis=0)

    def predict(self, X):
        """The class of highest mean probability."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class _AfterStep:
    """An optimizer whose ``step`` also calls ``after()``: per-step hooks for the plain loop."""

    def __init__(self, optimizer, after):
        self.optimizer, self.after = optimizer, after

    def zero_grad(self, set_to_none=True):
        self.optimizer.zero_grad(set_to_none=set_to_none)

    def step(self):
        self.optimizer.step()
        self.after()


def _steps_per_epoch(n, batch_size):
    return -(-n // batch_size)


class SnapshotEnsembleClassifier(FineTuneClassifier):
    """Fine-tuning with cyclic cosine learning rates; the snapshots' probabilities averaged.

    Takes every parameter of :class:`FineTuneClassifier`, plus:

    Parameters
    ----------
    n_snapshots : int, default=3
        Cycles of the cosine schedule, and snapshots (one at each cycle's end).
        ``max_epochs - freeze_epochs`` must be a multiple of it.

    Attributes
    ----------
    snapshots_ : list of FineTuneNet
        The snapshot networks (in eval mode); ``module_`` is the last.

    Examples
    --------
    >>> import numpy as np
    >>> from torch import nn
    >>> net = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 1000))
    >>> X = np.random.default_rng(0).normal(size=(40, 1, 4, 4)).astype(np.float32)
    >>> y = (X.mean(axis=(1, 2, 3)) > 0).astype(int)
    >>> clf = SnapshotEnsembleClassifier(net, n_snapshots=2, max_epochs=4, random_state=0).fit(X, y)
    >>> len(clf.snapshots_)
    2
    """

    def __init__(
        self, backbone, *, n_snapshots=3, head_layer="auto", head=None, preprocess=None, augment=None,
        lr_head=1e-2, lr_backbone=1e-5, weight_decay=0.0, optimizer="adam", optimizer_params=None,
        max_epochs=6, freeze_epochs=0, batchnorm="frozen", batch_size=32, device="auto",
        keep_on_device=False, random_state=None,
    ):
        super().__init__(
            backbone, head_layer=head_layer, head=head, preprocess=preprocess, augment=augment, lr_head=lr_head,
            lr_backbone=lr_backbone, weight_decay=weight_decay, optimizer=optimizer,
            optimizer_params=optimizer_params, max_epochs=max_epochs, freeze_epochs=freeze_epochs,
            batchnorm=batchnorm, batch_size=batch_size, device=device, keep_on_device=keep_on_device,
            random_state=random_state,
        )
        self.n_snapshots = n_snapshots

    def _check_params(self):
        device = super()._check_params()
        check_int(self.n_snapshots, "n_snapshots", low=1)
        epochs = self.max_epochs - self.freeze_epochs
        if epochs % self.n_snapshots:
            raise ValueError(
                f"max_epochs - freeze_epochs = {epochs} is not a multiple of n_snapshots={self.n_snapshots}; "
                "every cosine cycle must have the same number of epochs."
            )
        return device

    def _train(self, net, Xt, yt, optimizer):
        criterion = self._criterion()
        history = self._train_frozen(net, Xt, yt, optimizer)
        cycle = (self.max_epochs - self.freeze_epochs) // self.n_snapshots
        # One cosine from each group's lr down to 0 per cycle, stepped every batch.
        steps = cycle * _steps_per_epoch(len(Xt), self.batch_size)
        schedule = CosineAnnealingWarmRestarts(optimizer, T_0=steps)
        stepper = _AfterStep(optimizer, schedule.step)
        snapshots = []
        for _ in range(self.n_snapshots):
            history += train_loop(
                net, Xt, yt, criterion, stepper, max_epochs=cycle, batch_size=self.batch_size, shuffle=True
            )
            snapshots.append(copy.deepcopy(net).eval())
        self._snapshots = snapshots
        return history

    def fit(self, X, y):
        super().fit(X, y)
        device = self.device_
        self.snapshots_ = [s.to(device) for s in self._snapshots]
        self.module_ = self.snapshots_[-1]
        del self._snapshots
        return self

    def predict_proba(self, X):
        """The mean of the snapshots' class probabilities."""
        check_is_fitted(self)
        return np.mean([_softmax(self._logits(X, net)) for net in self.snapshots_], axis=0)

    def decision_function(self, X):
        """Log of the mean probabilities (what the ensemble predicts), one column per class."""
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """The class of highest mean probability."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


_AVERAGING = {"ema": "exponential moving average", "swa": "equal-weight (Polyak) average"}


class AveragedFineTuneClassifier(FineTuneClassifier):
    """Fine-tuning whose final weights are an average of the weights along training.

    Takes every parameter of :class:`FineTuneClassifier`, plus:

    Parameters
    ----------
    averaging : {"ema", "swa"}, default="ema"
        "ema": exponential moving average, updated after every optimizer step;
        "swa": equal-weight average of the weights at the end of each epoch from
        ``average_start`` on (Polyak averaging as in SWA).
    ema_decay : float, default=0.99
        Weight of the old average at each EMA update.
    average_start : int, default=0
        First epoch (0-based, after the frozen ones) whose weights enter the SWA average.

    Notes
    -----
    BatchNorm: with ``batchnorm="frozen"`` the running statistics never change, so
    the averaged network keeps the pretrained ones. With ``batchnorm="train"`` the
    statistics of no single step belong to the averaged weights, so they are
    recomputed in one pass over the training images (without augmentation) with
    ``torch.optim.swa_utils.update_bn``.

    Attributes
    ----------
    module_ : FineTuneNet
        The averaged network.

    Examples
    --------
    >>> import numpy as np
    >>> from torch import nn
    >>> net = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.BatchNorm1d(8), nn.Linear(8, 1000))
    >>> X = np.random.default_rng(0).normal(size=(40, 1, 4, 4)).astype(np.float32)
    >>> y = (X.mean(axis=(1, 2, 3)) > 0).astype(int)
    >>> clf = AveragedFineTuneClassifier(net, batchnorm="train", max_epochs=3, random_state=0).fit(X, y)
    >>> clf.predict(X).shape
    (40,)
    """

    def __init__(
        self, backbone, *, averaging="ema", ema_decay=0.99, average_start=0, head_layer="auto", head=None,
        preprocess=None, augment=None, lr_head=1e-2, lr_backbone=1e-5, weight_decay=0.0, optimizer="adam",
        optimizer_params=None, max_epochs=5, freeze_epochs=0, batchnorm="frozen", batch_size=32,
        device="auto", keep_on_device=False, random_state=None,
    ):
        super().__init__(
            backbone, head_layer=head_layer, head=head, preprocess=preprocess, augment=augment, lr_head=lr_head,
            lr_backbone=lr_backbone, weight_decay=weight_decay, optimizer=optimizer,
            optimizer_params=optimizer_params, max_epochs=max_epochs, freeze_epochs=freeze_epochs,
            batchnorm=batchnorm, batch_size=batch_size, device=device, keep_on_device=keep_on_device,
            random_state=random_state,
        )
        self.averaging = averaging
        self.ema_decay = ema_decay
        self.average_start = average_start

    def _check_params(self):
        device = super()._check_params()
        check_choice(self.averaging, "averaging", _AVERAGING)
        check_dropout(self.ema_decay, "ema_decay")  # the same rule: a float in [0, 1)
        check_int(self.average_start, "average_start", low=0)
        if self.average_start >= self.max_epochs - self.freeze_epochs:
            raise ValueError(
                f"average_start={self.average_start} leaves no epoch to average: it must be below "
                f"max_epochs - freeze_epochs = {self.max_epochs - self.freeze_epochs}."
            )
        return device

    def _train(self, net, Xt, yt, optimizer):
        criterion = self._criterion()
        history = self._train_frozen(net, Xt, yt, optimizer)
        epochs = self.max_epochs - self.freeze_epochs
        if self.averaging == "ema":
            averaged = swa_utils.AveragedModel(net, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(self.ema_decay))
            stepper = _AfterStep(optimizer, lambda: averaged.update_parameters(net))
            history += train_loop(net, Xt, yt, criterion, stepper, max_epochs=epochs, batch_size=self.batch_size, shuffle=True)
        else:
            averaged = swa_utils.AveragedModel(net)
            for epoch in range(epochs):
                history += train_loop(net, Xt, yt, criterion, optimizer, max_epochs=1, batch_size=self.batch_size, shuffle=True)
                if epoch >= self.average_start:
                    averaged.update_parameters(net)
        final = averaged.module
        if self.batchnorm == "train":
            augment, final.augment = final.augment, None  # statistics of the images themselves
            batches = [Xt[i : i + self.batch_size] for i in range(0, len(Xt), self.batch_size)]
            swa_utils.update_bn(batches, final)
            final.augment = augment
        self._averaged = final
        return history

    def fit(self, X, y):
        super().fit(X, y)
        net = self._averaged
        del self._averaged
        net.freeze_backbone(False)
        return self._finish(net, self.device_)
