"""The learning-rate range test (Smith, "Cyclical learning rates", 2017, section 3.3).

A fresh model takes ``num_steps`` minibatch steps while the learning rate grows
geometrically from ``min_lr`` to ``max_lr``; the loss of each batch is recorded and
smoothed by an exponential moving average with bias correction (as fastai does).
The test stops early once the smoothed loss exceeds ``diverge`` times its lowest
value. The suggested rate is where the smoothed loss falls fastest against
log(lr), after the first tenth of the steps (fastai's "steep" point); the rate of
lowest loss is also given (a tenth of it is another common choice).
"""

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.base import clone

from resample_torch._base import derive_seeds, resolve_device, seeded
from resample_torch._checks import check_int, check_positive_float
from resample_torch.lm.model import CharRNNLanguageModel
from resample_torch.lm.network import detach_state
from resample_torch.tabular.data import batches_for
from resample_torch.tabular.supervised import make_criterion, make_optimizer

__all__ = ["LRRangeResult", "lr_range_test"]


@dataclass(frozen=True, eq=False)
class LRRangeResult:
    """Loss per step of a learning-rate range test; see :func:`lr_range_test`."""

    lr: np.ndarray
    loss: np.ndarray
    smoothed_loss: np.ndarray
    suggested_lr: float
    min_loss_lr: float
    unit: str

    def plot(self, ax=None):
        """Loss against the log-scaled learning rate; returns the matplotlib Figure."""
        from resample_torch.curves.plots import plot_lr_range

        return plot_lr_range(self, ax=ax)

    def __repr__(self):
        return (f"LRRangeResult({len(self.lr)} steps, lr {self.lr[0]:.2g}..{self.lr[-1]:.2g}: suggested "
                f"{self.suggested_lr:.3g}, lowest loss at {self.min_loss_lr:.3g})")


def _tabular_steps(est, X, y):
    """``(module, optimizer, step)`` for a TorchClassifier/TorchRegressor; step() returns one batch's loss."""
    factory, device = est._check_params()
    X, y, shape = est._read_input(X, y)
    y, n_out = est._prepare_y(y)
    _, _, loader_seed = derive_seeds(est.random_state, 3)
    module = est._build_module(factory, shape, n_out).to(device)
    criterion = make_criterion(est.criterion, est._default_criterion)
    optimizer = make_optimizer(est.optimizer, module.parameters(), est.lr, est.weight_decay, est.optimizer_params)
    batches = batches_for(X, est._y_tensor(y, device), None, shuffle=est.shuffle, batch_size=est.batch_size,
                          num_workers=est.num_workers, seed=loader_seed, device=device)

    def stream():
        while True:
            yield from batches

    it = stream()
    module.train()

    def step():
        xb, yb = next(it)
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(module(xb), yb)
        loss.backward()
        optimizer.step()
        return float(loss.detach())

    return module, optimizer, step


def _lm_steps(est, X):
    """The same for a CharRNNLanguageModel: one step is one BPTT chunk; the loss is in bits per character."""
    from resample_torch.lm.text import Vocabulary

    device = est._check_params()
    vocab = Vocabulary(est.alphabet)
    layout = est._training_layout(X, vocab)
    init_seed, _ = derive_seeds(est.random_state, 2)
    model = est._new_module(vocab, init_seed, device)
    optimizer = est._optimizer(model.parameters())
    inp, tgt = torch.as_tensor(layout.inp, device=device), torch.as_tensor(layout.tgt, device=device)
    keep = torch.as_tensor(layout.keep, device=device)
    plan = layout.chunks(est.bptt)
    state = {"i": 0, "h": model.init_state(inp.shape[1], device)}
    model.train()

    def step():
        if state["i"] == len(plan):
            state["i"], state["h"] = 0, model.init_state(inp.shape[1], device)
        start, stop, resets, count = plan[state["i"]]
        logits, h = model(inp[start:stop], state["h"], resets, keep[start:stop])
        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[start:stop].reshape(-1),
                              ignore_index=layout.bos, reduction="sum") / max(count, 1)
        optimizer.zero_grad(set_to_none=True)
        nll.backward()
        if est.grad_clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), est.grad_clip)
        optimizer.step()
        state["i"], state["h"] = state["i"] + 1, detach_state(h)
        return float(nll.detach()) / math.log(2)

    return model, optimizer, step


