"""The recurrent cells of K stacked models, by batched matmuls and autograd.

Each step is one ``torch.baddbmm`` over the model dimension (every model's state
times its own recurrent weight) and a few elementwise ops; autograd differentiates
the loop. This replaced a hand-written backward pass (``fused.py``, about 220 lines)
after ``benchmarks/bench_torch_fused.py`` measured it no faster on the CPU, where
fold batching is used (``benchmarks/results/torch_fused_cpu.md``). Per step::

    gates  = b + h W_hh^T          (K, B, G*H)   one baddbmm (the bias comes free)
    GRU    r, z = sigmoid(x_rz + gates_rz);  n = tanh(x_n + r * gates_n);  h' = lerp(n, h, z)
    LSTM   i, f, o = sigmoid(.);  g = tanh(.);  c' = f c + i g;  h' = o tanh(c')
    RNN    h' = tanh(x + gates)

Shapes: ``xg`` (K, T, B, G*H) input projections (``b_ih`` included), state
(K, B, H), ``w_hh`` (K, G*H, H), ``b_hh`` (K, G*H), ``keep`` (K, T, B) with 0 where a
stream restarts before step t (only the steps in ``resets`` are masked). Gate
layouts are torch's: GRU (r, z, n), LSTM (i, f, g, o).
"""

import torch

__all__ = ["CELL_LOOPS", "stacked_gru", "stacked_lstm", "stacked_rnn"]


def _mask(keep, t):
    return keep[:, t].unsqueeze(-1)  # (K, B, 1)


def stacked_gru(xg, h, w_hh, b_hh, keep, resets):
    """GRU over (K, T, B, 3H) projections; returns out (K, T, B, H), last state."""
    H = h.shape[-1]
    w_t, b = w_hh.transpose(1, 2), b_hh.unsqueeze(1)  # (K, H, 3H), (K, 1, 3H)
    outs = []
    # unbind, not xg[:, t]: the backward of T slices would write T zero-filled
    # copies of xg; unbind's backward stacks the T gradients once.
    for t, x in enumerate(xg.unbind(1)):
        if t in resets:
            h = h * _mask(keep, t)
        gh = torch.baddbmm(b, h, w_t)  # (K, B, 3H)
        rz = torch.sigmoid(x[..., : 2 * H] + gh[..., : 2 * H])
        n = torch.tanh(torch.addcmul(x[..., 2 * H :], rz[..., :H], gh[..., 2 * H :]))
        h = torch.lerp(n, h, rz[..., H:])  # n + z (h - n)
        outs.append(h)
    return torch.stack(outs, dim=1), h


def stacked_lstm(xg, state, w_hh, b_hh, keep, resets):
    """LSTM over (K, T, B, 4H) projections; returns out (K, T, B, H), (h, c)."""
    h, c = state
    H = h.shape[-1]
    w_t = w_hh.transpose(1, 2)
    xb = xg + b_hh[:, None, None, :]  # both biases in, once for all steps
    outs = []
    for t, x in enumerate(xb.unbind(1)):
        if t in resets:
            m = _mask(keep, t)
            h, c = h * m, c * m
        gates = torch.baddbmm(x, h, w_t)  # (K, B, 4H)
        act = torch.sigmoid(gates)  # i, f, (unused), o
        g = torch.tanh(gates[..., 2 * H : 3 * H])
        c = torch.addcmul(act[..., H : 2 * H] * c, act[..., :H], g)
        h = act[..., 3 * H :] * torch.tanh(c)
        outs.append(h)
    return torch.stack(outs, dim=1), (h, c)


def stacked_rnn(xg, h, w_hh, b_hh, keep, resets):
    """tanh RNN over (K, T, B, H) projections; returns out (K, T, B, H), last state."""
    w_t = w_hh.transpose(1, 2)
    xb = xg + b_hh[:, None, None, :]
    outs = []
    for t, x in enumerate(xb.unbind(1)):
        if t in resets:
            h = h * _mask(keep, t)
        h = torch.tanh(torch.baddbmm(x, h, w_t))
        outs.append(h)
    return torch.stack(outs, dim=1), h


#: cell name -> time loop over stacked weights
CELL_LOOPS = {"gru": stacked_gru, "lstm": stacked_lstm, "rnn": stacked_rnn}
