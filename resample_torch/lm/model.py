"""Character-level recurrent language models, trained by truncated BPTT.

The training text (the rows of ``X`` joined where they were adjacent in the text)
is laid out as ``batch_size`` parallel streams, as in pytorch/examples'
``word_language_model``::

    symbols  s0 s1 s2 ... (every run of contiguous text starts with BOS)
    streams  column b holds symbols b*L .. b*L+L-1          -> (L, batch_size)
    chunks   rows t .. t+bptt-1 of every stream, in order    -> (bptt, batch_size)

Each chunk is a step of gradient descent; the hidden state is carried from one
chunk to the next and detached, so gradients flow back at most ``bptt`` symbols.
Where a stream reaches a BOS (text cut by a removed fold, or a new document) the
hidden state of that stream is reset to zero, and the BOS itself is never a target.
"""

import math
import time
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils.validation import check_is_fitted
from torch import nn

from resample._utils.progress import check_progress, progress_bar
from resample._utils.random import as_generator, int_seed

from resample_torch._base import TorchEstimatorBase, derive_seeds, history_frame, resolve_device, seeded
from resample_torch.lm.text import Vocabulary, as_blocks, contiguous_runs
from resample_torch._checks import (
    check_alphabet,
    check_batch_folds,
    check_choice,
    check_dropout,
    check_int,
    check_nonnegative_float,
    check_positive_float,
)

__all__ = ["CharRNN", "CharRNNLanguageModel", "BlockLogLikelihood"]

#: cell name -> (torch module, gates per hidden unit)
CELLS = {"rnn": (nn.RNN, 1), "gru": (nn.GRU, 3), "lstm": (nn.LSTM, 4)}

#: Optimizers whose update is elementwise, so K stacked models can share one
#: (see ``_batched.py``); name -> torch class.
OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}

#: Symbols per forward pass when scoring (the hidden state is carried across).
EVAL_CHUNK = 2048


class BlockLogLikelihood(NamedTuple):
    """Per-row held-out log-likelihood (nats) and number of symbols scored.

    Examples
    --------
    >>> ll = BlockLogLikelihood(np.array([-6.0, -2.0]), np.array([4, 4]))
    >>> float(-ll.log_likelihood.sum() / ll.n_symbols.sum())  # mean NLL per symbol
    1.0
    """

    log_likelihood: np.ndarray
    n_symbols: np.ndarray


# --------------------------------------------------------------------------- model
class CharRNN(nn.Module):
    """Embedding, ``num_layers`` recurrent layers, linear decoder to symbol logits.

    Each layer is its own one-layer ``nn.RNN``/``nn.GRU``/``nn.LSTM`` so that dropout
    between layers uses masks drawn by the trainer (the same masks whether the model
    is trained alone or stacked with the other folds' models).

    Examples
    --------
    >>> net = CharRNN(vocab_size=257, embedding_dim=8, hidden_size=16, num_layers=2, cell="lstm")
    >>> x = torch.zeros(5, 3, dtype=torch.long)  # (time, streams)
    >>> logits, state = net(x, net.init_state(3, torch.device("cpu")))
    >>> tuple(logits.shape), len(state), len(state[0])
    ((5, 3, 257), 2, 2)
    """

    def __init__(self, vocab_size, embedding_dim, hidden_size, num_layers, cell):
        super().__init__()
        rnn_cls, _ = CELLS[cell]
        self.cell = cell
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.layers = nn.ModuleList(
            rnn_cls(embedding_dim if i == 0 else hidden_size, hidden_size) for i in range(num_layers)
        )
        self.decoder = nn.Linear(hidden_size, vocab_size)

    @property
    def widths(self):
        """Widths of the tensors dropout applies to: the embedding, then each layer."""
        return [self.embedding.embedding_dim] + [layer.hidden_size for layer in self.layers]

    def init_state(self, batch_size, device):
        """Zero hidden state: one ``(1, B, H)`` tensor per layer, a pair for LSTM."""
        def zeros(layer):
            return torch.zeros(1, batch_size, layer.hidden_size, device=device)

        if self.cell == "lstm":
            return [(zeros(layer), zeros(layer)) for layer in self.layers]
        return [zeros(layer) for layer in self.layers]

    def forward(self, x, state, resets=(), keep=None, masks=None):
        """Logits of the next symbol at every position.

        x      : (T, B) symbol codes
        state  : from ``init_state`` or a previous call
        resets : sorted time offsets t at which some stream's state is zeroed
                 before reading x[t] (where ``keep[t, b] == 0``)
        keep   : (T, B) float, 0 where a stream restarts
        masks  : dropout masks, one per entry of ``widths``, each (T, B, width)
        returns: logits (T, B, V), new state
        """
        h = self.embedding(x)  # (T, B, E)
        if masks is not None:
            h = h * masks[0]
        new_state = []
        for i, layer in enumerate(self.layers):
            h, s = _run_layer(layer, h, state[i], resets, keep)  # (T, B, H)
            if masks is not None:
                h = h * masks[i + 1]
            new_state.append(s)
        return self.decoder(h), new_state  # (T, B, V)


