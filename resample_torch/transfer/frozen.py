"""A pretrained network as a fixed feature extractor (Donahue et al. 2014, "DeCAF").

:class:`FrozenFeatures` is a scikit-learn transformer: images in, the activations of
one layer of a pretrained network out (by default the input of its classifier).
Nothing is learnt from the rows it is fitted on, so it declares itself stateless
(``__resample_stateless__``) and the core's cross-validation computes the features
once per run, for every fold and the final refit, instead of once per fold: the
backbone sees each image once. Random augmentation makes the output depend on the
draw, and the declaration then turns itself off.
"""

import contextlib

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils.validation import check_is_fitted

from resample_torch._base import derive_seeds, resolve_device, seeded
from resample_torch._checks import check_int
from resample_torch.transfer.layers import check_backbone_input, check_images, layer_reader, resolve_layer

__all__ = ["FrozenFeatures", "build_backbone", "eval_mode"]

#: Parameters shared (never copied) by ``clone``: the backbone and the callables.
_SHARED = ("backbone", "preprocess", "augment")


def build_backbone(backbone, name="backbone"):
    """The module itself, or what the factory ``backbone()`` builds."""
    if isinstance(backbone, torch.nn.Module):
        return backbone
    if callable(backbone):
        module = backbone()
        if not isinstance(module, torch.nn.Module):
            raise TypeError(f"{name}() must return an nn.Module; it returned {type(module).__name__}.")
        return module
    raise TypeError(f"{name} must be an nn.Module or a callable that builds one; got {type(backbone).__name__}.")


class eval_mode:
    """Put a module in eval mode for the block, then restore every submodule's own mode."""

    def __init__(self, module):
        self.module = module

    def __enter__(self):
        self._modes = [(m, m.training) for m in self.module.modules()]
        self.module.eval()
        return self.module

    def __exit__(self, *exc):
        for m, mode in self._modes:
            m.training = mode
        return False


def _device_of(module):
    p = next(iter(module.parameters()), None)
    return p.device if p is not None else torch.device("cpu")


