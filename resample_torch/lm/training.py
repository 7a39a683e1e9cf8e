"""Truncated backpropagation through time for one model: the layout of the text and the loop.

The training text (the rows of ``X`` joined where they were adjacent in the text)
is laid out as ``batch_size`` parallel streams, as in pytorch/examples'
``word_language_model``::

    symbols  s0 s1 s2 ... (every run of contiguous text starts with BOS)
    streams  column b holds symbols b*L .. b*L+L-1          -> (L, batch_size)
    chunks   rows t .. t+bptt-1 of every stream, in order    -> (bptt, batch_size)

Each chunk is a step of gradient descent; the hidden state is carried from one
chunk to the next and detached, so gradients flow back at most ``bptt`` symbols.
The K-fold version of the loop is :mod:`resample_torch.lm.batched`.
"""

import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from resample._protocol import progress_bar
from resample_torch.lm.network import detach_state

__all__ = ["OPTIMIZERS", "Layout", "make_layout", "dropout_masks", "train_single"]

#: Optimizers whose update is elementwise, so K stacked models can share one
#: (see ``batched.py``); name -> torch class.
OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}


@dataclass(frozen=True, eq=False)
class Layout:
    """The training text of one model, as streams and chunks (numpy, host side)."""

    inp: np.ndarray  # (L, B) int64 input symbols
    tgt: np.ndarray  # (L, B) int64 next symbols; BOS targets are ignored
    keep: np.ndarray  # (L, B) float32, 0 where the input is BOS (state reset)
    reset_rows: np.ndarray  # rows t where some stream restarts
    n_chars: int  # symbols scored in one epoch
    bos: int

    @property
    def length(self):
        return self.inp.shape[0]

    def chunks(self, bptt):
        """``(start, stop, resets, n_scored)`` of every chunk, in order."""
        out = []
        for start in range(0, self.length, bptt):
            stop = min(start + bptt, self.length)
            lo, hi = np.searchsorted(self.reset_rows, [start, stop])
            resets = [int(t) - start for t in self.reset_rows[lo:hi]]
            out.append((start, stop, resets, int((self.tgt[start:stop] != self.bos).sum())))
        return out


def make_layout(run_codes, bos, batch_size, what="training text"):
    """Streams of the runs of contiguous text ``run_codes`` (list of int arrays)."""
    pieces = []
    for codes in run_codes:
        pieces.append(np.array([bos], dtype=np.int64))
        pieces.append(codes)
    seq = np.concatenate(pieces)
    length = (len(seq) - 1) // batch_size
    if length < 1:
        raise ValueError(
            f"the {what} has {len(seq) - len(run_codes)} symbols in {len(run_codes)} stretch(es), too few for "
            f"batch_size={batch_size} streams: it needs at least {batch_size} symbols. "
            "Use a smaller batch_size or more text."
        )
    used = length * batch_size
    inp = seq[:used].reshape(batch_size, length).T.copy()  # (L, B): column b is stream b
    tgt = seq[1 : used + 1].reshape(batch_size, length).T.copy()
    restart = inp == bos
    keep = (~restart).astype(np.float32)
    return Layout(inp, tgt, keep, np.flatnonzero(restart.any(axis=1)), int((tgt != bos).sum()), int(bos))


def dropout_masks(widths, T, B, p, generator, device):
    """Inverted-dropout masks, one (T, B, width) tensor per width, from ``generator``."""
    return [
        torch.empty(T, B, w, device=device).bernoulli_(1 - p, generator=generator).div_(1 - p) for w in widths
    ]


def train_single(model, layout, *, bptt, max_epochs, optimizer, grad_clip, dropout, generator, device,
                 progress=False, on_epoch=None):
    """Truncated BPTT over ``layout``; returns ``(losses, times, extra)``: the mean training
    NLL of each epoch, its seconds, and what ``on_epoch(epoch, model)`` returned after it."""
    inp = torch.as_tensor(layout.inp, device=device)
    tgt = torch.as_tensor(layout.tgt, device=device)
    keep = torch.as_tensor(layout.keep, device=device)
    bos, V, B = layout.bos, model.decoder.out_features, inp.shape[1]
    plan = layout.chunks(bptt)  # host side: no device sync inside the loop
    params = [p for p in model.parameters()]
    history, times, extra = [], [], []
    bar = progress_bar(max_epochs * len(plan), desc="training chunks", enabled=progress)
    for epoch in range(1, max_epochs + 1):
        t0 = time.perf_counter()
        model.train()
        state = model.init_state(B, device)
        total = torch.zeros((), device=device)
        for start, stop, resets, count in plan:
            masks = dropout_masks(model.widths, stop - start, B, dropout, generator, device) if dropout else None
            logits, state = model(inp[start:stop], state, resets, keep[start:stop], masks)
            nll = F.cross_entropy(logits.reshape(-1, V), tgt[start:stop].reshape(-1), ignore_index=bos, reduction="sum")
            loss = nll / max(count, 1)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if grad_clip is not None:
                torch.nn.utils.clip_grad_norm_(params, grad_clip)
            optimizer.step()
            state = detach_state(state)
            total += nll.detach()
            bar.update()
        history.append(float(total) / max(layout.n_chars, 1))
        times.append(time.perf_counter() - t0)
        if on_epoch is not None:
            model.eval()
            extra.append(on_epoch(epoch, model) or {})
    bar.close()
    return history, times, extra
