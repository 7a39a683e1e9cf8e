"""The training loop of the tabular torch estimators: epochs, validation, early stopping, schedules.

One epoch is: minibatches (forward, loss, backward, step), then the validation
loss when there is a validation set, then the learning-rate scheduler's step, then
the epoch's row of the history. Early stopping follows scikit-learn's
``MLPClassifier``: training stops when the validation loss has not improved by at
least ``tol`` for ``n_iter_no_change`` consecutive epochs, and the weights of the
best epoch are restored (``MLPClassifier`` also keeps its best coefficients).
"""

import copy
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

__all__ = ["HISTORY_COLUMNS", "EarlyStopping", "make_scheduler", "mean_loss", "run_epochs"]

#: Columns of ``history_``, in order (an ``on_epoch`` callback may add more).
HISTORY_COLUMNS = ["epoch", "train_loss", "valid_loss", "lr", "time"]


@dataclass(frozen=True)
class EarlyStopping:
    """Stop after ``n_iter_no_change`` epochs whose validation loss is not ``tol`` below the best."""

    n_iter_no_change: int = 10
    tol: float = 1e-4


def make_scheduler(scheduler, params, optimizer):
    """``scheduler(optimizer, **params)``, or None."""
    if scheduler is None:
        return None
    return scheduler(optimizer, **dict(params or {}))


@torch.no_grad()
def mean_loss(module, batches, criterion):
    """Mean of ``criterion`` over the rows of ``batches`` (module in eval mode; no gradient).

    Each batch's loss is weighted by its rows, so the result does not depend on the
    batch size when the criterion averages over rows.
    """
    was_training = module.training
    module.eval()
    total, n = torch.zeros((), dtype=torch.float64), 0
    for xb, yb in batches:
        total += criterion(module(xb), yb).detach().double().cpu() * xb.shape[0]
        n += xb.shape[0]
    module.train(was_training)
    return float(total) / max(n, 1)


def _train_epoch(module, batches, criterion, optimizer):
    """One pass over ``batches``; the mean training loss (one host synchronisation)."""
    module.train()
    total, n = None, 0
    for xb, yb in batches:
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(module(xb), yb)
        loss.backward()
        optimizer.step()
        part = loss.detach() * xb.shape[0]  # no sync per step; summed on the device
        total = part if total is None else total + part
        n += xb.shape[0]
    return float(total) / max(n, 1)


def _step_scheduler(scheduler, metric):
    if scheduler is None:
        return
    if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
        scheduler.step(metric)  # it needs the monitored loss
    else:
        scheduler.step()


def run_epochs(module, batches, criterion, optimizer, *, max_epochs, scheduler=None, valid=None,
               stopping=None, on_epoch=None):
    """Train ``module``; return ``(history, best_epoch)``.

    Parameters
    ----------
    batches : iterable of (xb, yb), re-iterated every epoch (a new order each time)
    valid : iterable of (xb, yb) or None
        The validation rows; their mean loss is the ``valid_loss`` column.
    stopping : EarlyStopping or None
        Needs ``valid``. The best epoch's weights are restored at the end.
    on_epoch : callable(epoch, module) -> dict or None
        Called after each epoch (module in eval mode); its entries become columns.

    Returns
    -------
    history : pandas.DataFrame
        One row per epoch run: ``HISTORY_COLUMNS`` plus the callback's columns.
    best_epoch : int or None
        The epoch (1-based) whose weights the module holds when early stopping.
    """
    rows = []
    best, best_epoch, best_state, stale = np.inf, None, None, 0
    for epoch in range(1, max_epochs + 1):
        start = time.perf_counter()
        groups = getattr(optimizer, "param_groups", None)  # a wrapper (transfer's stepper) may have none
        lr = groups[0]["lr"] if groups else np.nan  # the rate this epoch trains with
        train = _train_epoch(module, batches, criterion, optimizer)
        val = mean_loss(module, valid, criterion) if valid is not None else np.nan
        _step_scheduler(scheduler, train if valid is None else val)
        row = {"epoch": epoch, "train_loss": train, "valid_loss": val, "lr": lr, "time": time.perf_counter() - start}
        if on_epoch is not None:
            module.eval()
            row.update(on_epoch(epoch, module) or {})
        rows.append(row)
        if stopping is None:
            continue
        if val < best:  # keep the best weights, as MLPClassifier keeps its best coefficients
            best_epoch, best_state = epoch, copy.deepcopy(module.state_dict())
        stale = 0 if val < best - stopping.tol else stale + 1
        best = min(best, val)
        if stale >= stopping.n_iter_no_change:
            break
    if best_state is not None:
        module.load_state_dict(best_state)
    return pd.DataFrame(rows), best_epoch
