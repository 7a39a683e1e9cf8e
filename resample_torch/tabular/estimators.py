"""scikit-learn estimators around a user's own ``nn.Module``.

``TorchClassifier`` and ``TorchRegressor`` take the module's class (or any factory)
with its keyword arguments, a loss, an optimizer and the usual training settings.
The training loop and the shared base live in :mod:`resample_torch.tabular.supervised`.
"""

import numpy as np
import torch
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from torch import nn

from resample_torch._checks import check_two_classes
from resample_torch.tabular.supervised import MLP, TorchSupervised

__all__ = ["MLP", "TorchClassifier", "TorchRegressor"]


class TorchClassifier(ClassifierMixin, TorchSupervised):
    """A scikit-learn classifier around a torch module that outputs class logits.

    Parameters
    ----------
    module : nn.Module class or callable, default=None
        Builds the network, called afresh in every ``fit`` as
        ``module(**module_params)``. If it accepts ``n_features_in``, ``n_outputs``
        or ``input_shape`` and ``module_params`` does not set them, ``fit`` passes
        the number of values in one row, the number of classes and the shape of
        one row. None is :class:`MLP`. Pass the class, not an
        instance: the weights must not pass from one fit (or fold) to the next.
    module_params : dict, default=None
        Keyword arguments of ``module``. ``set_params(module__hidden_sizes=...)``
        (skorch's convention, also in ``GridSearchCV``) sets one of them; likewise
        ``optimizer__<name>`` and ``lr_scheduler__<name>``.
    criterion : loss class, loss module or callable, default=None
        ``criterion(logits, target)``; None is ``nn.CrossEntropyLoss``. Targets are
        class indices ``0..n_classes-1`` (``classes_`` maps them back).
    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch.optim class, default="adam"
    optimizer_params : dict, default=None
        Extra keyword arguments of the optimizer.
    lr : float, default=1e-3
    weight_decay : float, default=0.0
    max_epochs : int, default=10
    batch_size : int, default=32
    shuffle : bool, default=True
        Draw a new order of the rows every epoch.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows given to ``fit`` (stratified for
        a classifier) and stop when their loss has not improved by at least ``tol``
        for ``n_iter_no_change`` epochs; the best epoch's weights are kept, as in
        scikit-learn's ``MLPClassifier``. Inside a cross-validation these rows come
        from the training fold only. False trains all ``max_epochs`` epochs.
    validation_fraction : float, default=0.1
    n_iter_no_change : int, default=10
    tol : float, default=1e-4
    lr_scheduler : torch.optim.lr_scheduler class, default=None
        Built in ``fit`` as ``lr_scheduler(optimizer, **lr_scheduler_params)`` and
        stepped once per epoch (``ReduceLROnPlateau`` with the validation loss, or
        the training loss without early stopping).
    lr_scheduler_params : dict, default=None
    num_workers : int, default=0
        DataLoader workers when ``X`` is a ``torch.utils.data.Dataset``.
    device : {"auto", "cpu", "cuda", "cuda:<i>"} or torch.device, default="auto"
        Resolved in ``fit``: "auto" is CUDA when available, else the CPU.
    keep_on_device : bool, default=False
        Leave the fitted module on ``device``; by default it moves to the CPU.
    random_state : int, numpy.random.Generator or None, default=None
        Seeds the weights and the order of the rows; the global random state is left
        as it was.

    Attributes
    ----------
    module_ : nn.Module
        The fitted network (in eval mode).
    classes_ : ndarray
    n_features_in_ : int
    history_ : pandas.DataFrame
        One row per epoch: ``epoch``, ``train_loss`` (mean over the epoch's
        batches), ``valid_loss`` (NaN without early stopping), ``lr`` (the rate the
        epoch trained with) and ``time`` (seconds).
    n_iter_ : int
        Epochs run (fewer than ``max_epochs`` when early stopping stopped).
    best_epoch_ : int or None
        With early stopping, the epoch whose weights ``module_`` holds.
    validation_indices_ : ndarray or None
        Rows of the ``X`` given to ``fit`` held out for early stopping.
    input_shape_ : tuple
        Shape of one row of ``X``.
    device_ : torch.device
        Where ``module_`` lives.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> X, y = make_classification(200, 5, random_state=0)
    >>> clf = TorchClassifier(module_params={"hidden_sizes": (16,)}, lr=0.01,
    ...                       max_epochs=20, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.8
    True
    """

    _is_clf = True
    _multi_output = False

    def _prepare_y(self, y):
        check_classification_targets(y)
        self._encoder = LabelEncoder().fit(y)
        self.classes_ = self._encoder.classes_
        check_two_classes(self.classes_)
        self._n_out = len(self.classes_)
        return self._encoder.transform(y), len(self.classes_)

    def _encode_y(self, y):
        return self._encoder.transform(np.asarray(y))

    def _default_criterion(self):
        return nn.CrossEntropyLoss()

    def _y_tensor(self, y, device):
        return torch.as_tensor(y, dtype=torch.long, device=device)

    def predict_proba(self, X):
        """Class probabilities: the softmax of the module's outputs."""
        logits = self._forward(X).astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def decision_function(self, X):
        """The module's raw outputs (logits), one column per class.

        With two classes, scikit-learn's convention: one column, the log-odds of
        ``classes_[1]`` (the difference of the two logits).
        """
        logits = self._forward(X)
        return logits[:, 1] - logits[:, 0] if logits.shape[1] == 2 else logits

    def predict(self, X):
        """The most likely class of each row."""
        logits = self._forward(X)  # checks fitted first
        return self.classes_[np.argmax(logits, axis=1)]


class TorchRegressor(RegressorMixin, TorchSupervised):
    """A scikit-learn regressor around a torch module.

    Same parameters as :class:`TorchClassifier`; the default ``criterion`` is
    ``nn.MSELoss`` and ``n_outputs`` is the number of targets. A 1-d ``y`` gives
    1-d predictions.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.linspace(-1, 1, 200).reshape(-1, 1)
    >>> y = 3 * X.ravel() + 1
    >>> reg = TorchRegressor(lr=0.01, max_epochs=30, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.95
    True
    """

    _is_clf = False
    _multi_output = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _prepare_y(self, y):
        y = np.asarray(y, dtype=np.float32)
        self._y_1d = y.ndim == 1
        n_out = 1 if y.ndim == 1 else y.shape[1]
        self._n_out = n_out
        return y.reshape(len(y), n_out), n_out

    def _encode_y(self, y):
        return np.asarray(y, dtype=np.float32).reshape(len(y), self._n_out)

    def _default_criterion(self):
        return nn.MSELoss()

    def _y_tensor(self, y, device):
        return torch.as_tensor(y, dtype=torch.float32, device=device)

    def predict(self, X):
        """Predicted targets, 1-d when ``y`` was 1-d."""
        out = self._forward(X).astype(np.float64)
        return out.ravel() if self._y_1d else out
