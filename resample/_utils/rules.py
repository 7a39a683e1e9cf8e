"""The generic parameter rules, each declared once in scikit-learn's constraint vocabulary.

An int in a range, a confidence level, one of a set of names: every entry point that
checks one of these by hand-free declaration goes through
:func:`resample._utils.sklearn_compat.validate_parameters`, so one rule has one message.
"""

import numbers

from resample._utils.sklearn_compat import Interval, StrOptions, validate_parameters

__all__ = ["CONFIDENCE_LEVEL", "check_int", "check_confidence_level", "check_option"]

#: the rule of every ``confidence_level`` parameter
CONFIDENCE_LEVEL = Interval(numbers.Real, 0, 1, closed="neither")


def check_int(value, name, *, low=None, high=None):
    """An integer in ``[low, high]`` (the rule of ``Interval(Integral, low, high, closed="both")``).

    Examples
    --------
    >>> check_int(3, "n_splits", low=2)
    3
    >>> check_int(1, "n_splits", low=2)
    Traceback (most recent call last):
    ...
    resample.exceptions.ParameterError: n_splits=1 is out of range: it must be an int in the range [2, inf).
    """
    closed = {(True, True): "both", (True, False): "left", (False, True): "right"}.get(
        (low is not None, high is not None), "neither"
    )
    validate_parameters({name: [Interval(numbers.Integral, low, high, closed=closed)]}, {name: value})
    return int(value)


def check_confidence_level(level, name="confidence_level"):
    """A confidence level strictly between 0 and 1."""
    validate_parameters({name: [CONFIDENCE_LEVEL]}, {name: level})
    return float(level)


def check_option(value, name, options):
    """``value`` must be one of ``options`` (a mapping or a collection of names)."""
    validate_parameters({name: [StrOptions(set(options))]}, {name: value})
    return value
