"""The shared machinery of :class:`~resample_torch.TorchClassifier` and
:class:`~resample_torch.TorchRegressor`: the default module, loss and optimizer
factories, and the estimator base that reads the input, builds the module and runs
the training loop.

The loop is kept to what a plain torch loop does (one tensor per data set, moved
once; index a shuffled permutation; forward, loss, backward, step), so that
cross-validating a model costs what training it costs: see
``benchmarks/bench_torch_loop.py``.
"""


import inspect

import numpy as np
import torch
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted, validate_data
from torch import nn

from resample_torch._base import (
    TorchEstimatorBase,
    derive_seeds,
    resolve_device,
    seeded,
)
from resample_torch._checks import (
    check_bool,
    check_choice,
    check_factory,
    check_fraction,
    check_int,
    check_module_output,
    check_nonnegative_float,
    check_numeric_features,
    check_positive_float,
)
from resample_torch.tabular.data import (
    TensorBatches,
    batches_for,
    dataset_targets,
    first_input,
    is_dataset,
)
from resample_torch.tabular.params import check_factory_kwargs, split_nested
from resample_torch.tabular.training import EarlyStopping, make_scheduler, run_epochs

__all__ = ["MLP", "TorchSupervised", "make_criterion", "make_optimizer", "optimizers", "train_loop"]

#: Rows per forward pass at prediction time.
_PREDICT_CHUNK = 8192


def optimizers():
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
        Input width (filled in by ``fit``: the number of values in one row, so an
        image row ``(C, H, W)`` is flattened to ``C * H * W``).
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

    def forward(self, x):  # x: (batch, ...) -> (batch, n_outputs); N-d rows are flattened
        return self.layers(x.flatten(1))


def accepts(factory, name):
    """Whether ``factory`` names a parameter ``name`` (a bare ``**kwargs`` does not count)."""
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return False
    return name in params


def make_criterion(criterion, default):
    if criterion is None:
        return default()
    if isinstance(criterion, type):
        return criterion()
    if not callable(criterion):
        raise TypeError(f"criterion must be a loss class, a loss module or a callable(output, target); got {criterion!r}.")
    return criterion


def make_optimizer(optimizer, params, lr, weight_decay, optimizer_params):
    kwargs = dict(optimizer_params or {})
    if isinstance(optimizer, str):
        cls = optimizers()[check_choice(optimizer, "optimizer", optimizers())]
    elif callable(optimizer):
        cls = optimizer
    else:
        raise TypeError(f"optimizer must be a name ({', '.join(optimizers())}) or a torch.optim class; got {optimizer!r}.")
    if weight_decay:
        kwargs.setdefault("weight_decay", weight_decay)
    return cls(params, lr=lr, **kwargs)


def train_loop(module, X, y, criterion, optimizer, *, max_epochs, batch_size, shuffle):
    """Plain minibatch training over tensors already on the device; the mean training loss of each epoch.

    The loop of the transfer-learning estimators (their phases concatenate these
    lists); the tabular estimators run :func:`~resample_torch.tabular.training.run_epochs`,
    which this calls.
    """
    history, _ = run_epochs(module, TensorBatches(X, y, batch_size, shuffle), criterion, optimizer,
                            max_epochs=max_epochs)
    return history["train_loss"].tolist()