class FrozenFeatures(TransformerMixin, BaseEstimator):
    """Features of a pretrained network, computed once per cross-validation run.

    Parameters
    ----------
    backbone : nn.Module or callable
        The pretrained network, or a factory that builds it (called in ``fit``). A
        module is shared, never copied: ``clone`` (and so every fold of a
        cross-validation) uses the same object, whose weights are never changed.
    layer : "penultimate", str or None, default="penultimate"
        Which activation to return, flattened to one row per image. "penultimate":
        the input of the network's last ``nn.Linear`` (its classifier); a name from
        ``dict(backbone.named_modules())``: that layer's output (the forward pass
        stops there); None: the network's output.
    preprocess : callable, default=None
        ``preprocess(batch) -> batch`` on float32 tensors on the device before the
        backbone: resizing, channel repeats, the network's input normalisation.
        It must treat each image on its own (no batch statistics).
    augment : callable, default=None
        ``augment(batch) -> batch``, random, applied in ``fit_transform`` only (the
        rows being fitted), seeded from ``random_state``. Setting it makes the
        transformer stateful for the core (``__resample_stateless__`` is False): the
        training rows' features then depend on the draw, so they are recomputed in
        every fold and the test rows stay unaugmented.
    batch_size : int, default=64
        Images per forward pass. The features do not depend on it.
    device : {"auto", "cpu", "cuda", "cuda:<i>"} or torch.device, default="auto"
        Where the forward passes run; the backbone is moved there for the pass and
        back to where it was afterwards.
    cache : bool, default=True
        Declare the transformer stateless so cross-validation computes the features
        once per run. False recomputes them in every fold (for timing the difference).
    random_state : int, numpy.random.Generator or None, default=None
        Seeds ``augment``.

    Attributes
    ----------
    backbone_ : nn.Module
        The network used (``backbone`` itself, or what the factory built).
    input_shape_ : tuple
        Shape of one image seen in ``fit``.
    n_features_out_ : int
        Width of the features (set by the first transform).

    Examples
    --------
    >>> import numpy as np, torch
    >>> from torch import nn
    >>> net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 10))
    >>> X = np.random.default_rng(0).normal(size=(6, 1, 8, 8)).astype(np.float32)
    >>> FrozenFeatures(net).fit_transform(X).shape
    (6, 4)
    >>> FrozenFeatures(net, layer="0").fit_transform(X).shape
    (6, 144)
    """

    def __init__(
        self,
        backbone,
        *,
        layer="penultimate",
        preprocess=None,
        augment=None,
        batch_size=64,
        device="auto",
        cache=True,
        random_state=None,
    ):
        self.backbone = backbone
        self.layer = layer
        self.preprocess = preprocess
        self.augment = augment
        self.batch_size = batch_size
        self.device = device
        self.cache = cache
        self.random_state = random_state

    # The core's marker (resample._model_selection.stateless): features computed once per CV run.
    @property
    def __resample_stateless__(self):
        return bool(self.cache) and self.augment is None

    def __sklearn_clone__(self):
        # scikit-learn's clone deep-copies parameters that are not estimators: that
        # would copy the pretrained backbone for every fold. Share it (and the
        # callables) instead; the rest is cloned as usual.
        params = {
            k: (v if k in _SHARED else clone(v, safe=False)) for k, v in self.get_params(deep=False).items()
        }
        return type(self)(**params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = True
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags

    def _check_params(self):
        check_int(self.batch_size, "batch_size", low=1)
        for name in ("preprocess", "augment"):
            value = getattr(self, name)
            if value is not None and not callable(value):
                raise TypeError(f"{name} must be a callable(batch) -> batch or None; got {type(value).__name__}.")
        return resolve_device(self.device)

    def fit(self, X, y=None):
        """Check the images and resolve the backbone and layer; nothing is learnt.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Images, channels first (what ``preprocess`` takes, or else the backbone).
        y : ignored

        Returns
        -------
        self
        """
        device = self._check_params()
        X = check_images(X)
        module = build_backbone(self.backbone)
        self._kind, self._layer = resolve_layer(module, self.layer)
        if self.preprocess is None:
            check_backbone_input(module, X.shape[1:])
        self.backbone_ = module
        self.device_ = device
        self.input_shape_ = X.shape[1:]
        return self

    def fit_transform(self, X, y=None):
        """Fit, then the features of ``X`` (augmented when ``augment`` is set)."""
        self.fit(X, y)
        return self._features(check_images(X), augment=self.augment is not None)

    def transform(self, X):
        """The features of ``X``: one row per image, float32.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)

        Returns
        -------
        ndarray of shape (n_samples, n_features_out_)
        """
        check_is_fitted(self, "backbone_")
        X = check_images(X)
        if X.shape[1:] != self.input_shape_:
            raise ValueError(
                f"X has images of shape {X.shape[1:]}, but FrozenFeatures was fitted on images of shape "
                f"{self.input_shape_}; pass images of the same shape."
            )
        return self._features(X, augment=False)

    def _features(self, X, augment):
        module, device = self.backbone_, self.device_
        home = _device_of(module)
        seed = derive_seeds(self.random_state, 1)[0] if augment else None
        out = []
        try:
            module.to(device)
            with torch.no_grad(), eval_mode(module), layer_reader(module, self._kind, self._layer) as reader:
                ctx = seeded(seed, device) if augment else contextlib.nullcontext()
                with ctx:
                    for start in range(0, X.shape[0], self.batch_size):
                        batch = torch.as_tensor(X[start : start + self.batch_size], dtype=torch.float32, device=device)
                        if self.preprocess is not None:
                            batch = self.preprocess(batch)
                            if start == 0:
                                check_backbone_input(module, tuple(batch.shape[1:]), transformed=True)
                        if augment:
                            batch = self.augment(batch)
                        out.append(self._read(reader, batch, first=start == 0).float().cpu())
        finally:
            module.to(home)
        if not out:
            return np.zeros((0, getattr(self, "n_features_out_", 0)), dtype=np.float32)
        features = torch.cat(out).numpy()
        self.n_features_out_ = features.shape[1]
        return features

    def _read(self, reader, batch, first):
        if not first:
            return reader.read(batch)
        try:
            return reader.read(batch)
        except RuntimeError as exc:  # the first batch: say what went in
            raise ValueError(
                f"the backbone ({type(self.backbone_).__name__}) failed on images of shape "
                f"{tuple(batch.shape[1:])} (after preprocess, if any): {exc}"
            ) from exc

    def get_feature_names_out(self, input_features=None):
        """``frozenfeatures0, frozenfeatures1, ...`` (after a transform)."""
        check_is_fitted(self, "n_features_out_")
        return np.asarray([f"frozenfeatures{i}" for i in range(self.n_features_out_)], dtype=object)
