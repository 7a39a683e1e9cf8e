"""All K fold models trained at once: same per-fold losses as one by one; no leakage.

Tolerance: the stacked models and the lone models do the same arithmetic in a
different order (batched matmuls, a hand-written Adam), so they agree to floating-
point rounding, which a few hundred Adam steps amplify; measured differences are
about 1e-6 in the per-epoch training losses and 1e-7 in held-out scores (nats).
The tests hold them to rtol 1e-4 and atol 1e-4.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from resample import KFoldCV
from resample.splitters import BlockedKFold
from resample_torch import CharRNNLanguageModel, text_blocks
from resample_torch.lm.training import make_layout
from resample_torch.lm.text import contiguous_runs

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


RTOL = ATOL = 1e-4
TINY = dict(embedding_dim=8, hidden_size=12, bptt=12, batch_size=3, max_epochs=2, device="cpu", random_state=0)
TEXT = "".join(np.random.default_rng(0).choice(list("abcdefg \n"), 1500))


@pytest.mark.parametrize(
    "cell, layers, dropout, optimizer",
    [("gru", 2, 0.0, "adam"), ("gru", 1, 0.3, "adam"), ("lstm", 2, 0.2, "adam"), ("rnn", 1, 0.0, "sgd")],
)
def test_batched_folds_match_one_by_one(cell, layers, dropout, optimizer):
    X = text_blocks(TEXT, 40)
    # gap=1: the edge folds train on more text than the middle ones, so the models
    # run out of chunks at different steps and must sit the rest of the epoch out
    splits = list(BlockedKFold(4, gap=1).split(X))
    lm = CharRNNLanguageModel(cell, num_layers=layers, dropout=dropout, optimizer=optimizer,
                              lr=0.05 if optimizer == "sgd" else 3e-3, batch_folds=True, **TINY)
    batched = lm.fit_folds(X, None, splits, [0] * len(splits))
    alone = [clone(lm).fit(X[train]) for train, _ in splits]
    assert len({b.n_chars_ for b in batched}) > 1  # unequal folds indeed
    for b, a, (_, test) in zip(batched, alone, splits):
        np.testing.assert_allclose(b.history_["train_loss"], a.history_["train_loss"], rtol=RTOL)
        assert b.score(X[test]) == pytest.approx(a.score(X[test]), abs=ATOL)
        for p, q in zip(b.module_.parameters(), a.module_.parameters()):
            np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), atol=ATOL)
        assert b.device_.type == "cpu" and not b.module_.training


def test_core_batches_when_asked_and_agrees():
    X = text_blocks(TEXT[:900], 45)
    lm = CharRNNLanguageModel(batch_folds=True, **TINY)
    on = KFoldCV(lm, cv=BlockedKFold(3, gap=1)).fit(X)
    off = KFoldCV(lm, cv=BlockedKFold(3, gap=1), batch_folds=False).fit(X)
    assert on.result_.batched and not off.result_.batched
    np.testing.assert_allclose(on.scores_, off.scores_, atol=ATOL)
    assert any("fitted together" in n for n in on.result_.notes)


@pytest.mark.parametrize(
    "cell, hidden, batches",
    # the measured CPU rule (benchmarks/results/torch_folds_cpu_rule.md): GRU up to 64, RNN up to 128, LSTM never
    [("gru", 24, True), ("gru", 64, True), ("gru", 128, False), ("rnn", 128, True), ("rnn", 256, False),
     ("lstm", 24, False)],
)
def test_auto_batching_choice_on_cpu(cell, hidden, batches):
    X = text_blocks(TEXT[:400], 40)
    splits = list(BlockedKFold(2).split(X))
    lm = CharRNNLanguageModel(cell, **{**TINY, "hidden_size": hidden, "max_epochs": 1})
    fitted = lm.fit_folds(X, None, splits, [0, 0])
    assert (fitted is not NotImplemented) == batches
    reason = lm.fit_folds_reason()
    assert reason.startswith("batch_folds='auto' on the CPU") and f"hidden_size={hidden}" in reason or cell == "lstm"
    # the core says what was chosen and why, in the result's notes
    cv = KFoldCV(lm, cv=BlockedKFold(2)).fit(X)
    assert cv.result_.batched == batches
    assert any(reason in note for note in cv.result_.notes)


def test_false_declines_everywhere():
    X = text_blocks(TEXT[:400], 40)
    splits = list(BlockedKFold(2).split(X))
    lm = CharRNNLanguageModel(**{**TINY, "device": "auto", "hidden_size": 8}, batch_folds=False)
    assert lm.fit_folds(X, None, splits, [0, 0]) is NotImplemented
    assert lm.fit_folds_reason() == "batch_folds=False"


@settings(max_examples=40, deadline=None, derandomize=True)  # fixed seed, like every test here
@given(
    n_blocks=st.integers(4, 30),
    block_len=st.integers(1, 9),
    n_splits=st.integers(2, 4),
    gap=st.integers(0, 2),
    batch_size=st.integers(1, 4),
    bptt=st.integers(1, 7),
)
def test_no_training_window_touches_a_validation_block_or_its_gap(n_blocks, block_len, n_splits, gap, batch_size,
                                                                  bptt):
    """Train on character positions instead of characters, and look at every window."""
    n_splits = min(n_splits, n_blocks)
    X = text_blocks("x" * (n_blocks * block_len), block_len)
    cv = BlockedKFold(n_splits, gap=gap)
    try:
        splits = list(cv.split(X))
    except ValueError:  # the gap leaves some fold no training data: refused up front
        return
    for train, test in splits:
        lo = X[test[0]].start - gap * block_len
        hi = X[test[-1]].stop + gap * block_len
        runs = contiguous_runs([X[i] for i in train])
        positions = []
        for _, idx in runs:  # the characters each run covers, by position in the text
            positions.append(np.concatenate([np.arange(X[train[i]].start, X[train[i]].stop) for i in idx]))
        if sum(map(len, positions)) < batch_size:
            continue
        layout = make_layout(positions, -1, batch_size)
        for start, stop, resets, _ in layout.chunks(bptt):
            inp, tgt = layout.inp[start:stop], layout.tgt[start:stop]
            seen = np.concatenate([inp[inp >= 0], tgt[tgt >= 0]])
            assert not ((seen >= lo) & (seen < hi)).any(), "a training window reads held-out text or its gap"
            # every scored transition is one the text makes
            scored = tgt >= 0
            assert ((tgt[scored] == inp[scored] + 1) | (inp[scored] == -1)).all()
            # and the state restarts exactly where a run starts
            assert sorted(resets) == sorted(set(np.flatnonzero((inp == -1).any(axis=1)).tolist()))


@pytest.mark.parametrize("cell", ["gru", "lstm", "rnn"])
def test_stacked_cells_match_torch_modules(cell):
    """K stacked cells (batched matmuls, autograd) equal K separate nn.GRU/LSTM/RNN, outputs and
    gradients, in float64, with state resets at different streams of different models."""
    from resample_torch.lm.batched import _stacked_layer
    from resample_torch.lm.network import CELLS, _run_layer

    gen = torch.Generator().manual_seed(0)
    K, T, B, n_in, H = 3, 7, 4, 5, 6
    G = CELLS[cell][1]

    def randn(*shape):
        return torch.randn(*shape, generator=gen, dtype=torch.float64).requires_grad_(True)

    w = {"w_ih": randn(K, G * H, n_in), "w_hh": randn(K, G * H, H), "b_ih": randn(K, G * H), "b_hh": randn(K, G * H)}
    inp = randn(K, T, B, n_in)
    keep = torch.ones(K, T, B, dtype=torch.float64)
    keep[0, 3, 1] = keep[2, 5, 0] = 0
    keep[1, 0, :] = 0
    resets = [0, 3, 5]
    state = (randn(K, B, H), randn(K, B, H)) if cell == "lstm" else randn(K, B, H)
    weights = torch.linspace(-1, 1, H, dtype=torch.float64)

    def loss_of(out, last):
        if cell == "lstm":
            return (out * weights).sum() + (last[0] ** 2).sum() + (last[1] ** 3).sum()
        return (out * weights).sum() + (last**2).sum()

    out, last = _stacked_layer(cell, w, inp, state, resets, keep)
    leaves = [inp, *w.values(), *(state if cell == "lstm" else (state,))]
    stacked = (out.detach(), torch.autograd.grad(loss_of(out, last), leaves))

    # the reference: model k alone, torch's own module holding model k's weights
    names = {"w_ih": "weight_ih_l0", "w_hh": "weight_hh_l0", "b_ih": "bias_ih_l0", "b_hh": "bias_hh_l0"}
    mods, outs, lasts = [], [], []
    for k in range(K):
        mod = CELLS[cell][0](n_in, H).double()
        with torch.no_grad():
            for src, name in names.items():
                getattr(mod, name).copy_(w[src][k])
        s0 = (state[0][k : k + 1], state[1][k : k + 1]) if cell == "lstm" else state[k : k + 1]
        o, s = _run_layer(mod, inp[k], s0, resets, keep[k])
        mods.append(mod)
        outs.append(o)
        lasts.append(s)
    ref_out = torch.stack(outs)
    if cell == "lstm":
        ref_last = (torch.cat([s[0] for s in lasts]), torch.cat([s[1] for s in lasts]))
    else:
        ref_last = torch.cat(lasts)
    module_params = [getattr(m, names[src]) for src in names for m in mods]
    data_leaves = [inp, *(state if cell == "lstm" else (state,))]
    grads = torch.autograd.grad(loss_of(ref_out, ref_last), data_leaves + module_params)
    torch.testing.assert_close(stacked[0], ref_out.detach(), rtol=1e-12, atol=1e-12)
    g_stacked = dict(zip(["inp", *names, "s0", "s1"], stacked[1]))
    torch.testing.assert_close(g_stacked["inp"], grads[0], rtol=1e-10, atol=1e-12)
    for j, st_name in enumerate(["s0", "s1"][: len(data_leaves) - 1]):
        torch.testing.assert_close(g_stacked[st_name], grads[1 + j], rtol=1e-10, atol=1e-12)
    per_module = grads[len(data_leaves):]
    for i, src in enumerate(names):
        torch.testing.assert_close(g_stacked[src], torch.stack(per_module[i * K : (i + 1) * K]), rtol=1e-10, atol=1e-12)
