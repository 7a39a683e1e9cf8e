"""Fine-tuning a pretrained network as a scikit-learn classifier.

Every ``fit`` starts from the pretrained weights: the backbone the user passed is
copied (or the factory called) and never trained itself, so no fold of a
cross-validation sees weights another fold has trained. Its classifier layer is
replaced by a freshly initialised head, the head learns at ``lr_head`` and the rest
at the lower ``lr_backbone`` (two parameter groups of one optimizer), optionally
with the backbone frozen for the first ``freeze_epochs``. BatchNorm is a deliberate
choice: by default its running statistics stay the pretrained ones (the layers run
in eval mode while the weights train), which is what small training sets need;
``batchnorm="train"`` updates them from the new data. The training loop is the
plugin's own :func:`~resample_torch.tabular.supervised.train_loop`.
"""

import copy

import numpy as np
import torch
from sklearn.base import ClassifierMixin, clone
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted
from torch import nn

from resample_torch._base import TorchEstimatorBase, derive_seeds, history_frame, resolve_device, seeded
from resample_torch._checks import check_choice, check_int, check_nonnegative_float, check_positive_float
from resample_torch.tabular.supervised import make_criterion, make_optimizer, optimizers, train_loop
from resample_torch.transfer.frozen import build_backbone
from resample_torch.transfer.layers import check_backbone_input, check_images, last_linear, resolve_layer

__all__ = ["FineTuneClassifier", "FineTuneNet"]

_BATCHNORM = {"frozen": "keep the pretrained running statistics", "train": "update them from the new data"}
_SHARED = ("backbone", "preprocess", "augment", "head")
_PREDICT_CHUNK = 256


def _set_child(root, dotted, new):
    parent_name, _, child = dotted.rpartition(".")
    parent = root.get_submodule(parent_name) if parent_name else root
    setattr(parent, child, new)


class FineTuneNet(nn.Module):
    """The network being fine-tuned: preprocessing, backbone with its new head, BatchNorm policy.

    ``train()`` keeps BatchNorm layers in eval mode when ``freeze_bn`` is set, and
    the whole backbone in eval mode while it is frozen, so the plain training loop
    (which calls ``module.train()``) needs to know nothing about either.
    """

    def __init__(self, body, head_name, preprocess=None, augment=None, freeze_bn=True):
        super().__init__()
        self.body = body
        self.head_name = head_name
        self.preprocess = preprocess
        self.augment = augment
        self.freeze_bn = freeze_bn
        self.backbone_frozen = False

    def head(self):
        return self.body.get_submodule(self.head_name)

    def head_parameters(self):
        return list(self.head().parameters())

    def backbone_parameters(self):
        ids = {id(p) for p in self.head_parameters()}
        return [p for p in self.body.parameters() if id(p) not in ids]

    def freeze_backbone(self, frozen):
        self.backbone_frozen = frozen
        for p in self.backbone_parameters():
            p.requires_grad_(not frozen)
        self.train(self.training)

    def train(self, mode=True):
        super().train(mode)
        if mode and self.backbone_frozen:
            self.body.eval()
            self.head().train()
        elif mode and self.freeze_bn:
            for m in self.body.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.eval()
        return self

    def forward(self, x):  # x: (batch, *image shape) -> (batch, n_classes)
        if self.preprocess is not None:
            x = self.preprocess(x)
        if self.training and self.augment is not None:
            x = self.augment(x)
        return self.body(x)


