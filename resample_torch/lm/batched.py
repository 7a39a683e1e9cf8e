"""The K fold models of a cross-validation, trained together as one stacked model.

Every weight of the K models is stacked along a leading model dimension and the
recurrent cells are written out by hand over that dimension (``torch.vmap`` over
``nn.GRU``/``nn.LSTM`` has no batching rule in torch 2.13)::

    embedding  (K, V, E)        input x     (K, T, B)        state h  (K, B, H)
    w_ih       (K, G*H, in)     gates x     (K, T, B, G*H)   (one batched matmul)
    w_hh       (K, G*H, H)      gates h     (K, B, G*H)      (one bmm per time step)
    decoder    (K, V, H)        logits      (K, T*B, V)

Model k sees only its own fold's text, its own dropout masks (from its own
generator, drawn in the same order as a lone fit draws them), its own gradient
clipping norm, and its own optimizer state and step count; a model whose fold has
run out of chunks for this epoch sits the step out. So each model gets the updates
it would get alone, up to floating-point rounding (the per-fold losses agree to
about 1e-6 relative; ``tests/test_torch_batched.py`` holds them to 1e-4).

The time loop of each layer is written with batched matmuls over the model
dimension and differentiated by autograd (``cells.py``); a hand-written backward
pass it replaced was no faster on the CPU (``benchmarks/bench_torch_fused.py``).

The sum of the K losses is differentiated once: the models share no weight, so the
gradient of the sum with respect to model k's weights is the gradient of its own
loss.
"""

import time

import numpy as np
import torch
import torch.nn.functional as F

from resample._protocol import progress_bar
from resample_torch.lm import cells
from resample_torch.lm.network import detach_state
from resample_torch.lm.training import OPTIMIZERS, dropout_masks

__all__ = ["StackedCharRNN", "train_stacked", "train_folds"]


class StackedCharRNN:
    """K :class:`~resample_torch.CharRNN` models with their weights stacked.

    Built from K models of the same shape; :meth:`copy_to` writes the trained
    weights back.
    """

    def __init__(self, models):
        first = models[0]
        self.K = len(models)
        self.cell = first.cell
        self.widths = first.widths
        self.V = first.decoder.out_features

        def stack(get):
            return torch.stack([get(m).detach() for m in models]).clone().requires_grad_(True)

        self.embedding = stack(lambda m: m.embedding.weight)  # (K, V, E)
        self.layers = []
        for i in range(len(first.layers)):
            self.layers.append(
                {
                    "w_ih": stack(lambda m: m.layers[i].weight_ih_l0),  # (K, G*H, in)
                    "w_hh": stack(lambda m: m.layers[i].weight_hh_l0),  # (K, G*H, H)
                    "b_ih": stack(lambda m: m.layers[i].bias_ih_l0),  # (K, G*H)
                    "b_hh": stack(lambda m: m.layers[i].bias_hh_l0),  # (K, G*H)
                }
            )
        self.dec_w = stack(lambda m: m.decoder.weight)  # (K, V, H)
        self.dec_b = stack(lambda m: m.decoder.bias)  # (K, V)

    def parameters(self):
        out = [self.embedding]
        for layer in self.layers:
            out += [layer["w_ih"], layer["w_hh"], layer["b_ih"], layer["b_hh"]]
        return out + [self.dec_w, self.dec_b]

    def copy_to(self, models):
        """Write model k's trained weights into ``models[k]``."""
        with torch.no_grad():
            for k, m in enumerate(models):
                m.embedding.weight.copy_(self.embedding[k])
                for i, layer in enumerate(self.layers):
                    m.layers[i].weight_ih_l0.copy_(layer["w_ih"][k])
                    m.layers[i].weight_hh_l0.copy_(layer["w_hh"][k])
                    m.layers[i].bias_ih_l0.copy_(layer["b_ih"][k])
                    m.layers[i].bias_hh_l0.copy_(layer["b_hh"][k])
                m.decoder.weight.copy_(self.dec_w[k])
                m.decoder.bias.copy_(self.dec_b[k])

    def init_state(self, B, device):
        H = [layer["w_hh"].shape[-1] for layer in self.layers]
        if self.cell == "lstm":
            return [(torch.zeros(self.K, B, h, device=device), torch.zeros(self.K, B, h, device=device)) for h in H]
        return [torch.zeros(self.K, B, h, device=device) for h in H]

    def forward(self, x, state, resets, keep, masks):
        """x (K, T, B) codes -> logits (K, T*B, V), new state."""
        K, T, B = x.shape
        V, E = self.embedding.shape[1:]
        offsets = (torch.arange(K, device=x.device) * V).view(K, 1, 1)
        h = F.embedding(x + offsets, self.embedding.reshape(K * V, E))  # (K, T, B, E)
        if masks is not None:
            h = h * masks[0]
        new_state = []
        for i, layer in enumerate(self.layers):
            h, s = _stacked_layer(self.cell, layer, h, state[i], resets, keep)  # (K, T, B, H)
            if masks is not None:
                h = h * masks[i + 1]
            new_state.append(s)
        H = h.shape[-1]
        logits = torch.baddbmm(self.dec_b.unsqueeze(1), h.reshape(K, T * B, H), self.dec_w.transpose(1, 2))
        return logits, new_state  # (K, T*B, V)


