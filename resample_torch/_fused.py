"""Stacked recurrent layers with a hand-written backward pass.

Autograd over a Python time loop records a dozen small nodes per step and, in the
backward pass, accumulates the recurrent weight's gradient one step at a time. Here
the forward loop runs without recording and keeps only what the backward needs;
the backward loop does one batched matmul per step (the gradient to the previous
state) and the weight gradient is one matmul over all steps at the end::

    dW_hh = sum_t dgates_h[t]^T h[t-1]  =  dGH^T (K, G*H, T*B) @ Hprev (K, T*B, H)

Shapes: ``xg`` (K, T, B, G*H) input projections (bias b_ih included), ``h0``
(K, B, H), ``w_hh`` (K, G*H, H), ``b_hh`` (K, G*H), ``keep`` (K, T, B) with 0 where a
stream restarts before step t (only the steps in ``resets`` are masked).
Gate layouts are torch's: GRU (r, z, n), LSTM (i, f, g, o).

``tests/test_torch_batched.py`` holds these against the autograd reference
(``_batched._stacked_layer_reference``) in float64.
"""

import torch
from torch.autograd.function import once_differentiable

__all__ = ["stacked_gru", "stacked_lstm", "stacked_rnn"]


def _mask(keep, t):
    return keep[:, t].unsqueeze(-1)  # (K, B, 1)


class _GRU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, xg, h0, w_hh, b_hh, keep, resets):
        K, T, B, G = xg.shape
        H = G // 3
        w_t, b = w_hh.transpose(1, 2), b_hh.unsqueeze(1)  # (K, H, 3H), (K, 1, 3H)
        hprev = xg.new_empty(K, T, B, H)
        rz_s = xg.new_empty(K, T, B, 2 * H)
        n_s = xg.new_empty(K, T, B, H)
        ghn_s = xg.new_empty(K, T, B, H)
        out = xg.new_empty(K, T, B, H)
        h = h0
        for t in range(T):
            if t in resets:
                h = h * _mask(keep, t)
            hprev[:, t] = h
            gh = torch.baddbmm(b, h, w_t)  # (K, B, 3H)
            x = xg[:, t]
            rz = torch.sigmoid(x[..., : 2 * H] + gh[..., : 2 * H])
            ghn = gh[..., 2 * H :]
            n = torch.tanh(x[..., 2 * H :] + rz[..., :H] * ghn)
            h = n + rz[..., H:] * (h - n)
            rz_s[:, t], n_s[:, t], ghn_s[:, t], out[:, t] = rz, n, ghn, h
        ctx.save_for_backward(hprev, rz_s, n_s, ghn_s, w_hh, keep)
        ctx.resets = resets
        return out, h

    @staticmethod
    @once_differentiable
    def backward(ctx, dout, dh_last):
        hprev, rz_s, n_s, ghn_s, w_hh, keep = ctx.saved_tensors
        K, T, B, H = hprev.shape
        dgh = hprev.new_empty(K, T, B, 3 * H)  # gradient of the recurrent pre-activations
        dxn = hprev.new_empty(K, T, B, H)
        dh = torch.zeros_like(hprev[:, 0]) if dh_last is None else dh_last.clone()
        for t in reversed(range(T)):
            if dout is not None:
                dh = dh + dout[:, t]
            r, z = rz_s[:, t, :, :H], rz_s[:, t, :, H:]
            n, hp = n_s[:, t], hprev[:, t]
            dpre_n = dh * (1 - z) * (1 - n * n)
            dgh[:, t, :, :H] = dpre_n * ghn_s[:, t] * r * (1 - r)
            dgh[:, t, :, H : 2 * H] = dh * (hp - n) * z * (1 - z)
            dgh[:, t, :, 2 * H :] = dpre_n * r
            dxn[:, t] = dpre_n
            dh = dh * z + torch.bmm(dgh[:, t], w_hh)  # (K, B, 3H) @ (K, 3H, H)
            if t in ctx.resets:
                dh = dh * _mask(keep, t)
        dxg = torch.cat([dgh[..., : 2 * H], dxn], dim=-1)
        dw = torch.bmm(dgh.reshape(K, T * B, 3 * H).transpose(1, 2), hprev.reshape(K, T * B, H))
        return dxg, dh, dw, dgh.sum(dim=(1, 2)), None, None


