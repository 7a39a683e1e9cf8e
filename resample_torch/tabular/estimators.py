"""scikit-learn estimators around a user's own ``nn.Module``.

``TorchClassifier`` and ``TorchRegressor`` take the module's class (or any factory)
with its keyword arguments, a loss, an optimizer and the usual training settings.
The training loop is kept to what a plain torch loop does (one tensor per data set,
moved once; index a shuffled permutation; forward, loss, backward, step), so that
cross-validating a model costs what training it costs: see
``benchmarks/bench_torch_loop.py``.
"""

import inspect

import numpy as np
import torch
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from resample_torch._base import TorchEstimatorBase, derive_seeds, resolve_device, seeded
from torch import nn

from resample_torch._checks import (
    check_choice,
    check_factory,
    check_int,
    check_nonnegative_float,
    check_numeric_features,
    check_positive_float,
    check_two_classes,
)

__all__ = ["MLP", "TorchClassifier", "TorchRegressor"]

#: Rows per forward pass at prediction time.
_PREDICT_CHUNK = 8192


def _optimizers():
    return {
        "adam": torch.optim.Adam,
        "adamw": torch.optim.AdamW,
        "sgd": torch.optim.SGD,
        "rmsprop": torch.optim.RMSprop,
    }


class MLP(nn.Module):
    """A small fully connected network: the default module of the torch estimators.

    Parameters
    ----------
    n_features_in : int
        Input width (filled in by ``fit``).
    n_outputs : int
        Output width: classes for a classifier, targets for a regressor (filled in
        by ``fit``).
    hidden_sizes : tuple of int, default=(64,)
        Widths of the hidden layers.
    dropout : float, default=0.0
        Dropout after each hidden layer.

    Examples
    --------
    >>> import torch
    >>> MLP(3, 2, hidden_sizes=(8,))(torch.zeros(5, 3)).shape
    torch.Size([5, 2])
    """

    def __init__(self, n_features_in, n_outputs, hidden_sizes=(64,), dropout=0.0):
        super().__init__()
        layers, width = [], n_features_in
        for size in hidden_sizes:
            layers += [nn.Linear(width, size), nn.ReLU()]
            if dropout:
                layers.append(nn.Dropout(dropout))
            width = size
        layers.append(nn.Linear(width, n_outputs))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):  # x: (batch, n_features_in) -> (batch, n_outputs)
        return self.layers(x)


def _accepts(factory, name):
    """Whether ``factory`` names a parameter ``name`` (a bare ``**kwargs`` does not count)."""
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return False
    return name in params


def _make_criterion(criterion, default):
    if criterion is None:
        return default()
    if isinstance(criterion, type):
        return criterion()
    if not callable(criterion):
        raise TypeError(f"criterion must be a loss class, a loss module or a callable(output, target); got {criterion!r}.")
    return criterion


def _make_optimizer(optimizer, params, lr, weight_decay, optimizer_params):
    kwargs = dict(optimizer_params or {})
    if isinstance(optimizer, str):
        cls = _optimizers()[check_choice(optimizer, "optimizer", _optimizers())]
    elif callable(optimizer):
        cls = optimizer
    else:
        raise TypeError(f"optimizer must be a name ({', '.join(_optimizers())}) or a torch.optim class; got {optimizer!r}.")
    if weight_decay:
        kwargs.setdefault("weight_decay", weight_decay)
    return cls(params, lr=lr, **kwargs)


