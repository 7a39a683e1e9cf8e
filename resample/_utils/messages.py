"""How values appear in messages: short enough to read, exact enough to recognise."""

__all__ = ["short_repr"]


def short_repr(value, limit=60):
    """``repr(value)``, cut to ``limit`` characters, for error messages.

    Examples
    --------
    >>> short_repr("x" * 100)[-5:]
    'xx...'
    >>> short_repr(0.5)
    '0.5'
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