def _project(w, inp):
    """Input projections of all steps at once: (K, T, B, in) -> (K, T, B, G*H)."""
    K, T, B, n_in = inp.shape
    xg = torch.baddbmm(w["b_ih"].unsqueeze(1), inp.reshape(K, T * B, n_in), w["w_ih"].transpose(1, 2))
    return xg.view(K, T, B, -1)


def _stacked_layer(cell, w, inp, state, resets, keep):
    """One recurrent layer of all K models over (K, T, B, in); returns (K, T, B, H), state."""
    return cells.CELL_LOOPS[cell](_project(w, inp), state, w["w_hh"], w["b_hh"], keep, frozenset(resets))


class _MaskedOptimizer:
    """Adam or SGD over stacked weights, with per-model step counts.

    Written out (rather than ``torch.optim.Adam`` over the stacked tensors, which
    would also be elementwise) because a model that sits a step out must keep its
    moments and step count; the formulas are torch's single-tensor ones. Which
    models step when is known before training (``active``: the same every epoch), so
    the bias corrections of every step are computed up front and sent to the device
    once: a step copies nothing from the host, which on a GPU would wait for the
    queued kernels.
    """

    def __init__(self, params, name, lr, weight_decay, active, max_epochs):
        self.params, self.name, self.lr, self.wd = params, name, lr, weight_decay
        dev = params[0].device
        self.n_steps = active.shape[0]
        self.active = torch.as_tensor(active, device=dev)  # (n_steps, K) bool
        if name == "adam":
            defaults = OPTIMIZERS[name]([torch.zeros(1)]).defaults
            self.beta1, self.beta2 = defaults["betas"]
            self.eps = defaults["eps"]
            # Adam's step count of every model at every step of every epoch, (E * n_steps, K)
            within = np.cumsum(active, axis=0)
            steps = np.concatenate([e * active.sum(axis=0) + within for e in range(max_epochs)])
            steps = np.maximum(steps, 1)  # a model that has not stepped yet is masked anyway
            self.step_size = torch.as_tensor(lr / (1 - self.beta1**steps), dtype=torch.float32, device=dev)
            self.bc2_sqrt = torch.as_tensor(np.sqrt(1 - self.beta2**steps), dtype=torch.float32, device=dev)
            self.m = [torch.zeros_like(p) for p in params]
            self.v = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self, epoch, i, all_active):
        """Step ``i`` of ``epoch``; ``all_active``: whether every model takes it."""
        act = self.active[i]
        if self.name == "adam":
            step_size, bc2_sqrt = self.step_size[epoch * self.n_steps + i], self.bc2_sqrt[epoch * self.n_steps + i]
        for j, p in enumerate(self.params):
            g = p.grad
            if self.wd:
                g = g.add(p, alpha=self.wd)
            shape = (-1,) + (1,) * (p.dim() - 1)
            if self.name == "sgd":
                update = g * self.lr
            else:
                m_new = self.m[j].lerp(g, 1 - self.beta1)
                v_new = self.v[j].mul(self.beta2).addcmul_(g, g, value=1 - self.beta2)
                denom = (v_new.sqrt() / bc2_sqrt.view(shape)).add_(self.eps)
                update = m_new / denom * step_size.view(shape)
                if all_active:
                    self.m[j], self.v[j] = m_new, v_new
                else:
                    a = act.view(shape)
                    self.m[j] = torch.where(a, m_new, self.m[j])
                    self.v[j] = torch.where(a, v_new, self.v[j])
            if all_active:
                p.sub_(update)
            else:
                p.sub_(torch.where(act.view(shape), update, torch.zeros_like(update)))


@torch.no_grad()
def _clip_per_model(params, max_norm):
    """``clip_grad_norm_`` applied to each model's own gradients."""
    norms = torch.stack([torch.linalg.vector_norm(p.grad.flatten(1), dim=1) for p in params], dim=1)  # (K, P)
    total = torch.linalg.vector_norm(norms, dim=1)  # (K,)
    coef = (max_norm / (total + 1e-6)).clamp(max=1.0)
    for p in params:
        p.grad.mul_(coef.view((-1,) + (1,) * (p.dim() - 1)))