class TorchSupervised(TorchEstimatorBase):
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
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        lr_scheduler=None,
        lr_scheduler_params=None,
        num_workers=0,
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
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.lr_scheduler = lr_scheduler
        self.lr_scheduler_params = lr_scheduler_params
        self.num_workers = num_workers
        self.device = device
        self.keep_on_device = keep_on_device
        self.random_state = random_state

    def set_params(self, **params):
        """Set parameters; ``module__<name>`` (skorch's convention), ``optimizer__<name>`` and
        ``lr_scheduler__<name>`` set one entry of ``module_params`` / ``optimizer_params`` /
        ``lr_scheduler_params`` (a new dict: the old one is not changed).

        Examples
        --------
        >>> from resample_torch import TorchClassifier
        >>> clf = TorchClassifier(module_params={"hidden_sizes": (8,)})
        >>> clf.set_params(module__dropout=0.1).module_params
        {'hidden_sizes': (8,), 'dropout': 0.1}
        """
        plain, nested = split_nested(params)
        super().set_params(**plain)
        for attr, updates in nested.items():
            setattr(self, attr, {**(getattr(self, attr) or {}), **updates})
        return self

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
        for name in ("module_params", "optimizer_params", "lr_scheduler_params"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, dict):
                raise TypeError(f"{name} must be a dict of keyword arguments or None; got {value!r}.")
        check_factory_kwargs(factory, self.module_params or {})
        check_positive_float(self.lr, "lr")
        check_nonnegative_float(self.weight_decay, "weight_decay")
        check_int(self.max_epochs, "max_epochs", low=1)
        check_int(self.batch_size, "batch_size", low=1)
        check_bool(self.early_stopping, "early_stopping")
        check_fraction(self.validation_fraction, "validation_fraction")
        check_int(self.n_iter_no_change, "n_iter_no_change", low=1)
        check_nonnegative_float(self.tol, "tol")
        check_int(self.num_workers, "num_workers", low=0)
        if self.lr_scheduler is not None:
            check_factory(self.lr_scheduler, "lr_scheduler")
            check_factory_kwargs(self.lr_scheduler, self.lr_scheduler_params or {}, "lr_scheduler_params")
        if isinstance(self.optimizer, str):
            check_choice(self.optimizer, "optimizer", optimizers())
        return factory, resolve_device(self.device)

    def _build_module(self, factory, input_shape, n_outputs):
        kwargs = dict(self.module_params or {})
        given = (("n_features_in", int(np.prod(input_shape))), ("n_outputs", n_outputs), ("input_shape", input_shape))
        for key, value in given:
            if key not in kwargs and accepts(factory, key):
                kwargs[key] = value
        return factory(**kwargs)

    def _read_input(self, X, y):
        """``(X, y, input_shape)``: arrays validated (any number of dimensions), or a Dataset and its targets."""
        if is_dataset(X):
            y = dataset_targets(X, y)
            self.input_shape_ = tuple(first_input(X).shape)
            return X, y, self.input_shape_
        check_numeric_features(X)
        X, y = validate_data(self, X, y, dtype=np.float32, allow_nd=True, multi_output=self._multi_output,
                             y_numeric=not self._is_clf)
        self.input_shape_ = tuple(X.shape[1:])
        return X, y, self.input_shape_

    def _validation_split(self, n, y, seed):
        """``(train rows, validation rows)`` of the data given to ``fit``, or ``(None, None)``.

        Drawn from the rows passed to ``fit`` only, so inside a cross-validation the
        validation rows are part of the training fold and the test fold stays unseen.
        Stratified for a classifier when every class has two rows or more.
        """
        if not self.early_stopping:
            return None, None
        n_valid = int(np.ceil(self.validation_fraction * n))
        if n_valid < 1 or n - n_valid < 1:
            raise ValueError(
                f"validation_fraction={self.validation_fraction!r} of {n} rows leaves {n - n_valid} training and "
                f"{n_valid} validation rows; both need at least one (more data, or early_stopping=False)."
            )
        stratify = None
        if self._is_clf and np.bincount(y).min() >= 2 and n_valid >= len(np.unique(y)):
            stratify = y
        train, valid = train_test_split(np.arange(n), test_size=n_valid, stratify=stratify, random_state=seed)
        return np.sort(train), np.sort(valid)

    def fit(self, X, y=None):
        """Build the module afresh and train it on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...) or torch.utils.data.Dataset
            Any number of dimensions (a table, images ``(n, C, H, W)``,
            sequences); the module receives batches of the same trailing shape. A
            Dataset is read through a DataLoader with ``num_workers`` workers; its
            items are ``x`` or ``(x, target)``.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Needed with arrays. With a Dataset: None takes ``X.targets`` if it has
            them, else the targets of its items (one pass over the Dataset).

        Returns
        -------
        self
        """
        return self._fit(X, y)

    def _fit(self, X, y, on_epoch=None):
        """``fit``, with an optional per-epoch callback ``on_epoch(epoch, module) -> dict``
        whose entries become columns of ``history_`` (see :func:`resample_torch.learning_curves`)."""
        factory, device = self._check_params()
        X, y, input_shape = self._read_input(X, y)
        y, n_outputs = self._prepare_y(y)
        seed, split_seed, loader_seed = derive_seeds(self.random_state, 3)
        train_rows, valid_rows = self._validation_split(len(y), y, split_seed)
        self.validation_indices_ = valid_rows
        batching = {"batch_size": self.batch_size, "num_workers": self.num_workers, "seed": loader_seed, "device": device}
        with seeded(seed, device):
            module = self._build_module(factory, input_shape, n_outputs).to(device)
            criterion = make_criterion(self.criterion, self._default_criterion)
            optimizer = make_optimizer(
                self.optimizer, module.parameters(), self.lr, self.weight_decay, self.optimizer_params
            )
            scheduler = make_scheduler(self.lr_scheduler, self.lr_scheduler_params, optimizer)
            yt = self._y_tensor(y, device)
            train = batches_for(X, yt, train_rows, shuffle=self.shuffle, **batching)
            valid = None if valid_rows is None else batches_for(X, yt, valid_rows, shuffle=False, **batching)
            self._criterion = criterion
            checked = check_module_output(criterion, n_outputs, classifier=self._is_clf)  # at the first batch
            self.history_, self.best_epoch_ = run_epochs(
                module, train, checked, optimizer, max_epochs=self.max_epochs, scheduler=scheduler,
                valid=valid, stopping=EarlyStopping(self.n_iter_no_change, self.tol) if self.early_stopping else None,
                on_epoch=on_epoch,
            )
        self.n_iter_ = len(self.history_)
        return self._finish(module, device)

    def _heldout_loss(self, X, y):
        """The training criterion's mean over the rows ``(X, y)``, with the current module."""
        out = torch.as_tensor(self._forward(X))
        target = self._y_tensor(self._encode_y(y), out.device)
        with torch.no_grad():
            return float(self._criterion(out, target))

    def _input_batches(self, X):
        """Batches of inputs (targets None) for prediction, in row order."""
        if is_dataset(X):
            return batches_for(X, None, None, shuffle=False, batch_size=self.batch_size,
                               num_workers=self.num_workers, seed=0, device=self.device_)
        X = validate_data(self, X, reset=False, dtype=np.float32, allow_nd=True)
        if X.shape[1:] != tuple(self.input_shape_):
            raise ValueError(f"X has rows of shape {X.shape[1:]}, but this estimator was fitted on rows of shape "
                             f"{tuple(self.input_shape_)}.")
        return _Chunks(X, self.device_)

    def _forward(self, X):
        """Raw module outputs (logits for a classifier) as a numpy array."""
        check_is_fitted(self)
        outs = []
        with torch.inference_mode():
            for xb, _ in self._input_batches(X):
                outs.append(self.module_(xb).float().cpu())
        return torch.cat(outs).numpy() if outs else np.zeros((0, self._n_out), dtype=np.float32)


class _Chunks:
    """Rows of an array, moved to the device ``_PREDICT_CHUNK`` at a time."""

    def __init__(self, X, device):
        self.X, self.device = X, device

    def __iter__(self):
        for start in range(0, self.X.shape[0], _PREDICT_CHUNK):
            yield torch.as_tensor(self.X[start : start + _PREDICT_CHUNK], device=self.device), None
