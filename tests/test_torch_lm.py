"""CharRNNLanguageModel: vocabulary, scoring, TBPTT, sampling, seeds, the core's CV."""

import math
import random

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import LeaveOneGroupOut  # noqa: E402

from resample import KFoldCV  # noqa: E402
from resample.splitters import BlockedKFold  # noqa: E402
from resample_torch import (  # noqa: E402
    BlockLogLikelihood,
    CharRNNLanguageModel,
    TextBlock,
    Vocabulary,
    block_bootstrap_perplexity,
    cross_val_block_log_likelihood,
    text_blocks,
)
from resample_torch.lm import model as _lm  # noqa: E402


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


TINY = dict(embedding_dim=8, hidden_size=16, bptt=16, batch_size=4, max_epochs=2, device="cpu", random_state=0)
TEXT = "the quick brown fox jumps over the lazy dog. " * 30  # 1350 chars, learnable


def test_vocabulary_is_the_same_for_every_fold():
    X = text_blocks(TEXT, 50)
    lm = CharRNNLanguageModel(**{**TINY, "max_epochs": 1})
    cv = KFoldCV(lm, cv=BlockedKFold(4, gap=1), return_estimator=True).fit(X)
    sizes = {m.vocabulary_.size for m in cv.estimators_} | {cv.estimator_.vocabulary_.size}
    assert sizes == {257}
    assert {m.module_.embedding.num_embeddings for m in cv.estimators_} == {257}
    # an alphabet: same table whatever the fold holds; characters outside it are unknown
    lm = CharRNNLanguageModel(**{**TINY, "max_epochs": 1, "alphabet": "abcdefghijklmnopqrstuvwxyz "})
    cv = KFoldCV(lm, cv=BlockedKFold(3), return_estimator=True).fit(X)
    assert {m.vocabulary_.size for m in cv.estimators_} == {29}
    assert Vocabulary("ab").encode("a.b").tolist() == [0, 2, 1]


def test_every_held_out_character_is_scored_once():
    X = text_blocks(TEXT[:400] + "é", 37)  # the last block is short; é is two UTF-8 bytes
    lm = CharRNNLanguageModel(**TINY).fit(X)
    ll = lm.block_log_likelihood(X)
    assert ll.n_symbols.tolist() == [len(str(b).encode()) for b in X]
    assert ll.n_symbols.sum() == 402
    # the score is their ratio, and the blocks add up to the whole text read at once
    assert lm.score(X) == pytest.approx(ll.log_likelihood.sum() / ll.n_symbols.sum(), rel=1e-12)
    assert lm.score(X) == pytest.approx(lm.score(TEXT[:400] + "é"), rel=1e-5)
    # and scoring per block is what KFoldCV averages (weighted by rows)
    cv = KFoldCV(lm, cv=BlockedKFold(3, gap=0), return_estimator=True).fit(X)
    held = cross_val_block_log_likelihood(cv, X)
    assert held.n_symbols.sum() == 402


def test_carrying_the_hidden_state_beats_resetting_it():
    # A period-8 text: after a reset the first symbol is a guess, later ones are not.
    text = "abcdefgh" * 150
    X = text_blocks(text, 80)
    lm = CharRNNLanguageModel(**{**TINY, "max_epochs": 4, "lr": 0.01}).fit(X[:12])
    held_out = X[12:]
    carried = lm.score(held_out)  # contiguous TextBlocks: state carried through
    reset = lm.score([str(held_out[0])[i : i + 16] for i in range(0, 80, 16)]
                     + [str(b) for b in held_out[1:]])  # plain strings: fresh state each
    chunked = lm.score([str(b)[i : i + 16] for b in held_out for i in range(0, 80, 16)])
    assert carried > chunked + 0.05
    assert carried >= reset


