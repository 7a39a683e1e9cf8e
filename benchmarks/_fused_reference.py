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


def _weight_grads(dpre, hprev):
    """dW_hh = sum over steps and streams of dpre^T hprev, and db_hh; one matmul per model.

    dpre (T, K, B, G), hprev (T, K, B, H) -> (K, G, H), (K, G)
    """
    T, K, B, G = dpre.shape
    d = dpre.transpose(0, 1).reshape(K, T * B, G)  # model-major copy: a plain bmm, a plain sum
    hp = hprev.transpose(0, 1).reshape(K, T * B, hprev.shape[-1])
    return torch.bmm(d.transpose(1, 2), hp), d.sum(dim=1)


def _previous(first, seq, keep, resets):
    """The state each step read: ``first`` then ``seq[:-1]``, zeroed where a stream restarted.

    first (K, B, H), seq (T, K, B, H) -> (T, K, B, H)
    """
    prev = torch.cat([first.unsqueeze(0), seq[:-1]])
    for t in resets:
        prev[t] *= _mask(keep, t)
    return prev


# Buffers are time-major, (T, K, B, .), so that step t is one contiguous block and the
# per-step ops write into them directly (``out=``): 7 ops a step forward for a GRU,
# 7 backward, where autograd would record about 15 and copy the state each step.
# Everything that does not depend on the incoming gradient is computed for all steps
# at once before the backward loop.


class _GRU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, xg, h0, w_hh, b_hh, keep, resets):
        K, T, B, G = xg.shape
        H = G // 3
        w_t, b = w_hh.transpose(1, 2), b_hh.unsqueeze(1)  # (K, H, 3H), (K, 1, 3H)
        x = xg.transpose(0, 1)  # (T, K, B, 3H) view
        gh = xg.new_empty(T, K, B, G)  # recurrent pre-activations h W_hh^T + b_hh
        rz = xg.new_empty(T, K, B, 2 * H)
        n = xg.new_empty(T, K, B, H)
        out = xg.new_empty(T, K, B, H)
        h = h0
        for t in range(T):
            if t in resets:
                h = h * _mask(keep, t)
            torch.baddbmm(b, h, w_t, out=gh[t])
            torch.add(x[t, ..., : 2 * H], gh[t, ..., : 2 * H], out=rz[t]).sigmoid_()
            torch.addcmul(x[t, ..., 2 * H :], rz[t, ..., :H], gh[t, ..., 2 * H :], out=n[t]).tanh_()
            torch.addcmul(n[t], rz[t, ..., H:], h - n[t], out=out[t])  # h' = n + z (h - n)
            h = out[t]
        ctx.save_for_backward(h0, gh, rz, n, out, w_hh, keep)
        ctx.resets = resets
        return out.transpose(0, 1), h.clone()

    @staticmethod
    @once_differentiable
    def backward(ctx, dout, dh_last):
        h0, gh, rz, n, out, w_hh, keep = ctx.saved_tensors
        T, K, B, H = n.shape
        hprev = _previous(h0, out, keep, ctx.resets)
        r, z = rz[..., :H], rz[..., H:]
        # gradient-free factors, all steps at once
        one_minus_z = 1 - z
        a_n = one_minus_z * (1 - n * n)  # d pre_n / d h'
        a_r = gh[..., 2 * H :] * r * (1 - r)  # d pre_r / d pre_n
        a_z = (hprev - n) * z * one_minus_z  # d pre_z / d h'
        dgh = n.new_empty(T, K, B, 3 * H)
        dxn = n.new_empty(T, K, B, H)
        dout = None if dout is None else dout.transpose(0, 1)
        dh = torch.zeros_like(h0) if dh_last is None else dh_last.clone()
        for t in reversed(range(T)):
            if dout is not None:
                dh += dout[t]
            torch.mul(dh, a_n[t], out=dxn[t])
            torch.mul(dxn[t], a_r[t], out=dgh[t, ..., :H])
            torch.mul(dh, a_z[t], out=dgh[t, ..., H : 2 * H])
            torch.mul(dxn[t], r[t], out=dgh[t, ..., 2 * H :])
            dh = torch.baddbmm(dh * z[t], dgh[t], w_hh)  # (K, B, 3H) @ (K, 3H, H)
            if t in ctx.resets:
                dh = dh * _mask(keep, t)
        dxg = torch.cat([dgh[..., : 2 * H], dxn], dim=-1).transpose(0, 1)
        dw, db = _weight_grads(dgh, hprev)
        return dxg, dh, dw, db, None, None