def _mask_state(state, keep_t):
    """Zero the state of streams where ``keep_t`` (B,) is 0."""
    m = keep_t.view(1, -1, 1)
    if isinstance(state, tuple):
        return tuple(s * m for s in state)
    return state * m


def _run_layer(layer, inp, state, resets, keep):
    """One recurrent layer over (T, B, in), resetting streams at ``resets``.

    Between resets the layer runs as one call of torch's own fused loop.
    """
    if not resets:
        return layer(inp, state)
    outs, prev, T = [], 0, inp.shape[0]
    for t in list(resets) + [T]:
        if t > prev:
            out, state = layer(inp[prev:t], state)
            outs.append(out)
        if t < T:
            state = _mask_state(state, keep[t])
        prev = t
    return torch.cat(outs), state


def detach_state(state):
    """Cut the graph between chunks (truncated BPTT)."""
    return [tuple(s.detach() for s in st) if isinstance(st, tuple) else st.detach() for st in state]


# -------------------------------------------------------------------------- layout
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


# ------------------------------------------------------------------------- training
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


# ------------------------------------------------------------------------ estimator
class CharRNNLanguageModel(TorchEstimatorBase):
    """A character-level RNN/GRU/LSTM language model as a scikit-learn estimator.

    ``X`` is text, one block per row (see :func:`text_blocks`); there is no ``y``.
    ``score`` is the mean log-likelihood per symbol of the text (nats, higher is
    better), so the core's cross-validation estimators use it directly.

    Parameters
    ----------
    cell : {"gru", "lstm", "rnn"}, default="gru"
    embedding_dim : int, default=32
    hidden_size : int, default=128
    num_layers : int, default=1
    dropout : float, default=0.0
        Dropout on the embeddings, between layers and before the decoder.
    bptt : int, default=64
        Symbols per chunk of truncated backpropagation through time.
    batch_size : int, default=16
        Parallel streams the training text is laid out in.
    max_epochs : int, default=5
    lr : float, default=3e-3
    optimizer : {"adam", "sgd"}, default="adam"
    weight_decay : float, default=0.0
    grad_clip : float or None, default=1.0
        Largest gradient norm per step (None: no clipping).
    alphabet : str or None, default=None
        None models UTF-8 bytes (for ASCII text: characters). A string is the
        alphabet; any other character becomes one unknown symbol. Either way the
        vocabulary depends only on this parameter, never on the fold.
    device : {"auto", "cpu", "cuda", "cuda:<i>"} or torch.device, default="auto"
    batch_folds : {"auto", True, False}, default="auto"
        Whether :meth:`fit_folds` trains the K fold models of a cross-validation
        together. "auto" follows a measured rule: on CUDA always; on the CPU for a
        GRU with ``hidden_size <= 64`` and a tanh RNN with ``hidden_size <= 128``,
        never for an LSTM (``benchmarks/results/torch_folds_cpu_rule.md``); the
        core's notes say which it chose and why (:meth:`fit_folds_reason`).
    keep_on_device : bool, default=False
    progress : bool, default=False
        Show a progress bar over the training chunks (needs tqdm).
    random_state : int, numpy.random.Generator or None, default=None

    Attributes
    ----------
    module_ : CharRNN
    vocabulary_ : Vocabulary
    history_ : pandas.DataFrame
        One row per epoch: ``epoch``, ``train_loss`` (mean training negative
        log-likelihood per symbol, nats), ``valid_loss`` (NaN: no validation set),
        ``lr`` and ``time`` (seconds; for folds trained together, the epoch of all).
    n_chars_ : int
        Symbols of training text (per epoch).
    device_ : torch.device

    Examples
    --------
    >>> from resample_torch import text_blocks
    >>> X = text_blocks("abcabcabd" * 40, block_len=30)
    >>> lm = CharRNNLanguageModel(hidden_size=16, embedding_dim=8, bptt=16,
    ...                           batch_size=4, max_epochs=3, random_state=0).fit(X)
    >>> lm.bits_per_char("abcabc") < 8
    True
    >>> len(lm.sample(5, prime="ab", temperature=0, random_state=0))
    5
    """

    def __init__(
        self,
        cell="gru",
        *,
        embedding_dim=32,
        hidden_size=128,
        num_layers=1,
        dropout=0.0,
        bptt=64,
        batch_size=16,
        max_epochs=5,
        lr=3e-3,
        optimizer="adam",
        weight_decay=0.0,
        grad_clip=1.0,
        alphabet=None,
        device="auto",
        batch_folds="auto",
        keep_on_device=False,
        progress=False,
        random_state=None,
    ):
        self.cell = cell
        self.embedding_dim = embedding_dim
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.bptt = bptt
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.grad_clip = grad_clip
        self.alphabet = alphabet
        self.device = device
        self.batch_folds = batch_folds
        self.keep_on_device = keep_on_device
        self.progress = progress
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = False
        return tags

    # ----------------------------------------------------------------- checks
    def _check_params(self):
        """Every parameter, before any work; returns the resolved device."""
        check_choice(self.cell, "cell", CELLS)
        check_int(self.embedding_dim, "embedding_dim", low=1)
        check_int(self.hidden_size, "hidden_size", low=1)
        check_int(self.num_layers, "num_layers", low=1)
        check_dropout(self.dropout)
        check_int(self.bptt, "bptt", low=1)
        check_int(self.batch_size, "batch_size", low=1)
        check_int(self.max_epochs, "max_epochs", low=1)
        check_positive_float(self.lr, "lr")
        check_choice(self.optimizer, "optimizer", OPTIMIZERS)
        check_nonnegative_float(self.weight_decay, "weight_decay")
        check_positive_float(self.grad_clip, "grad_clip", allow_none=True)
        check_alphabet(self.alphabet)
        check_batch_folds(self.batch_folds)
        check_progress(self.progress)
        return resolve_device(self.device)

    def _training_layout(self, X, vocab, what="training text"):
        rows = as_blocks(X)
        if len(rows) == 0 or sum(len(r) for r in rows) == 0:
            raise ValueError(f"the {what} is empty: X has {len(rows)} rows and no characters.")
        runs = [vocab.encode(text) for text, _ in contiguous_runs(rows)]
        runs = [r for r in runs if len(r)]
        return make_layout(runs, vocab.bos, self.batch_size, what)

    # -------------------------------------------------------------------- fit
    def _new_module(self, vocab, seed, device):
        with seeded(seed, device):
            return CharRNN(vocab.size, self.embedding_dim, self.hidden_size, self.num_layers, self.cell).to(device)

    def _new_generator(self, seed, device):
        return torch.Generator(device=device).manual_seed(seed)

    def _optimizer(self, params):
        return OPTIMIZERS[self.optimizer](params, lr=self.lr, weight_decay=self.weight_decay)

    def fit(self, X, y=None):
        """Train a fresh model on the text of ``X`` by truncated BPTT.

        Parameters
        ----------
        X : sequence of str
            Blocks of text, one per row (from :func:`text_blocks`); rows that were
            adjacent in the text are joined, elsewhere the hidden state restarts.
        y : None
            Ignored.

        Returns
        -------
        self
        """
        return self._fit(X)

    def _fit(self, X, on_epoch=None):
        """``fit`` with an optional ``on_epoch(epoch, module) -> dict`` whose entries become
        columns of ``history_`` (see :func:`resample_torch.learning_curves`)."""
        device = self._check_params()
        vocab = Vocabulary(self.alphabet)
        layout = self._training_layout(X, vocab)
        init_seed, dropout_seed = derive_seeds(self.random_state, 2)
        module = self._new_module(vocab, init_seed, device)
        self.vocabulary_ = vocab  # before training: an on_epoch callback may score text
        losses, times, extra = train_single(
            module,
            layout,
            bptt=self.bptt,
            max_epochs=self.max_epochs,
            optimizer=self._optimizer(module.parameters()),
            grad_clip=self.grad_clip,
            dropout=self.dropout,
            generator=self._new_generator(dropout_seed, device),
            device=device,
            progress=self.progress,
            on_epoch=on_epoch,
        )
        self.history_ = history_frame(losses, self.lr, times, extra)
        self.n_chars_ = layout.n_chars
        return self._finish(module, device)

    def fit_folds(self, X, y, splits, random_states):
        """Train the models of all ``splits`` together (the core's fold-batching protocol).

        Returns one fitted model per split, each as ``clone(self).fit(X[train])``
        would give it up to floating-point rounding, or ``NotImplemented`` when
        ``batch_folds`` says not to (``False``, or ``"auto"`` off CUDA).
        """
        from resample_torch.lm.batched import fit_folds

        return fit_folds(self, X, splits, random_states)

    def fit_folds_reason(self):
        """Why :meth:`fit_folds` trains the folds together or declines (the core puts it in its notes).

        Examples
        --------
        >>> CharRNNLanguageModel("lstm", device="cpu").fit_folds_reason()  # doctest: +ELLIPSIS
        "batch_folds='auto' on the CPU: lstm: torch's fused one-by-one LSTM kernel is faster, so the folds ..."
        """
        from resample_torch.lm.batched import batching_choice

        return batching_choice(self)[1]

    # ------------------------------------------------------------------ score
    def _rows_nll(self, rows):
        """Per-row summed NLL and symbol counts, state carried through each run."""
        check_is_fitted(self)
        vocab, model, device = self.vocabulary_, self.module_, self.device_
        nll = np.zeros(len(rows))
        counts = np.zeros(len(rows), dtype=np.int64)
        model.eval()
        with torch.inference_mode():
            for text, idx in contiguous_runs(rows):
                row_codes = [vocab.encode(str(rows[i])) for i in idx]
                codes = np.concatenate(row_codes) if row_codes else np.zeros(0, np.int64)
                if len(codes) == 0:
                    continue
                per_pos = _sequence_nll(model, codes, vocab.bos, device)
                bounds = np.cumsum([0] + [len(c) for c in row_codes])
                for j, i in enumerate(idx):
                    nll[i] = per_pos[bounds[j] : bounds[j + 1]].sum()
                    counts[i] = bounds[j + 1] - bounds[j]
        return nll, counts

    def block_log_likelihood(self, X):
        """Log-likelihood (nats) of each row and the number of symbols in it.

        Every symbol is scored exactly once; the hidden state is carried through
        rows that were adjacent in the text and the first symbol of each stretch
        is predicted from the start state. These per-row sums are what a block
        bootstrap of perplexity resamples (:func:`block_bootstrap_perplexity`).

        Examples
        --------
        >>> from resample_torch import text_blocks
        >>> X = text_blocks("abab" * 20, block_len=8)
        >>> lm = CharRNNLanguageModel(hidden_size=8, embedding_dim=4, batch_size=2,
        ...                           max_epochs=1, random_state=0).fit(X)
        >>> ll = lm.block_log_likelihood(X)
        >>> int(ll.n_symbols.sum()), bool((ll.log_likelihood < 0).all())
        (80, True)
        """
        nll, counts = self._rows_nll(as_blocks(X))
        return BlockLogLikelihood(-nll, counts)

    def score(self, X, y=None):
        """Mean log-likelihood per symbol of the text ``X`` (nats; higher is better)."""
        nll, counts = self._rows_nll(as_blocks(X))
        if counts.sum() == 0:
            raise ValueError("X has no characters to score.")
        return float(-nll.sum() / counts.sum())

    def perplexity(self, X):
        """``exp`` of the mean negative log-likelihood per symbol."""
        return float(math.exp(-self.score(X)))

    def bits_per_char(self, X):
        """Mean negative log2-likelihood per symbol (a byte, for the default vocabulary)."""
        return float(-self.score(X) / math.log(2))

    # ----------------------------------------------------------------- sample
    def sample(self, n, prime="", temperature=1.0, random_state=None):
        """Generate ``n`` symbols after ``prime``.

        Parameters
        ----------
        n : int
            Symbols to generate (bytes for the default vocabulary).
        prime : str, default=""
            Text read first; the model starts from its start state.
        temperature : float, default=1.0
            Logits are divided by it; 0 takes the most likely symbol every time.
        random_state : int, numpy.random.Generator or None, default=None
            Seeds a private torch generator: the global random state is not used.

        Returns
        -------
        str
            The generated text, without ``prime``.
        """
        check_is_fitted(self)
        check_int(n, "n", low=0)
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not 0 <= temperature < math.inf:
            raise ValueError(f"temperature={temperature!r} is out of range: it must be a finite float >= 0.")
        if not isinstance(prime, str):
            raise TypeError(f"prime must be a str; got {prime!r}.")
        vocab, model, device = self.vocabulary_, self.module_, self.device_
        gen = torch.Generator(device=device).manual_seed(int_seed(as_generator(random_state)))
        codes = np.concatenate([[vocab.bos], vocab.encode(prime)]).astype(np.int64)
        out = []
        model.eval()
        with torch.inference_mode():
            state = model.init_state(1, device)
            logits, state = model(torch.as_tensor(codes, device=device).view(-1, 1), state)
            last = logits[-1, 0]
            banned = torch.as_tensor(vocab.special, device=device)
            for _ in range(n):
                last = last.float().clone()
                last[banned] = -math.inf
                if temperature == 0:
                    nxt = int(torch.argmax(last))
                else:
                    probs = torch.softmax(last / temperature, dim=-1)
                    nxt = int(torch.multinomial(probs, 1, generator=gen))
                out.append(nxt)
                logits, state = model(torch.tensor([[nxt]], device=device), state)
                last = logits[-1, 0]
        return vocab.decode(out)


def _sequence_nll(model, codes, bos, device):
    """NLL (nats) of every symbol of ``codes``, read after BOS, state carried."""
    seq = torch.as_tensor(np.concatenate([[bos], codes]), device=device)
    state = model.init_state(1, device)
    out = []
    for start in range(0, len(codes), EVAL_CHUNK):
        stop = min(start + EVAL_CHUNK, len(codes))
        x = seq[start:stop].view(-1, 1)  # (T, 1)
        logits, state = model(x, state)
        out.append(F.cross_entropy(logits[:, 0].float(), seq[start + 1 : stop + 1], reduction="none"))
    return torch.cat(out).double().cpu().numpy()