def test_tbptt_detaches_between_chunks(monkeypatch):
    """The graph of every chunk has the same size: state arrives detached."""
    sizes, calls = [], []
    original = _lm.CharRNN.forward

    def graph_size(t):
        seen, stack = set(), [t.grad_fn]
        while stack:
            fn = stack.pop()
            if fn is None or fn in seen:
                continue
            seen.add(fn)
            stack.extend(f for f, _ in fn.next_functions)
        return len(seen)

    def spy(self, x, state, *args, **kwargs):
        if self.training:
            flat = [s for st in state for s in (st if isinstance(st, tuple) else (st,))]
            calls.append(all(s.grad_fn is None and not s.requires_grad for s in flat))
        logits, new = original(self, x, state, *args, **kwargs)
        if self.training and x.shape[0] == 16:
            sizes.append(graph_size(logits))
        return logits, new

    monkeypatch.setattr(_lm.CharRNN, "forward", spy)
    for cell in ("gru", "lstm"):
        sizes.clear()
        calls.clear()
        CharRNNLanguageModel(cell, **{**TINY, "max_epochs": 1}).fit(["x" * 2000])  # ~31 chunks
        assert len(calls) > 25 and all(calls)
        # the first chunk holds the text's start (a BOS reset) and may differ
        assert len(sizes) > 25 and len(set(sizes[1:])) == 1


def test_sampling_is_reproducible_and_leaves_global_rng_alone():
    lm = CharRNNLanguageModel(**TINY).fit(text_blocks(TEXT, 64))
    states = torch.get_rng_state(), np.random.get_state()[1].copy(), random.getstate()
    a = lm.sample(40, prime="the ", temperature=0.8, random_state=3)
    b = lm.sample(40, prime="the ", temperature=0.8, random_state=3)
    assert a == b and len(a) == 40
    assert lm.sample(40, temperature=0, random_state=1) == lm.sample(40, temperature=0, random_state=2)
    # temperature -> 0 approaches the argmax
    assert lm.sample(30, prime="t", temperature=1e-4, random_state=5) == lm.sample(30, prime="t", temperature=0)
    assert torch.equal(states[0], torch.get_rng_state())
    assert np.array_equal(states[1], np.random.get_state()[1]) and states[2] == random.getstate()


def test_fit_leaves_global_rng_alone_even_with_dropout():
    states = torch.get_rng_state(), np.random.get_state()[1].copy(), random.getstate()
    CharRNNLanguageModel(**{**TINY, "dropout": 0.3, "max_epochs": 1}).fit(text_blocks(TEXT[:300], 50))
    assert torch.equal(states[0], torch.get_rng_state())
    assert np.array_equal(states[1], np.random.get_state()[1]) and states[2] == random.getstate()


def test_refit_equals_fresh_clone_with_same_seed():
    X = text_blocks(TEXT[:600], 50)
    lm = CharRNNLanguageModel(**{**TINY, "dropout": 0.2})
    lm.fit(X[:4]).fit(X)
    fresh = clone(lm).fit(X)
    assert lm.history_["train_loss"].tolist() == fresh.history_["train_loss"].tolist()
    for p, q in zip(lm.module_.parameters(), fresh.module_.parameters()):
        assert torch.equal(p, q)
    assert all(p.device.type == "cpu" for p in lm.module_.parameters())
    gen_seeded = CharRNNLanguageModel(**{**TINY, "random_state": np.random.default_rng(7)})
    assert clone(gen_seeded).fit(X).history_["train_loss"].equals(clone(gen_seeded).fit(X).history_["train_loss"])


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
def test_other_cells_fit_score_sample(cell):
    lm = CharRNNLanguageModel(cell, num_layers=2, **TINY).fit(text_blocks(TEXT[:500], 50))
    assert isinstance(lm.module_.init_state(1, torch.device("cpu"))[0], tuple) == (cell == "lstm")
    assert math.isfinite(lm.score(TEXT[:100]))
    assert len(lm.sample(10, prime="the", random_state=0)) == 10


def test_training_learns_and_units_agree():
    X = text_blocks(TEXT, 64)
    lm = CharRNNLanguageModel(**{**TINY, "max_epochs": 3, "lr": 0.01}).fit(X)
    assert lm.history_["train_loss"].iloc[-1] < lm.history_["train_loss"].iloc[0]
    s = lm.score(X)
    assert lm.perplexity(X) == pytest.approx(math.exp(-s))
    assert lm.bits_per_char(X) == pytest.approx(-s / math.log(2))
    assert lm.bits_per_char(X) < math.log2(257)