class _LSTM(torch.autograd.Function):
    @staticmethod
    def forward(ctx, xg, h0, c0, w_hh, b_hh, keep, resets):
        K, T, B, G = xg.shape
        H = G // 4
        w_t = w_hh.transpose(1, 2)
        xb = (xg + b_hh.view(K, 1, 1, G)).transpose(0, 1)  # (T, K, B, 4H), both biases in
        act = xg.new_empty(T, K, B, G)  # sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)
        cs = xg.new_empty(T, K, B, H)
        tc = xg.new_empty(T, K, B, H)
        out = xg.new_empty(T, K, B, H)
        h, c = h0, c0
        for t in range(T):
            if t in resets:
                m = _mask(keep, t)
                h, c = h * m, c * m
            a = torch.baddbmm(xb[t], h, w_t, out=act[t])
            a[..., : 2 * H].sigmoid_()
            a[..., 2 * H : 3 * H].tanh_()
            a[..., 3 * H :].sigmoid_()
            c = torch.mul(a[..., H : 2 * H], c, out=cs[t]).addcmul_(a[..., :H], a[..., 2 * H : 3 * H])
            torch.tanh(c, out=tc[t])
            h = torch.mul(a[..., 3 * H :], tc[t], out=out[t])
        ctx.save_for_backward(h0, c0, act, cs, tc, out, w_hh, keep)
        ctx.resets = resets
        return out.transpose(0, 1), h.clone(), c.clone()

    @staticmethod
    @once_differentiable
    def backward(ctx, dout, dh_last, dc_last):
        h0, c0, act, cs, tc, out, w_hh, keep = ctx.saved_tensors
        T, K, B, H = out.shape
        hprev = _previous(h0, out, keep, ctx.resets)
        cprev = _previous(c0, cs, keep, ctx.resets)
        i, f, g, o = act[..., :H], act[..., H : 2 * H], act[..., 2 * H : 3 * H], act[..., 3 * H :]
        # gradient-free factors, all steps at once: d pre_gate / d c (i, f, g) and / d h (o)
        q_ifg = torch.stack([g * i * (1 - i), cprev * f * (1 - f), i * (1 - g * g)], dim=-2)  # (T, K, B, 3, H)
        q_o = tc * o * (1 - o)
        p_c = o * (1 - tc * tc)  # d c / d h' through tanh
        dgates = out.new_empty(T, K, B, 4 * H)
        dout = None if dout is None else dout.transpose(0, 1)
        dh = torch.zeros_like(h0) if dh_last is None else dh_last.clone()
        dc = torch.zeros_like(c0) if dc_last is None else dc_last.clone()
        for t in reversed(range(T)):
            if dout is not None:
                dh += dout[t]
            dc.addcmul_(dh, p_c[t])
            torch.mul(dc.unsqueeze(-2), q_ifg[t], out=dgates[t, ..., : 3 * H].view(K, B, 3, H))
            torch.mul(dh, q_o[t], out=dgates[t, ..., 3 * H :])
            dc = dc * f[t]
            dh = torch.bmm(dgates[t], w_hh)
            if t in ctx.resets:
                m = _mask(keep, t)
                dh, dc = dh * m, dc * m
        dw, db = _weight_grads(dgates, hprev)
        return dgates.transpose(0, 1), dh, dc, dw, db, None, None


class _RNN(torch.autograd.Function):
    @staticmethod
    def forward(ctx, xg, h0, w_hh, b_hh, keep, resets):
        K, T, B, H = xg.shape
        w_t = w_hh.transpose(1, 2)
        xb = (xg + b_hh.view(K, 1, 1, H)).transpose(0, 1)  # (T, K, B, H)
        out = xg.new_empty(T, K, B, H)
        h = h0
        for t in range(T):
            if t in resets:
                h = h * _mask(keep, t)
            h = torch.baddbmm(xb[t], h, w_t, out=out[t]).tanh_()
        ctx.save_for_backward(h0, out, w_hh, keep)
        ctx.resets = resets
        return out.transpose(0, 1), h.clone()

    @staticmethod
    @once_differentiable
    def backward(ctx, dout, dh_last):
        h0, out, w_hh, keep = ctx.saved_tensors
        T, K, B, H = out.shape
        hprev = _previous(h0, out, keep, ctx.resets)
        d_act = 1 - out * out
        dpre = out.new_empty(T, K, B, H)
        dout = None if dout is None else dout.transpose(0, 1)
        dh = torch.zeros_like(h0) if dh_last is None else dh_last.clone()
        for t in reversed(range(T)):
            if dout is not None:
                dh += dout[t]
            torch.mul(dh, d_act[t], out=dpre[t])
            dh = torch.bmm(dpre[t], w_hh)
            if t in ctx.resets:
                dh = dh * _mask(keep, t)
        dw, db = _weight_grads(dpre, hprev)
        return dpre.transpose(0, 1), dh, dw, db, None, None


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
