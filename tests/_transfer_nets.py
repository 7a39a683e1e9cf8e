"""Tiny backbones and data for the transfer-learning tests (CPU, well under a second each)."""

import numpy as np
import torch
from torch import nn


class CountingNet(nn.Module):
    """conv -> BatchNorm -> ReLU -> pool -> linear "classifier"; counts the images it sees."""

    def __init__(self, channels=1, width=4, n_out=10):
        super().__init__()
        self.conv = nn.Conv2d(channels, width, 3)
        self.bn = nn.BatchNorm2d(width)
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.fc = nn.Linear(4 * width, n_out)
        self.seen = 0

    def forward(self, x):  # x: (n, channels, H, W) -> (n, n_out)
        self.seen += x.shape[0]
        h = self.pool(torch.relu(self.bn(self.conv(x))))  # (n, width, 2, 2)
        return self.fc(h.flatten(1))


def make_net(seed=0, **kwargs):
    """A CountingNet with seeded weights and non-trivial BatchNorm statistics."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        net = CountingNet(**kwargs)
        net.bn.running_mean.uniform_(-0.5, 0.5)
        net.bn.running_var.uniform_(0.5, 2.0)
    net.eval()
    net.seen = 0
    return net


def images(n=40, seed=0, channels=1, size=8):
    """Images and labels with some signal: class = which half of the image is brighter."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, channels, size, size)).astype(np.float32)
    y = (X[:, :, :, : size // 2].mean(axis=(1, 2, 3)) > X[:, :, :, size // 2 :].mean(axis=(1, 2, 3))).astype(int)
    X[:, :, :, : size // 2] += y[:, None, None, None] * 0.5
    return X, y


def state(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def same_state(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