def test_text_blocks_documents_and_leave_one_document_out():
    docs = {"a": TEXT[:300], "b": TEXT[300:600], "c": TEXT[600:900]}
    X = text_blocks(docs, 64)
    assert all(isinstance(b, TextBlock) for b in X)
    groups = [b.document for b in X]
    cv = KFoldCV(CharRNNLanguageModel(**{**TINY, "max_epochs": 1}), cv=LeaveOneGroupOut()).fit(X, groups=groups)
    assert len(cv.scores_) == 3 and np.isfinite(cv.scores_).all()
    # blocks never cross a document, and a document boundary restarts the state
    assert not X[4].precedes(X[5]) and X[5].document == "b" and X[5].start == 0


def test_block_bootstrap_of_held_out_perplexity():
    X = text_blocks(TEXT, 45)
    lm = CharRNNLanguageModel(**TINY).fit(X[:20])
    res = block_bootstrap_perplexity(lm, X[20:], n_resamples=300, rng=0)
    assert res.estimate == pytest.approx(lm.perplexity(X[20:]), rel=1e-9)
    assert res.confidence_interval.low < res.estimate < res.confidence_interval.high
    bits = block_bootstrap_perplexity(lm.block_log_likelihood(X[20:]), unit="bits_per_char", n_resamples=300, rng=0)
    assert bits.estimate == pytest.approx(lm.bits_per_char(X[20:]), rel=1e-9)
    # a ratio of sums: one long and one short block are not weighted equally
    ll = BlockLogLikelihood(np.array([-100.0, -3.0]), np.array([100, 1]))
    res = block_bootstrap_perplexity(ll, unit="nats_per_char", n_resamples=50, rng=0)
    assert res.estimate == pytest.approx(103 / 101)


def test_kfold_cv_end_to_end_with_notes():
    X = text_blocks(TEXT, 64)
    cv = KFoldCV(CharRNNLanguageModel(**{**TINY, "max_epochs": 1}), cv=BlockedKFold(5, gap=1)).fit(X)
    assert cv.estimate_ < 0 and cv.standard_error_ > 0
    # auto on the CPU: a GRU of hidden 16 <= 64 is batched (the measured rule), and the note says why
    assert any("fitted together" in note for note in cv.result_.notes)
    assert any("hidden_size=16 <= 64" in note for note in cv.result_.notes)
    assert cv.estimator_.n_chars_ > 0


def test_text_blocks_and_fitted_model_pickle():
    import pickle

    X = text_blocks({"doc": TEXT[:200]}, 64)
    Y = pickle.loads(pickle.dumps(X))  # what joblib does to send rows to workers
    assert [(str(b), b.document, b.start) for b in Y] == [(str(b), b.document, b.start) for b in X]
    assert Y[0].precedes(Y[1])
    lm = CharRNNLanguageModel(**{**TINY, "max_epochs": 1}).fit(X)
    again = pickle.loads(pickle.dumps(lm))
    assert again.score(X) == lm.score(X)


def test_progress_bar_when_asked(capsys):
    pytest.importorskip("tqdm")
    X = text_blocks(TEXT[:300], 50)
    CharRNNLanguageModel(**{**TINY, "max_epochs": 1}).fit(X)
    assert capsys.readouterr().err == ""  # silent by default
    CharRNNLanguageModel(**{**TINY, "max_epochs": 1}, progress=True).fit(X)
    assert "training chunks" in capsys.readouterr().err
    splits = [(np.arange(3), np.arange(3, 6)), (np.arange(3, 6), np.arange(3))]
    CharRNNLanguageModel(**{**TINY, "max_epochs": 1}, progress=True, batch_folds=True).fit_folds(X, None, splits,
                                                                                                 [0, 0])
    assert "2 folds at once" in capsys.readouterr().err
