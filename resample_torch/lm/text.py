"""Text as rows: contiguous blocks that remember where they came from.

A language model is cross-validated over contiguous blocks of text, one block per
row of ``X``, so that the core's splitters (``BlockedKFold``, ``LeaveOneGroupOut``)
work unchanged. A row of ``X`` is a :class:`TextBlock`: a ``str`` that also knows
its document and its offset in that document. The model joins the rows of a
training set that were adjacent in the text into one stream, and starts afresh
(hidden state reset) wherever a fold removed the rows in between, so it never
learns a transition that is not in the text.
"""

from typing import NamedTuple

import numpy as np

from resample._protocol import check_int
from resample._protocol import short_repr as _short
from resample_torch._checks import check_text

__all__ = ["TextBlock", "text_blocks", "as_blocks", "contiguous_runs", "Vocabulary", "BlockLogLikelihood"]


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


class TextBlock(str):
    """A block of text that knows its document and its offset in it.

    It is a ``str`` in every other respect. Two blocks are contiguous when they come
    from the same document and one starts where the other ends.

    Parameters
    ----------
    text : str
    document : int or str, default=0
    start : int, default=0
        Offset of the block's first character in its document.

    Examples
    --------
    >>> a, b = TextBlock("ab", 0, 0), TextBlock("cd", 0, 2)
    >>> a.precedes(b), b.precedes(a), a + b
    (True, False, 'abcd')
    """

    def __new__(cls, text, document=0, start=0):
        obj = super().__new__(cls, text)
        obj._meta = (document, int(start))  # str subclasses may not have non-empty __slots__
        return obj

    @property
    def document(self):
        return self._meta[0]

    @property
    def start(self):
        return self._meta[1]

    @property
    def stop(self):
        return self._meta[1] + len(self)

    def precedes(self, other):
        """Whether ``other`` continues this block in the same document."""
        return isinstance(other, TextBlock) and other.document == self.document and other.start == self.stop

    def __reduce__(self):
        return (TextBlock, (str(self), self.document, self.start))

    def __repr__(self):
        text = str.__repr__(str(self))
        if len(text) > 40:
            text = text[:30] + "..." + text[-6:]
        return f"TextBlock({text}, document={self.document!r}, start={self.start})"


def text_blocks(corpus, block_len=256, *, drop_last=False):
    """Cut text into contiguous blocks, one per row, for cross-validating a language model.

    Parameters
    ----------
    corpus : str, sequence of str, or dict of str
        One text, or several documents (a list, or a dict from document name to
        text). Blocks never cross a document boundary.
    block_len : int, default=256
        Characters per block.
    drop_last : bool, default=False
        Drop the shorter last block of each document; by default it is kept, so
        every character of the corpus is in some row.

    Returns
    -------
    X : ndarray of shape (n_blocks,), dtype object
        :class:`TextBlock` rows in text order. Their ``document`` attribute gives
        the groups of a leave-one-document-out split
        (``groups = [b.document for b in X]``).

    Examples
    --------
    >>> X = text_blocks("abcdefghij", block_len=4)
    >>> [str(block) for block in X]
    ['abcd', 'efgh', 'ij']
    >>> X[1]
    TextBlock('efgh', document=0, start=4)
    >>> X[1].start, X[1].document
    (4, 0)
    >>> text_blocks({"a": "xyz", "b": "uvw"}, block_len=2)[2].document
    'b'
    """
    check_int(block_len, "block_len", low=1)
    if isinstance(corpus, (bytes, bytearray)):
        check_text(corpus, "corpus")
    if isinstance(corpus, str):
        docs = [(0, corpus)]
    elif isinstance(corpus, dict):
        docs = list(corpus.items())
    elif isinstance(corpus, (list, tuple, np.ndarray)):
        docs = list(enumerate(corpus))
    else:
        raise TypeError(f"corpus must be a str, a list of str or a dict of str; got {_short(corpus)}.")
    for name, text in docs:
        if isinstance(text, (bytes, bytearray)):
            check_text(text, f"corpus document {name!r}")
        if not isinstance(text, str):
            raise TypeError(f"corpus document {name!r} must be a str; got {_short(text)} of type {type(text).__name__}.")
        check_text(text, f"corpus document {name!r}")
    total = sum(len(text) for _, text in docs)
    if total == 0:
        raise ValueError("corpus is empty: there is no text to cut into blocks.")
    blocks = []
    for name, text in docs:
        for start in range(0, len(text), block_len):
            piece = text[start : start + block_len]
            if drop_last and len(piece) < block_len:
                continue
            blocks.append(TextBlock(piece, name, start))
    if not blocks:
        raise ValueError(
            f"corpus has {total} characters, fewer than block_len={block_len} in every document, "
            "and drop_last=True drops them all; use a smaller block_len or drop_last=False."
        )
    out = np.empty(len(blocks), dtype=object)
    out[:] = blocks
    return out


