"""What every torch estimator here shares: device, seeds, and where weights live.

- ``device="auto"`` is resolved in ``fit`` (CUDA when present, else the CPU), never
  in ``__init__``, so a clone made on one machine fits on another.
- Seeds come from ``random_state`` through the core's ``as_generator``; torch's
  global generator is only ever seeded inside :func:`torch.random.fork_rng`, which
  restores it, so a fit leaves the caller's random state (torch, numpy, python)
  as it found it.
- The module is built fresh in every ``fit``: nothing is carried between folds.
- After ``fit`` the weights move to the CPU unless ``keep_on_device=True``; the
  fitted module is an attribute ending in ``_``, so ``clone`` copies no tensors.
"""

import contextlib
import copy

import numpy as np
from sklearn.base import BaseEstimator

from resample._protocol import as_generator, int_seed
from resample_torch._checks import check_device

__all__ = ["TorchEstimatorBase", "derive_seeds", "history_frame", "resolve_device", "seeded"]


def resolve_device(device, name="device"):
    """The :class:`torch.device` that ``device`` names (``"auto"``: CUDA if present)."""
    return check_device(device, name)


def history_frame(train_loss, lr, times, extra=None):
    """The ``history_`` table of a torch estimator: one row per epoch.

    Columns ``epoch`` (from 1), ``train_loss``, ``valid_loss`` (NaN where there is no
    validation set), ``lr`` and ``time`` (seconds), then the columns of ``extra``
    (a list of dicts, one per epoch).

    Examples
    --------
    >>> history_frame([2.0, 1.5], 0.01, [0.1, 0.1]).columns.tolist()
    ['epoch', 'train_loss', 'valid_loss', 'lr', 'time']
    """
    import pandas as pd

    n = len(train_loss)
    frame = pd.DataFrame({
        "epoch": np.arange(1, n + 1),
        "train_loss": np.asarray(train_loss, dtype=float),
        "valid_loss": np.full(n, np.nan),
        "lr": np.broadcast_to(np.asarray(lr, dtype=float), (n,)).copy(),
        "time": np.asarray(times, dtype=float),
    })
    if extra:
        frame = pd.concat([frame, pd.DataFrame(list(extra))], axis=1)
    return frame


def derive_seeds(random_state, n=2):
    """``n`` int seeds for torch, drawn from ``random_state``.

    A Generator is copied first, as ``sklearn.base.clone`` would copy it, so a fit
    of the estimator and a fit of its clone draw the same seeds (and so do all
    folds of a batched run, which the protocol asks to match one-by-one fits).

    Examples
    --------
    >>> derive_seeds(0) == derive_seeds(0)
    True
    """
    if isinstance(random_state, np.random.Generator):
        random_state = copy.deepcopy(random_state)
    rng = as_generator(random_state)
    return [int_seed(rng) for _ in range(n)]


@contextlib.contextmanager
def seeded(seed, device):
    """Seed torch's global generator(s) for the block, then restore them.

    Only the generators of ``device`` are forked: forking every CUDA device costs
    time and warns when there are several.
    """
    import torch

    devices = [device.index or 0] if device.type == "cuda" else []
    # device_type only picks which device module to fork besides the CPU (always
    # forked); with devices=[] nothing else is touched.
    with torch.random.fork_rng(devices=devices, device_type="cuda"):
        torch.manual_seed(seed)
        yield


class TorchEstimatorBase(BaseEstimator):
    """Mixin of the torch estimators: device, seeds and moving weights after fit.

    Subclasses define ``__init__`` with a ``device``, ``random_state`` and
    ``keep_on_device`` parameter and store ``module_`` and ``device_`` when fitted.
    """

    def _finish(self, module, device):
        """Put the fitted module in eval mode and on the device it should stay on."""
        module.eval()
        if not self.keep_on_device:
            module.to("cpu")
            device = _cpu()
        self.module_ = module
        self.device_ = device
        return self

    def __sklearn_is_fitted__(self):
        return hasattr(self, "module_")


def _cpu():
    import torch

    return torch.device("cpu")
