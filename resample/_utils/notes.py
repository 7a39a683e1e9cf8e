"""Notes with a machine-readable kind.

A result's ``notes`` tell the user how its numbers were obtained. Each note is a
:class:`Note`: a ``str`` (so it prints, compares and serialises as its text) that
also carries a :class:`NoteKind`. Code that presents results (the command line, a
report) selects notes by ``note.kind``, never by their wording, so rewording a
message changes no output but the message itself. The package's warnings carry the
same kinds (``warning.kind``, see :mod:`resample.exceptions`).
"""

import enum

__all__ = ["NoteKind", "Note", "note_kind"]


class NoteKind(enum.Enum):
    """What a note or warning is about."""

    #: stateless leading Pipeline steps were computed once for all splits
    STATELESS_PREFIX = "stateless_prefix"
    #: the fold models were fitted together by the estimator's ``fit_folds``
    BATCHED_FOLDS = "batched_folds"
    #: the estimator declined ``fit_folds``; the folds were fitted one by one
    BATCH_DECLINED = "batch_declined"
    #: the exact closed form and the estimator's own fit on all data disagree
    SHORTCUT_DISAGREES = "shortcut_disagrees"
    #: the closed form declined (its arithmetic overflowed) and the estimator was refit
    SHORTCUT_DECLINED = "shortcut_declined"
    #: some splits or resamples failed and were left out
    FAILED_SPLITS = "failed_splits"
    #: how the estimate was pooled when the usual rule does not apply
    POOLING = "pooling"
    #: the nested cross-validation interval (or why there is none)
    NESTED = "nested"
    #: the Davison-Hinkley adjusted estimate is undefined here
    NO_ADJUSTMENT = "no_adjustment"
    #: which bootstrap estimate or interval method ran, and from how many resamples
    METHOD = "method"
    #: the closed form or an exact computation replaced resampling
    CLOSED_FORM = "closed_form"
    #: the resampling distribution is degenerate or has non-finite values
    DEGENERATE = "degenerate"
    #: leave-one-out values approximated (one Newton step per row), and their check against exact refits
    APPROXIMATE = "approximate"
    #: the estimated time of a run with many refits, before it starts
    COST = "cost"
    #: a cache entry was refused or the cache could not be used
    CACHE = "cache"
    #: anything else worth knowing
    INFO = "info"


class Note(str):
    """A note's text, with its :class:`NoteKind` as ``kind``.

    Examples
    --------
    >>> n = Note(NoteKind.BATCHED_FOLDS, "5 fold models fitted together")
    >>> n, n.kind.value
    ('5 fold models fitted together', 'batched_folds')
    >>> n == "5 fold models fitted together"
    True
    """

    __slots__ = ("kind",)

    def __new__(cls, kind, text):
        self = super().__new__(cls, text)
        self.kind = NoteKind(kind)
        return self

    def __getnewargs__(self):  # pickling (joblib's process workers, caches)
        return (self.kind, str(self))


def note_kind(note):
    """The kind of a note: ``note.kind``, or ``NoteKind.INFO`` for a plain string.

    Examples
    --------
    >>> note_kind("plain text"), note_kind(Note(NoteKind.NESTED, "x"))
    (<NoteKind.INFO: 'info'>, <NoteKind.NESTED: 'nested'>)
    """
    return getattr(note, "kind", NoteKind.INFO)
