"""Warnings and errors raised by ``resample``."""

__all__ = ["ResampleWarning", "ShortcutWarning", "FitFailedError", "DegenerateWarning", "CacheWarning"]


class ResampleWarning(UserWarning):
    """Base class of the warnings of this package."""


class ShortcutWarning(ResampleWarning):
    """The exact closed form and the estimator's own refit disagree."""


class DegenerateWarning(ResampleWarning):
    """The resampling distribution is degenerate (for example every resample equal)."""


class FitFailedError(RuntimeError):
    """A fit or score failed on one split or resample; the message names which."""

    def __init__(self, message, *, split=None):
        super().__init__(message)
        self.split = split


class CacheWarning(ResampleWarning):
    """A cache entry was refused (tampered, corrupt, not ours) or the cache could not be used; work was recomputed."""
