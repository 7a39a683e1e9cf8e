"""Unigram and bigram character models: the baselines a neural model must beat.

They read the same rows, use the same vocabulary and score the same symbols as
:class:`~resample_torch.CharRNNLanguageModel` (the first symbol of each stretch of
text predicted after BOS), so a cross-validation with the same splitter puts them on
the same folds. numpy only; no torch.
"""

import math

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from resample_torch._checks import check_alphabet, check_int, check_positive_float
from resample_torch.lm.text import BlockLogLikelihood, Vocabulary, as_blocks, contiguous_runs

__all__ = ["NGramLanguageModel"]


class NGramLanguageModel(BaseEstimator):
    """A smoothed unigram (``order=1``) or bigram (``order=2``) model of symbols.

    Unigram: add-one (Laplace) estimates over the symbols. Bigram: counts of each
    pair pulled towards the unigram, ``P(b | a) = (c(a b) + s P1(b)) / (c(a) + s)``
    with ``s = smoothing``, so unseen pairs keep a probability.

    Parameters
    ----------
    order : {1, 2}, default=2
    smoothing : float, default=1.0
        Prior strength ``s`` of the bigram's pull towards the unigram.
    alphabet : str or None, default=None
        As in :class:`CharRNNLanguageModel` (None: UTF-8 bytes).

    Examples
    --------
    >>> lm = NGramLanguageModel(order=2).fit(["abababab"])
    >>> lm.bits_per_char("abab") < NGramLanguageModel(order=1).fit(["abababab"]).bits_per_char("abab")
    True
    """

    def __init__(self, order=2, *, smoothing=1.0, alphabet=None):
        self.order = order
        self.smoothing = smoothing
        self.alphabet = alphabet

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = False
        return tags

    def _runs(self, X, vocab):
        return [vocab.encode(text) for text, _ in contiguous_runs(as_blocks(X))]

    def fit(self, X, y=None):
        """Count the symbols (and pairs) of the text of ``X``."""
        check_int(self.order, "order", low=1, high=2)
        check_positive_float(self.smoothing, "smoothing")
        check_alphabet(self.alphabet)
        vocab = Vocabulary(self.alphabet)
        runs = [r for r in self._runs(X, vocab) if len(r)]
        if not runs:
            raise ValueError("the training text is empty: X has no characters.")
        V = vocab.size
        n_real = V - 1  # BOS is never predicted
        unigram = np.bincount(np.concatenate(runs), minlength=V).astype(float)
        unigram[vocab.bos] = 0
        p1 = (unigram + 1) / (unigram.sum() + n_real)
        p1[vocab.bos] = 0
        self.log_unigram_ = np.log(np.where(p1 > 0, p1, 1.0))
        if self.order == 2:
            pairs = np.zeros((V, V))
            for r in runs:
                seq = np.concatenate([[vocab.bos], r])
                np.add.at(pairs, (seq[:-1], seq[1:]), 1)
            p2 = (pairs + self.smoothing * p1) / (pairs.sum(axis=1, keepdims=True) + self.smoothing)
            self.log_bigram_ = np.log(np.where(p2 > 0, p2, 1.0))
        self.vocabulary_ = vocab
        return self

    def block_log_likelihood(self, X):
        """Per-row log-likelihood (nats) and symbol counts, as the RNN model gives them."""
        check_is_fitted(self)
        rows = as_blocks(X)
        vocab = self.vocabulary_
        ll = np.zeros(len(rows))
        counts = np.zeros(len(rows), dtype=np.int64)
        for _, idx in contiguous_runs(rows):
            codes = [vocab.encode(str(rows[i])) for i in idx]
            seq = np.concatenate([[vocab.bos]] + codes)
            if self.order == 1:
                per = self.log_unigram_[seq[1:]]
            else:
                per = self.log_bigram_[seq[:-1], seq[1:]]
            bounds = np.cumsum([0] + [len(c) for c in codes])
            for j, i in enumerate(idx):
                ll[i] = per[bounds[j] : bounds[j + 1]].sum()
                counts[i] = bounds[j + 1] - bounds[j]
        return BlockLogLikelihood(ll, counts)

    def score(self, X, y=None):
        """Mean log-likelihood per symbol (nats; higher is better)."""
        ll = self.block_log_likelihood(X)
        if ll.n_symbols.sum() == 0:
            raise ValueError("X has no characters to score.")
        return float(ll.log_likelihood.sum() / ll.n_symbols.sum())

    def bits_per_char(self, X):
        """Mean negative log2-likelihood per symbol."""
        return -self.score(X) / math.log(2)

    def perplexity(self, X):
        """``exp`` of the mean negative log-likelihood per symbol."""
        return math.exp(-self.score(X))
