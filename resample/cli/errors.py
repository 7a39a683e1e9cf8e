"""The command's one error type: a mistake the user can fix, reported in one line with status 2."""

__all__ = ["UsageError"]


class UsageError(ValueError):
    """A mistake in the command line or its input that the user can fix (exit status 2)."""
