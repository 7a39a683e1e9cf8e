"""Numbers printed as their uncertainty supports: the digits a standard error leaves meaningful.

An estimate of 0.0211 with a standard error of 0.0051 is written ``0.0211 ± 0.0051``
(two significant digits of the standard error, the estimate to the same decimal),
and a mean squared error of 2954.3 with a standard error of 310 as ``2954 ± 310``.
A value that rounds to zero is written ``0.000``, never ``-0.000``.
Used by the command's tables and the figures' labels alike, so they agree.
"""

import math

__all__ = ["decimals_for", "format_number", "format_interval"]


def decimals_for(standard_errors, *, significant=2, fallback=4, most=10):
    """Decimals that show ``significant`` digits of the smallest positive finite standard error.

    Parameters
    ----------
    standard_errors : float or iterable of float
    significant : int, default=2
    fallback : int, default=4
        Decimals when no standard error is positive and finite (a zero SE says nothing
        about the digits).
    most : int, default=10

    Examples
    --------
    >>> decimals_for(0.0051)
    4
    >>> decimals_for([310.0, 95.0])
    0
    >>> decimals_for([0.0, float("nan"), 5e-17])
    4
    """
    values = [standard_errors] if isinstance(standard_errors, (int, float)) else list(standard_errors)
    # below 1e-12 a standard error is the rounding noise of a sum of equal scores, not a scale
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v)) and abs(float(v)) > 1e-12]
    if not finite:
        return fallback
    return int(min(most, max(0, significant - 1 - math.floor(math.log10(min(finite))))))


def format_number(value, decimals):
    """``value`` with ``decimals`` decimals; ``n/a`` when not finite; never ``-0.00``.

    Examples
    --------
    >>> format_number(-0.000004, 3)
    '0.000'
    >>> format_number(2954.3, 0)
    '2954'
    >>> format_number(float("nan"), 2)
    'n/a'
    """
    value = float(value)
    if not math.isfinite(value):
        return "n/a"
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text


def format_interval(low, high, decimals):
    """``[low, high]`` with :func:`format_number`.

    Examples
    --------
    >>> format_interval(0.0111, 0.0311, 3)
    '[0.011, 0.031]'
    """
    return f"[{format_number(low, decimals)}, {format_number(high, decimals)}]"