class FineTuneClassifier(ClassifierMixin, TorchEstimatorBase):
    """Fine-tune a pretrained network on images, as a scikit-learn classifier.

    Parameters
    ----------
    backbone : nn.Module or callable
        The pretrained network (never trained itself: each ``fit`` trains a copy),
        or a factory that builds it with its pretrained weights. ``clone`` shares it.
    head_layer : "auto" or str, default="auto"
        The classifier layer to replace: "auto" is the last ``nn.Linear``.
    head : callable, default=None
        ``head(in_features, n_classes) -> nn.Module``, the new head; None is a fresh
        ``nn.Linear(in_features, n_classes)``.
    preprocess : callable, default=None
        ``preprocess(batch) -> batch`` on float32 tensors before the backbone (resize,
        channel repeat, input normalisation), in training and prediction alike.
    augment : callable, default=None
        ``augment(batch) -> batch``, random, in training only.
    lr_head : float, default=1e-2
    lr_backbone : float, default=1e-5
        Learning rate of every parameter but the head's (0 is not allowed: use
        ``freeze_epochs=max_epochs`` to train the head alone). Adam's steps do not
        shrink with the gradient, so a pretrained network needs a small one: on the
        digits with EfficientNet-Lite0, 3e-4 wrecked the features (accuracy 0.16
        after 20 steps) where 1e-5 gave 0.76 and training the head alone 0.64.
    weight_decay : float, default=0.0
    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch.optim class, default="adam"
    optimizer_params : dict, default=None
    max_epochs : int, default=5
        Epochs in all, the frozen ones included.
    freeze_epochs : int, default=0
        Train only the head for this many epochs first (backbone frozen, in eval
        mode), then everything.
    batchnorm : {"frozen", "train"}, default="frozen"
        "frozen": BatchNorm layers of the backbone keep their pretrained running
        statistics (eval mode) while their weights train. "train": they update
        their statistics from each batch, as in plain training.
    batch_size : int, default=32
    device : {"auto", "cpu", "cuda", "cuda:<i>"} or torch.device, default="auto"
    keep_on_device : bool, default=False
    random_state : int, numpy.random.Generator or None, default=None
        Seeds the head's initial weights, the order of the rows and ``augment``.

    Attributes
    ----------
    module_ : FineTuneNet
        The fine-tuned network (in eval mode).
    classes_ : ndarray
    input_shape_ : tuple
    history_ : pandas.DataFrame
        One row per epoch of all phases (frozen, then fine-tuning): ``epoch``,
        ``train_loss``; ``valid_loss``, ``lr`` and ``time`` are NaN here (the
        phases train parameter groups at different rates).
    device_ : torch.device

    Examples
    --------
    >>> import numpy as np
    >>> from torch import nn
    >>> net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
    ...                     nn.Flatten(), nn.Linear(4, 1000))
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 1, 8, 8)).astype(np.float32)
    >>> y = (X.mean(axis=(1, 2, 3)) > 0).astype(int)
    >>> clf = FineTuneClassifier(net, max_epochs=2, random_state=0).fit(X, y)
    >>> clf.predict_proba(X).shape
    (40, 2)
    """

    def __init__(
        self,
        backbone,
        *,
        head_layer="auto",
        head=None,
        preprocess=None,
        augment=None,
        lr_head=1e-2,
        lr_backbone=1e-5,
        weight_decay=0.0,
        optimizer="adam",
        optimizer_params=None,
        max_epochs=5,
        freeze_epochs=0,
        batchnorm="frozen",
        batch_size=32,
        device="auto",
        keep_on_device=False,
        random_state=None,
    ):
        self.backbone = backbone
        self.head_layer = head_layer
        self.head = head
        self.preprocess = preprocess
        self.augment = augment
        self.lr_head = lr_head
        self.lr_backbone = lr_backbone
        self.weight_decay = weight_decay
        self.optimizer = optimizer
        self.optimizer_params = optimizer_params
        self.max_epochs = max_epochs
        self.freeze_epochs = freeze_epochs
        self.batchnorm = batchnorm
        self.batch_size = batch_size
        self.device = device
        self.keep_on_device = keep_on_device
        self.random_state = random_state

    def __sklearn_clone__(self):
        # Share the pretrained backbone instead of deep-copying it per fold: fit
        # copies it anyway, and never changes the shared one.
        params = {
            k: (v if k in _SHARED else clone(v, safe=False)) for k, v in self.get_params(deep=False).items()
        }
        return type(self)(**params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags

    # -- checks ----------------------------------------------------------------
    def _check_params(self):
        check_positive_float(self.lr_head, "lr_head")
        check_positive_float(self.lr_backbone, "lr_backbone")
        check_nonnegative_float(self.weight_decay, "weight_decay")
        check_int(self.max_epochs, "max_epochs", low=1)
        check_int(self.freeze_epochs, "freeze_epochs", low=0)
        if self.freeze_epochs > self.max_epochs:
            raise ValueError(
                f"freeze_epochs={self.freeze_epochs} is larger than max_epochs={self.max_epochs}; "
                "max_epochs counts the frozen epochs too, so freeze_epochs must be <= max_epochs."
            )
        check_int(self.batch_size, "batch_size", low=1)
        check_choice(self.batchnorm, "batchnorm", _BATCHNORM)
        if isinstance(self.optimizer, str):
            check_choice(self.optimizer, "optimizer", optimizers())
        for name in ("preprocess", "augment", "head"):
            value = getattr(self, name)
            if value is not None and not callable(value):
                raise TypeError(f"{name} must be a callable or None; got {type(value).__name__}.")
        if self.head_layer != "auto" and not isinstance(self.head_layer, str):
            raise TypeError(f"head_layer must be 'auto' or a layer name (str); got {self.head_layer!r}.")
        return resolve_device(self.device)

    def _check_y(self, y):
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(f"y has shape {y.shape}; FineTuneClassifier takes one class label per image, shape (n_samples,).")
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        if len(encoder.classes_) < 2:
            raise ValueError(
                f"y has a single class ({encoder.classes_.tolist()[0]!r}); a classifier needs labels of at least 2 classes."
            )
        return encoder

    # -- building ----------------------------------------------------------------
    def _head_name(self, body):
        if self.head_layer == "auto":
            return last_linear(body, "head_layer")
        resolve_layer(body, self.head_layer, "head_layer")  # an unknown name lists those that exist
        layer = body.get_submodule(self.head_layer)
        if not isinstance(layer, nn.Linear):
            raise TypeError(
                f"head_layer={self.head_layer!r} is a {type(layer).__name__}, not an nn.Linear: the head "
                "replaces a linear classifier layer; name one, or leave head_layer='auto'."
            )
        return self.head_layer

    def _build(self, n_classes):
        """A copy of the pretrained backbone with a fresh head (inside the seeded block)."""
        pretrained = build_backbone(self.backbone)
        # The user's module is never trained: each fit starts from its weights.
        body = copy.deepcopy(pretrained) if pretrained is self.backbone else pretrained
        name = self._head_name(body)
        old = body.get_submodule(name)
        new = nn.Linear(old.in_features, n_classes) if self.head is None else self.head(old.in_features, n_classes)
        if not isinstance(new, nn.Module):
            raise TypeError(f"head(in_features, n_classes) must return an nn.Module; it returned {type(new).__name__}.")
        _set_child(body, name, new)
        return FineTuneNet(body, name, self.preprocess, self.augment, freeze_bn=self.batchnorm == "frozen")

    def _probe(self, net, X, n_classes, device):
        """One forward pass on two images before any training: shape and head errors now."""
        x = torch.as_tensor(X[:2], dtype=torch.float32, device=device)
        if net.preprocess is not None:
            x = net.preprocess(x)
            check_backbone_input(net.body, tuple(x.shape[1:]), transformed=True)
        with torch.no_grad():
            net.eval()
            try:
                out = net.body(x)
            except RuntimeError as exc:
                raise ValueError(
                    f"the network failed on images of shape {tuple(x.shape[1:])} with its new head "
                    f"({net.head_name!r}: {type(net.head()).__name__}): check the image shape and that the "
                    f"head takes the features the backbone gives. {exc}"
                ) from exc
        if out.ndim != 2 or out.shape[1] != n_classes:
            raise ValueError(
                f"the head gives outputs of shape {tuple(out.shape)} but y has {n_classes} classes: the head "
                f"must output (n_samples, {n_classes}) logits."
            )

    # -- fitting -------------------------------------------------------------------
    def fit(self, X, y):
        """Copy the pretrained network, give it a fresh head and fine-tune it on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Images, channels first (what ``preprocess`` takes, or else the backbone).
        y : array-like of shape (n_samples,)

        Returns
        -------
        self
        """
        device = self._check_params()
        X = check_images(X)
        if len(X) != len(y):
            raise ValueError(f"X and y have different lengths: X has {len(X)} images, y has {len(y)}.")
        encoder = self._check_y(y)
        n_classes = len(encoder.classes_)
        (seed,) = derive_seeds(self.random_state, 1)
        with seeded(seed, device):
            net = self._build(n_classes).to(device)
            if self.preprocess is None:
                check_backbone_input(net.body, X.shape[1:])
            self._probe(net, X, n_classes, device)
            optimizer = self._optimizer(net)
            Xt = torch.as_tensor(X, dtype=torch.float32, device=device)
            yt = torch.as_tensor(encoder.transform(y), dtype=torch.long, device=device)
            losses = self._train(net, Xt, yt, optimizer)
            # one row per epoch over all phases; the phases train at different rates per
            # parameter group and are not timed one by one, so lr and time are NaN
            self.history_ = history_frame(losses, np.nan, np.full(len(losses), np.nan))
        net.freeze_backbone(False)
        self.classes_ = encoder.classes_
        self.input_shape_ = X.shape[1:]
        return self._finish(net, device)

    def _optimizer(self, net):
        groups = [
            {"params": net.head_parameters(), "lr": self.lr_head},
            {"params": net.backbone_parameters(), "lr": self.lr_backbone},
        ]
        return make_optimizer(self.optimizer, groups, self.lr_head, self.weight_decay, self.optimizer_params)

    def _train(self, net, Xt, yt, optimizer):
        """Frozen epochs (head only), then all weights: the plugin's plain loop for both."""
        history = self._train_frozen(net, Xt, yt, optimizer)
        epochs = self.max_epochs - self.freeze_epochs
        if epochs:
            history += train_loop(
                net, Xt, yt, self._criterion(), optimizer, max_epochs=epochs, batch_size=self.batch_size, shuffle=True
            )
        return history

    def _criterion(self):
        return make_criterion(None, nn.CrossEntropyLoss)

    def _train_frozen(self, net, Xt, yt, optimizer):
        """The ``freeze_epochs`` that train the head alone; leaves the backbone unfrozen."""
        history = []
        if self.freeze_epochs:
            net.freeze_backbone(True)
            history += train_loop(
                net, Xt, yt, self._criterion(), optimizer, max_epochs=self.freeze_epochs,
                batch_size=self.batch_size, shuffle=True,
            )
        net.freeze_backbone(False)
        return history

    # -- predicting ----------------------------------------------------------------
    def _logits(self, X, net=None):
        check_is_fitted(self)
        net = self.module_ if net is None else net
        X = check_images(X)
        if X.shape[1:] != self.input_shape_:
            raise ValueError(
                f"X has images of shape {X.shape[1:]}, but the classifier was fitted on images of shape "
                f"{self.input_shape_}; pass images of the same shape."
            )
        outs = []
        with torch.inference_mode():
            for start in range(0, X.shape[0], _PREDICT_CHUNK):
                xb = torch.as_tensor(X[start : start + _PREDICT_CHUNK], dtype=torch.float32, device=self.device_)
                outs.append(net(xb).double().cpu())
        return torch.cat(outs).numpy() if outs else np.zeros((0, len(self.classes_)))

    def predict_proba(self, X):
        """Class probabilities: the softmax of the network's outputs."""
        return _softmax(self._logits(X))

    def decision_function(self, X):
        """The network's logits, one column per class (binary: the log-odds of ``classes_[1]``)."""
        logits = self._logits(X)
        return logits[:, 1] - logits[:, 0] if logits.shape[1] == 2 else logits

    def predict(self, X):
        """The most likely class of each image."""
        logits = self._logits(X)  # checks fitted first
        return self.classes_[np.argmax(logits, axis=1)]


def _softmax(logits):
    logits = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)
