"""Renamed parameters: the old name keeps working for one version, with a FutureWarning.

scikit-learn's convention (a ``FutureWarning`` naming the new spelling and the
release that drops the old). The warning is attributed to the caller's own line,
found by walking out of this package, so ``python -W error::FutureWarning`` points
at the code to change, whichever of our functions passed the call on.
"""

import os
import sys
import warnings

__all__ = ["DEPRECATED", "renamed", "warn_external"]

#: default of a renamed parameter's old name: "not passed"
DEPRECATED = "deprecated"

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def warn_external(message, category=FutureWarning):
    """``warnings.warn`` with the stack level of the first frame outside ``resample``."""
    frame, level = sys._getframe(1), 2  # level 2: the frame of warn_external's caller
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE + os.sep):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def renamed(old_name, old_value, new_name, new_value, *, new_default=None, since="0.2", until="0.3"):
    """The value to use: ``new_value``, or the old parameter's value (with a FutureWarning) where one was passed.

    Examples
    --------
    >>> renamed("return_estimators", DEPRECATED, "return_estimator", True, new_default=False)
    True
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     value = renamed("return_estimators", False, "return_estimator", False, new_default=False)
    >>> value, w[0].category.__name__
    (False, 'FutureWarning')
    """
    if isinstance(old_value, str) and old_value == DEPRECATED:
        return new_value
    if new_value is not new_default and new_value != new_default:
        raise ValueError(f"{old_name} is the old name of {new_name}: pass only {new_name}={new_value!r}.")
    warn_external(
        f"{old_name} was renamed {new_name} in {since} (scikit-learn's name) and the old name will be "
        f"removed in {until}; pass {new_name}={old_value!r} instead."
    )
    return old_value