def as_blocks(X, name="X"):
    """The rows of ``X`` as a list of str (a single string is one row)."""
    if isinstance(X, str):
        return [X]
    if hasattr(X, "ndim") and getattr(X, "ndim", 1) == 2:
        if X.shape[1] != 1:
            raise ValueError(f"{name} must be one text per row; got a 2-d array of shape {X.shape}.")
        X = X[:, 0]
    try:
        rows = list(X)
    except TypeError as exc:
        raise TypeError(f"{name} must be a str or a sequence of str (e.g. from text_blocks); got {_short(X)}.") from exc
    for i, row in enumerate(rows):
        if not isinstance(row, str):
            raise TypeError(
                f"{name}[{i}] must be a str (a block of text, e.g. from text_blocks); "
                f"got {_short(row)} of type {type(row).__name__}."
            )
    return rows


def contiguous_runs(rows):
    """Join adjacent rows that were adjacent in the text.

    Returns a list of ``(text, row_indices)``: each run is the concatenation of
    consecutive rows where each :class:`TextBlock` continues the previous one. Plain
    strings (no position) are runs of their own.

    Examples
    --------
    >>> X = text_blocks("abcdefgh", block_len=2)
    >>> [t for t, _ in contiguous_runs([X[0], X[1], X[3]])]
    ['abcd', 'gh']
    """
    runs, texts, idx = [], [], []
    prev = None
    for i, row in enumerate(rows):
        if prev is not None and not (isinstance(prev, TextBlock) and prev.precedes(row)):
            runs.append(("".join(texts), idx))
            texts, idx = [], []
        texts.append(str(row))
        idx.append(i)
        prev = row
    if texts:
        runs.append(("".join(texts), idx))
    return runs


class Vocabulary:
    """Symbols of a character model: UTF-8 bytes, or a given alphabet plus unknown.

    It depends only on the model's parameters, never on the text it is fitted on, so
    every fold of a cross-validation shares it. Two extra codes: ``bos``, which
    starts every stretch of text so that its first character is scored too, and (for
    an alphabet) ``unk``, which every character outside the alphabet becomes.

    Examples
    --------
    >>> v = Vocabulary("ab")
    >>> v.encode("abz").tolist(), v.size, v.decode([1, 0, 2])
    ([0, 1, 2], 4, 'ba\\ufffd')
    >>> Vocabulary(None).encode("é").tolist()
    [195, 169]
    """

    def __init__(self, alphabet=None):
        self.alphabet = alphabet
        if alphabet is None:
            self.unk = None
            self.bos = 256
            self.size = 257
        else:
            self.unk = len(alphabet)
            self.bos = len(alphabet) + 1
            self.size = len(alphabet) + 2
            self._table = {ch: i for i, ch in enumerate(alphabet)}

    def encode(self, text):
        """Codes of ``text`` (int64)."""
        if self.alphabet is None:
            try:
                data = text.encode("utf-8")
            except UnicodeEncodeError:
                check_text(text, "text")  # says where, and how to clean it
                raise
            return np.frombuffer(data, dtype=np.uint8).astype(np.int64)
        get, unk = self._table.get, self.unk
        return np.fromiter((get(ch, unk) for ch in text), dtype=np.int64, count=len(text))

    def decode(self, codes):
        """Text of ``codes`` (unknown symbols and broken UTF-8 become U+FFFD)."""
        codes = [int(c) for c in codes]
        if self.alphabet is None:
            return bytes(c for c in codes if c < 256).decode("utf-8", errors="replace")
        return "".join(self.alphabet[c] if c < self.unk else "\ufffd" for c in codes if c != self.bos)

    @property
    def special(self):
        """Codes a sampler must never emit."""
        return [self.bos] if self.unk is None else [self.unk, self.bos]

    def __repr__(self):
        kind = "bytes" if self.alphabet is None else f"alphabet of {len(self.alphabet)}"
        return f"Vocabulary({kind}, size={self.size})"