def lr_range_test(estimator, X, y=None, *, min_lr=1e-6, max_lr=1.0, num_steps=100, smoothing=0.98, diverge=4.0):
    """Train a fresh copy of ``estimator`` while the learning rate grows geometrically; find a good rate.

    Parameters
    ----------
    estimator : TorchClassifier, TorchRegressor or CharRNNLanguageModel
        Its ``lr`` is ignored; everything else (module, optimizer, batch size,
        seed) is used as in ``fit``. Not changed.
    X, y : training data (``y`` None for a language model)
    min_lr, max_lr : float, default=1e-6, 1.0
    num_steps : int, default=100
        Minibatch steps (BPTT chunks for a language model), cycling through the data.
    smoothing : float, default=0.98
        Weight of the past in the moving average of the loss.
    diverge : float, default=4.0
        Stop once the smoothed loss exceeds this multiple of its lowest value.

    Returns
    -------
    LRRangeResult
        ``lr``, ``loss``, ``smoothed_loss`` per step, ``suggested_lr`` (steepest
        fall of the smoothed loss against log lr), ``min_loss_lr`` and ``plot()``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from resample_torch import TorchClassifier
    >>> X, y = make_classification(200, 5, random_state=0)
    >>> res = lr_range_test(TorchClassifier(device="cpu", random_state=0), X, y, num_steps=40)
    >>> 1e-6 <= res.suggested_lr <= 1.0, len(res.lr) <= 40
    (True, True)
    """
    min_lr, max_lr = check_positive_float(min_lr, "min_lr"), check_positive_float(max_lr, "max_lr")
    if not min_lr < max_lr:
        raise ValueError(f"min_lr={min_lr!r} must be below max_lr={max_lr!r}.")
    check_int(num_steps, "num_steps", low=5)
    if not 0 <= smoothing < 1:
        raise ValueError(f"smoothing={smoothing!r} is out of range: it must be in [0, 1).")
    check_positive_float(diverge, "diverge")
    est = clone(estimator)
    is_lm = isinstance(est, CharRNNLanguageModel)
    if not is_lm and not hasattr(est, "_read_input"):
        raise TypeError(f"estimator must be a TorchClassifier, TorchRegressor or CharRNNLanguageModel; got "
                        f"{type(estimator).__name__}.")
    lrs = min_lr * (max_lr / min_lr) ** (np.arange(num_steps) / (num_steps - 1))
    losses, smooth, avg, best = [], [], 0.0, math.inf
    seed = derive_seeds(est.random_state, 1)[0]  # the seed fit would initialise the module with
    with seeded(seed, resolve_device(est.device)):
        _module, optimizer, step = _lm_steps(est, X) if is_lm else _tabular_steps(est, X, y)
        for i, lr in enumerate(lrs):
            for group in optimizer.param_groups:
                group["lr"] = float(lr)
            loss = step()
            avg = smoothing * avg + (1 - smoothing) * loss
            s = avg / (1 - smoothing ** (i + 1))  # bias correction of the moving average
            losses.append(loss)
            smooth.append(s)
            best = min(best, s)
            if not math.isfinite(s) or s > diverge * best:
                break
    return _result(lrs[: len(losses)], np.array(losses), np.array(smooth), "bits per character" if is_lm else "loss")


def _result(lrs, losses, smooth, unit):
    finite = np.isfinite(smooth)
    i_min = int(np.nanargmin(np.where(finite, smooth, np.nan)))
    # the steepest fall between the first tenth (where the moving average is still
    # settling) and the lowest point, by finite differences against log(lr)
    skip = max(3, len(lrs) // 10)
    i_steep = i_min
    if i_min - skip >= 2:
        slope = np.gradient(smooth[skip : i_min + 1], np.log(lrs[skip : i_min + 1]))
        i_steep = skip + int(np.argmin(slope))
    return LRRangeResult(lrs, losses, smooth, float(lrs[i_steep]), float(lrs[i_min]), unit)