class _LSTM(torch.autograd.Function):
    @staticmethod
    def forward(ctx, xg, h0, c0, w_hh, b_hh, keep, resets):
        K, T, B, G = xg.shape
        H = G // 4
        w_t, b = w_hh.transpose(1, 2), b_hh.unsqueeze(1)
        hprev, cprev = xg.new_empty(K, T, B, H), xg.new_empty(K, T, B, H)
        acts = xg.new_empty(K, T, B, G)  # sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)
        tc_s = xg.new_empty(K, T, B, H)
        out = xg.new_empty(K, T, B, H)
        h, c = h0, c0
        for t in range(T):
            if t in resets:
                m = _mask(keep, t)
                h, c = h * m, c * m
            hprev[:, t], cprev[:, t] = h, c
            gates = xg[:, t] + torch.baddbmm(b, h, w_t)
            a = torch.sigmoid(gates)
            a[..., 2 * H : 3 * H] = torch.tanh(gates[..., 2 * H : 3 * H])
            c = a[..., H : 2 * H] * c + a[..., :H] * a[..., 2 * H : 3 * H]
            tc = torch.tanh(c)
            h = a[..., 3 * H :] * tc
            acts[:, t], tc_s[:, t], out[:, t] = a, tc, h
        ctx.save_for_backward(hprev, cprev, acts, tc_s, w_hh, keep)
        ctx.resets = resets
        return out, h, c

    @staticmethod
    @once_differentiable
    def backward(ctx, dout, dh_last, dc_last):
        hprev, cprev, acts, tc_s, w_hh, keep = ctx.saved_tensors
        K, T, B, H = hprev.shape
        dgates = hprev.new_empty(K, T, B, 4 * H)
        dh = torch.zeros_like(hprev[:, 0]) if dh_last is None else dh_last.clone()
        dc = torch.zeros_like(hprev[:, 0]) if dc_last is None else dc_last.clone()
        for t in reversed(range(T)):
            if dout is not None:
                dh = dh + dout[:, t]
            a, tc = acts[:, t], tc_s[:, t]
            i, f, g, o = a[..., :H], a[..., H : 2 * H], a[..., 2 * H : 3 * H], a[..., 3 * H :]
            dc = dc + dh * o * (1 - tc * tc)
            dgates[:, t, :, :H] = dc * g * i * (1 - i)
            dgates[:, t, :, H : 2 * H] = dc * cprev[:, t] * f * (1 - f)
            dgates[:, t, :, 2 * H : 3 * H] = dc * i * (1 - g * g)
            dgates[:, t, :, 3 * H :] = dh * tc * o * (1 - o)
            dc = dc * f
            dh = torch.bmm(dgates[:, t], w_hh)
            if t in ctx.resets:
                m = _mask(keep, t)
                dh, dc = dh * m, dc * m
        dw = torch.bmm(dgates.reshape(K, T * B, 4 * H).transpose(1, 2), hprev.reshape(K, T * B, H))
        return dgates, dh, dc, dw, dgates.sum(dim=(1, 2)), None, None


class _RNN(torch.autograd.Function):
    @staticmethod
    def forward(ctx, xg, h0, w_hh, b_hh, keep, resets):
        K, T, B, H = xg.shape
        w_t, b = w_hh.transpose(1, 2), b_hh.unsqueeze(1)
        hprev = xg.new_empty(K, T, B, H)
        out = xg.new_empty(K, T, B, H)
        h = h0
        for t in range(T):
            if t in resets:
                h = h * _mask(keep, t)
            hprev[:, t] = h
            h = torch.tanh(xg[:, t] + torch.baddbmm(b, h, w_t))
            out[:, t] = h
        ctx.save_for_backward(hprev, out, w_hh, keep)
        ctx.resets = resets
        return out, h

    @staticmethod
    @once_differentiable
    def backward(ctx, dout, dh_last):
        hprev, out, w_hh, keep = ctx.saved_tensors
        K, T, B, H = hprev.shape
        dpre = hprev.new_empty(K, T, B, H)
        dh = torch.zeros_like(hprev[:, 0]) if dh_last is None else dh_last.clone()
        for t in reversed(range(T)):
            if dout is not None:
                dh = dh + dout[:, t]
            dpre[:, t] = dh * (1 - out[:, t] * out[:, t])
            dh = torch.bmm(dpre[:, t], w_hh)
            if t in ctx.resets:
                dh = dh * _mask(keep, t)
        dw = torch.bmm(dpre.reshape(K, T * B, H).transpose(1, 2), hprev.reshape(K, T * B, H))
        return dpre, dh, dw, dpre.sum(dim=(1, 2)), None, None


def stacked_gru(xg, h0, w_hh, b_hh, keep, resets):
    """GRU over (K, T, B, 3H) projections; returns out (K, T, B, H), last state."""
    return _GRU.apply(xg, h0, w_hh, b_hh, keep, frozenset(resets))


def stacked_rnn(xg, h0, w_hh, b_hh, keep, resets):
    """tanh RNN over (K, T, B, H) projections; returns out (K, T, B, H), last state."""
    return _RNN.apply(xg, h0, w_hh, b_hh, keep, frozenset(resets))


def stacked_lstm(xg, state, w_hh, b_hh, keep, resets):
    """LSTM over (K, T, B, 4H) projections; returns out (K, T, B, H), (h, c)."""
    out, h, c = _LSTM.apply(xg, state[0], state[1], w_hh, b_hh, keep, frozenset(resets))
    return out, (h, c)
