"""Character-level recurrent language models as scikit-learn estimators.

:class:`CharRNNLanguageModel` checks its parameters, lays the training text out as
streams (:mod:`resample_torch.lm.training`), builds a fresh :class:`CharRNN`
(:mod:`resample_torch.lm.network`) in every fit, trains it by truncated BPTT, and
scores held-out blocks by their log-likelihood. Its ``fit_folds`` (the core's
fold-batching protocol) trains the models of all folds as one stacked model
(:mod:`resample_torch.lm.batched`).
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from resample._protocol import as_generator, check_progress, int_seed
from resample_torch._base import TorchEstimatorBase, derive_seeds, history_frame, resolve_device, seeded
from resample_torch._checks import (
    check_alphabet,
    check_batch_folds,
    check_choice,
    check_dropout,
    check_int,
    check_nonnegative_float,
    check_positive_float,
)
from resample_torch.lm.batched import train_folds
from resample_torch.lm.batching_rule import batching_choice
from resample_torch.lm.network import CELLS, CharRNN
from resample_torch.lm.text import BlockLogLikelihood, Vocabulary, as_blocks, contiguous_runs
from resample_torch.lm.training import OPTIMIZERS, make_layout, train_single

__all__ = ["CharRNN", "CharRNNLanguageModel", "BlockLogLikelihood"]

#: Symbols per forward pass when scoring (the hidden state is carried across).
EVAL_CHUNK = 2048


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
        ``batch_folds`` says not to (``False``, or ``"auto"`` where the measured rule
        of :func:`~resample_torch.lm.batching_rule.batching_choice` says one by one).
        """
        batch, _reason = batching_choice(self)
        device = self._check_params()
        if not batch:
            return NotImplemented
        rows = as_blocks(X)
        vocab = Vocabulary(self.alphabet)
        layouts = []
        for k, (train, _test) in enumerate(splits):
            train = np.asarray(train, dtype=np.intp)
            if train.size == 0:
                raise ValueError(f"split {k} has no training rows; use a smaller gap or more folds.")
            layouts.append(self._training_layout([rows[i] for i in train], vocab, f"training text of split {k}"))
        seeds = [derive_seeds(rs, 2) for rs in random_states]
        models = [self._new_module(vocab, s[0], device) for s in seeds]
        histories, times = train_folds(
            models,
            layouts,
            bptt=self.bptt,
            max_epochs=self.max_epochs,
            optimizer=self.optimizer,
            lr=self.lr,
            weight_decay=self.weight_decay,
            grad_clip=self.grad_clip,
            dropout=self.dropout,
            generators=[self._new_generator(s[1], device) for s in seeds],
            device=device,
            progress=self.progress,
        )
        fitted = []
        for model, layout, history in zip(models, layouts, histories):
            est = clone(self)
            est.history_ = history_frame(history, self.lr, times)
            est.vocabulary_ = vocab
            est.n_chars_ = layout.n_chars
            fitted.append(est._finish(model, device))
        return fitted

    def fit_folds_reason(self):
        """Why :meth:`fit_folds` trains the folds together or declines (the core puts it in its notes).

        Examples
        --------
        >>> CharRNNLanguageModel("lstm", device="cpu").fit_folds_reason()  # doctest: +ELLIPSIS
        "batch_folds='auto' on the CPU: lstm: torch's fused one-by-one LSTM kernel is faster, so the folds ..."
        """
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
        check_nonnegative_float(temperature, "temperature")
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