def _pad(arrays, value, length):
    """Stack (L_k, B) arrays into (K, length, B), padding the tail with ``value``."""
    out = np.full((len(arrays), length) + arrays[0].shape[1:], value, dtype=arrays[0].dtype)
    for k, a in enumerate(arrays):
        out[k, : a.shape[0]] = a
    return out


def train_stacked(stacked, layouts, *, bptt, max_epochs, optimizer, lr, weight_decay, grad_clip, dropout,
                  generators, device, progress=False):
    """Truncated BPTT of all K models at once; returns each model's epoch losses and the epochs' seconds."""
    K, bos, V = stacked.K, layouts[0].bos, stacked.V
    B = layouts[0].inp.shape[1]
    L = max(lay.length for lay in layouts)
    inp = torch.as_tensor(_pad([lay.inp for lay in layouts], bos, L), device=device)  # (K, L, B)
    tgt = torch.as_tensor(_pad([lay.tgt for lay in layouts], bos, L), device=device)
    keep = torch.as_tensor(_pad([lay.keep for lay in layouts], 1.0, L), device=device)
    plans = [lay.chunks(bptt) for lay in layouts]
    n_steps = max(len(p) for p in plans)
    # The plan of one epoch, host side, and what the device needs of it, sent once.
    active = np.array([[i < len(p) for p in plans] for i in range(n_steps)])  # (n_steps, K)
    steps = []
    for i in range(n_steps):
        chunk = [p[i] if i < len(p) else None for p in plans]
        stop = max(c[1] for c in chunk if c is not None)
        resets = sorted({t for c in chunk if c is not None for t in c[2]})
        steps.append((i * bptt, stop, resets, chunk))
    counts = torch.as_tensor(
        [[max(c[3], 1) if c is not None else 1 for c in chunk] for *_, chunk in steps], dtype=torch.float32,
        device=device,
    )  # (n_steps, K): symbols each model scores in each chunk
    params = stacked.parameters()
    opt = _MaskedOptimizer(params, optimizer, lr, weight_decay, active, max_epochs)
    history = [[] for _ in range(K)]
    n_chars = np.array([lay.n_chars for lay in layouts], dtype=np.float64)
    bar = progress_bar(max_epochs * n_steps, desc=f"training chunks, {K} folds at once", enabled=progress)
    times = []
    for epoch in range(max_epochs):
        t0 = time.perf_counter()
        state = stacked.init_state(B, device)
        total = torch.zeros(K, device=device, dtype=torch.float64)
        for i, (start, stop, resets, chunk) in enumerate(steps):
            T = stop - start
            masks = None
            if dropout:
                masks = _stacked_masks(stacked.widths, chunk, T, B, dropout, generators, device)
            logits, state = stacked.forward(inp[:, start:stop], state, resets, keep[:, start:stop], masks)
            nll = F.cross_entropy(
                logits.reshape(-1, V), tgt[:, start:stop].reshape(-1), ignore_index=bos, reduction="none"
            ).view(K, -1).sum(dim=1)  # (K,)
            for p in params:
                p.grad = None
            (nll / counts[i]).sum().backward()
            if grad_clip is not None:
                _clip_per_model(params, grad_clip)
            opt.step(epoch, i, bool(active[i].all()))
            state = detach_state(state)
            total += nll.detach().double()
            bar.update()
        for k, value in enumerate((total.cpu().numpy() / np.maximum(n_chars, 1)).tolist()):
            history[k].append(value)
        times.append(time.perf_counter() - t0)
    bar.close()
    return history, times


def _stacked_masks(widths, chunk, T, B, p, generators, device):
    """Each model's dropout masks for this chunk, drawn from its own generator."""
    out = []
    per_model = [
        dropout_masks(widths, c[1] - c[0], B, p, g, device) if c is not None else None
        for c, g in zip(chunk, generators)
    ]
    for j, w in enumerate(widths):
        full = torch.ones(len(chunk), T, B, w, device=device)
        for k, masks in enumerate(per_model):
            if masks is not None:
                full[k, : masks[j].shape[0]] = masks[j]
        out.append(full)
    return out


def train_folds(models, layouts, *, generators, **training):
    """Train ``models`` (one :class:`CharRNN` per fold) on their ``layouts`` as one stacked model.

    ``generators`` draw each model's dropout masks; ``training`` holds the keywords
    of :func:`train_stacked` (bptt, max_epochs, optimizer, lr, ...). The trained
    weights are copied back into ``models``; returns the per-fold epoch losses and the
    epochs' seconds.
    """
    stacked = StackedCharRNN(models)
    histories, times = train_stacked(stacked, layouts, generators=generators, **training)
    stacked.copy_to(models)
    return histories, times