def train_loop(module, X, y, criterion, optimizer, *, max_epochs, batch_size, shuffle):
    """Plain minibatch training; returns the mean training loss of each epoch.

    ``X`` and ``y`` are tensors already on the module's device. One permutation per
    epoch from torch's global generator (the caller seeds it inside ``fork_rng``);
    one host synchronisation per epoch, for the loss history.
    """
    n = X.shape[0]
    history = []
    module.train()
    # batch sizes, to weight the epoch's mean loss (the last batch may be short)
    sizes = torch.tensor([min(batch_size, n - s) for s in range(0, n, batch_size)], dtype=torch.float32,
                         device=X.device)
    for _ in range(max_epochs):
        order = torch.randperm(n, device=X.device) if shuffle else None
        losses = []
        for start in range(0, n, batch_size):
            if order is None:
                xb, yb = X[start : start + batch_size], y[start : start + batch_size]
            else:
                idx = order[start : start + batch_size]
                xb, yb = X[idx], y[idx]
            optimizer.zero_grad(set_to_none=True)
            loss = criterion(module(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())  # no op per step; summed once per epoch
        history.append(float(torch.stack(losses).float() @ sizes) / n)
    return history


class _TorchSupervised(TorchEstimatorBase):
    """Shared fit/predict of :class:`TorchClassifier` and :class:`TorchRegressor`."""

    def __init__(
        self,
        module=None,
        *,
        module_params=None,
        criterion=None,
        optimizer="adam",
        optimizer_params=None,
        lr=1e-3,
        weight_decay=0.0,
        max_epochs=10,
        batch_size=32,
        shuffle=True,
        device="auto",
        keep_on_device=False,
        random_state=None,
    ):
        self.module = module
        self.module_params = module_params
        self.criterion = criterion
        self.optimizer = optimizer
        self.optimizer_params = optimizer_params
        self.lr = lr
        self.weight_decay = weight_decay
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.device = device
        self.keep_on_device = keep_on_device
        self.random_state = random_state

    # -- subclass hooks -------------------------------------------------------
    def _prepare_y(self, y):  # -> (y as numpy, n_outputs)
        raise NotImplementedError

    def _default_criterion(self):
        raise NotImplementedError

    def _y_tensor(self, y, device):
        raise NotImplementedError

    # -- fitting --------------------------------------------------------------
    def _check_params(self):
        factory = MLP if self.module is None else check_factory(self.module)
        if self.module_params is not None and not isinstance(self.module_params, dict):
            raise TypeError(f"module_params must be a dict of keyword arguments or None; got {self.module_params!r}.")
        check_positive_float(self.lr, "lr")
        check_nonnegative_float(self.weight_decay, "weight_decay")
        check_int(self.max_epochs, "max_epochs", low=1)
        check_int(self.batch_size, "batch_size", low=1)
        if isinstance(self.optimizer, str):
            check_choice(self.optimizer, "optimizer", _optimizers())
        return factory, resolve_device(self.device)

    def _build_module(self, factory, n_features, n_outputs):
        kwargs = dict(self.module_params or {})
        for key, value in (("n_features_in", n_features), ("n_outputs", n_outputs)):
            if key not in kwargs and _accepts(factory, key):
                kwargs[key] = value
        return factory(**kwargs)

    def fit(self, X, y):
        """Build the module afresh and train it on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)

        Returns
        -------
        self
        """
        factory, device = self._check_params()
        check_numeric_features(X)
        X, y = validate_data(self, X, y, dtype=np.float32, multi_output=self._multi_output, y_numeric=not self._is_clf)
        y, n_outputs = self._prepare_y(y)
        (seed,) = derive_seeds(self.random_state, 1)
        with seeded(seed, device):
            module = self._build_module(factory, X.shape[1], n_outputs).to(device)
            criterion = _make_criterion(self.criterion, self._default_criterion)
            optimizer = _make_optimizer(
                self.optimizer, module.parameters(), self.lr, self.weight_decay, self.optimizer_params
            )
            Xt = torch.as_tensor(X, device=device)
            yt = self._y_tensor(y, device)
            self.history_ = train_loop(
                module, Xt, yt, criterion, optimizer,
                max_epochs=self.max_epochs, batch_size=self.batch_size, shuffle=self.shuffle,
            )
        return self._finish(module, device)

    def _forward(self, X):
        """Raw module outputs (logits for a classifier) as a numpy array."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float32)
        outs = []
        with torch.inference_mode():
            for start in range(0, X.shape[0], _PREDICT_CHUNK):
                xb = torch.as_tensor(X[start : start + _PREDICT_CHUNK], device=self.device_)
                outs.append(self.module_(xb).float().cpu())
        return torch.cat(outs).numpy() if outs else np.zeros((0, self._n_out), dtype=np.float32)


class TorchClassifier(ClassifierMixin, _TorchSupervised):
    """A scikit-learn classifier around a torch module that outputs class logits.

    Parameters
    ----------
    module : nn.Module class or callable, default=None
        Builds the network, called afresh in every ``fit`` as
        ``module(**module_params)``. If it accepts ``n_features_in`` or ``n_outputs``
        and ``module_params`` does not set them, ``fit`` passes the number of input
        features and of classes. None is :class:`MLP`. Pass the class, not an
        instance: the weights must not pass from one fit (or fold) to the next.
    module_params : dict, default=None
        Keyword arguments of ``module``.
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
    history_ : list of float
        Mean training loss of each epoch.
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


class TorchRegressor(RegressorMixin, _TorchSupervised):
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

    def _default_criterion(self):
        return nn.MSELoss()

    def _y_tensor(self, y, device):
        return torch.as_tensor(y, dtype=torch.float32, device=device)

    def predict(self, X):
        """Predicted targets, 1-d when ``y`` was 1-d."""
        out = self._forward(X).astype(np.float64)
        return out.ravel() if self._y_1d else out
