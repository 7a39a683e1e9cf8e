"""Warnings, errors and notes of ``resample``.

A parameter that breaks its rule raises :class:`ParameterError` (a ValueError and a
TypeError, scikit-learn's ``InvalidParameterError``), with a message that names the
parameter, the value and what is allowed. Every warning of the package carries a machine-readable ``kind`` (a
:class:`NoteKind`, or None), as the ``notes`` of its results do (each a
:class:`Note`: a ``str`` with a ``kind``). Select them by kind, never by their wording.
"""

from resample._utils.notes import Note, NoteKind
from resample._utils.sklearn_compat import ParameterError

__all__ = ["ResampleWarning", "ShortcutWarning", "FitFailedError", "DegenerateWarning", "CacheWarning", "ParameterError", "Note", "NoteKind"]


class ResampleWarning(UserWarning):
    """Base class of the warnings of this package.

    Parameters
    ----------
    message : str
    kind : NoteKind or None, default=None
        What the warning is about (``warning.kind``).

    Examples
    --------
    >>> w = ShortcutWarning("the closed form disagrees", kind=NoteKind.SHORTCUT_DISAGREES)
    >>> w.kind.value, str(w)
    ('shortcut_disagrees', 'the closed form disagrees')
    """

    #: the kind of warnings of this class raised without one
    default_kind = NoteKind.INFO

    def __init__(self, message="", kind=None):
        super().__init__(message)
        self.kind = NoteKind(kind) if kind is not None else self.default_kind

    def __reduce__(self):  # pickling keeps the kind
        return (type(self), (str(self), self.kind))


class ShortcutWarning(ResampleWarning):
    """The exact closed form and the estimator's own refit disagree."""

    default_kind = NoteKind.SHORTCUT_DISAGREES


class DegenerateWarning(ResampleWarning):
    """The resampling distribution is degenerate (for example every resample equal)."""

    default_kind = NoteKind.DEGENERATE


class CacheWarning(ResampleWarning):
    """A cache entry was refused (tampered, corrupt, not ours) or the cache could not be used; work was recomputed."""

    default_kind = NoteKind.CACHE


class FitFailedError(RuntimeError):
    """A fit or score failed on one split or resample; the message names which."""

    def __init__(self, message, *, split=None):
        super().__init__(message)
        self.split = split
