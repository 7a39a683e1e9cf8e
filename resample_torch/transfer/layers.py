"""Finding a layer of a pretrained network by name, and reading what flows through it.

Shared by :class:`FrozenFeatures` (read a layer's activations) and
:class:`FineTuneClassifier` (replace the classifier layer with a new head). The
"penultimate" layer of a classification network is taken to be the input of its
last ``nn.Linear`` (in ``named_modules`` order): the pooled feature vector of a
ResNet, VGG, EfficientNet or ViT before its classifier.
"""

import difflib

import numpy as np
import torch
from torch import nn

__all__ = ["check_backbone_input", "check_images", "first_conv", "last_linear", "layer_reader", "resolve_layer"]

#: How many existing names an error message lists.
_SHOWN = 20


class _Stop(Exception):
    """Raised by a hook once the wanted activation is read: the rest of the forward is skipped."""


def _names(module):
    return [name for name, _ in module.named_modules() if name]


def _unknown_layer(module, layer, name="layer"):
    names = _names(module)
    close = difflib.get_close_matches(layer, names, n=3)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    shown = ", ".join(repr(n) for n in names[:_SHOWN])
    more = f", ... ({len(names)} in all; see dict(backbone.named_modules()))" if len(names) > _SHOWN else ""
    return ValueError(
        f"{name}={layer!r} is not a layer of the backbone ({type(module).__name__}).{hint} "
        f"Allowed: 'penultimate', None (the whole output), or one of the existing names: {shown}{more}."
    )


def last_linear(module, name="layer"):
    """Name of the last ``nn.Linear`` of ``module`` (its classifier), or a clear error."""
    found = [n for n, m in module.named_modules() if isinstance(m, nn.Linear) and n]
    if not found:
        names = ", ".join(repr(n) for n in _names(module)[:_SHOWN]) or "(none)"
        raise ValueError(
            f"{name}='penultimate' needs an nn.Linear classifier layer to take the input of, but "
            f"{type(module).__name__} has none. Pass the name of a layer instead: one of {names}."
        )
    return found[-1]


def resolve_layer(module, layer, name="layer"):
    """``(kind, layer_name)``: kind is "input" (penultimate), "output" (named layer) or "model"."""
    if layer is None:
        return "model", None
    if not isinstance(layer, str):
        raise TypeError(f"{name} must be 'penultimate', None or a layer name (str); got {layer!r}.")
    if layer == "penultimate":
        return "input", last_linear(module, name)
    if layer not in dict(module.named_modules()) or layer == "":
        raise _unknown_layer(module, layer, name)
    return "output", layer


class layer_reader:
    """Context manager: ``read(x)`` returns the activation at ``(kind, layer)`` of ``module``.

    The forward stops as soon as the activation is read, so layers past it cost
    nothing. Hooks are removed on exit.
    """

    def __init__(self, module, kind, layer):
        self.module, self.kind, self.layer = module, kind, layer
        self._value = None
        self._handle = None

    def __enter__(self):
        if self.kind == "model":
            return self
        target = dict(self.module.named_modules())[self.layer]

        def pre_hook(mod, args):
            self._value = args[0]
            raise _Stop

        def hook(mod, args, output):
            self._value = output
            raise _Stop

        if self.kind == "input":
            self._handle = target.register_forward_pre_hook(pre_hook)
        else:
            self._handle = target.register_forward_hook(hook)
        return self

    def __exit__(self, *exc):
        if self._handle is not None:
            self._handle.remove()
        return False

    def read(self, x):
        if self.kind == "model":
            out = self.module(x)
        else:
            self._value = None
            try:
                self.module(x)
            except _Stop:
                pass
            out = self._value
            if out is None:
                raise RuntimeError(f"the layer {self.layer!r} was not reached in the backbone's forward pass.")
        if isinstance(out, (tuple, list)):
            out = out[0]
        return out.reshape(out.shape[0], -1)


def first_conv(module):
    """``(name, conv)`` of the first convolution of ``module``, or ``(None, None)``."""
    for n, m in module.named_modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            return n, m
    return None, None


def check_images(X, name="X"):
    """X as a numpy array of numeric images ``(n_samples, ...)``; a clear error otherwise."""
    if isinstance(X, torch.Tensor):
        X = X.detach().cpu().numpy()
    X = np.asarray(X)
    kind = X.dtype.kind
    if kind not in "fiu":
        raise TypeError(
            f"{name} has dtype {X.dtype}; images must be a numeric array (float, or integer such as "
            "uint8 pixels), cast to float32 before the backbone."
        )
    if X.ndim < 2:
        raise ValueError(
            f"{name} has shape {X.shape}; images must be an array of shape (n_samples, ...) "
            "with one image per row, e.g. (n, channels, height, width)."
        )
    if kind == "f" and not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinity; images must be finite.")
    return X


def check_backbone_input(module, shape, name="X", transformed=False):
    """Compare the per-image ``shape`` with what the backbone's first convolution takes."""
    conv_name, conv = first_conv(module)
    if conv is None:
        return
    dims = next(d for cls, d in ((nn.Conv3d, 3), (nn.Conv2d, 2), (nn.Conv1d, 1)) if isinstance(conv, cls))
    what = f"{name} after preprocess" if transformed else name
    fix = "" if transformed else ", or pass preprocess= that makes them so (for example repeating a grey channel)"
    if len(shape) != dims + 1 or shape[0] != conv.in_channels:
        spatial = ", ".join(["H", "W", "D"][:dims])
        raise ValueError(
            f"{what} has images of shape {tuple(shape)}, but the backbone's first layer "
            f"{conv_name!r} ({type(conv).__name__}) takes {conv.in_channels} channel(s): images must have "
            f"shape ({conv.in_channels}, {spatial}), channels first{fix}."
        )
