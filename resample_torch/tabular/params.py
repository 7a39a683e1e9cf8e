"""Nested parameters in skorch's convention: ``module__hidden_sizes`` sets ``module_params["hidden_sizes"]``.

``GridSearchCV(clf, {"module__hidden_sizes": [(32,), (64,)]})`` calls
``clone(clf).set_params(module__hidden_sizes=...)``; scikit-learn's own
``set_params`` would look for a sub-estimator called ``module`` (a class here, or
None) and fail. The prefixes are read here and merged into a *new* dict, so the
caller's ``module_params`` is never changed.
"""

import inspect

from resample._protocol import short_repr as _short

__all__ = ["NESTED_PREFIXES", "check_factory_kwargs", "split_nested"]

#: prefix before ``__`` -> the dict parameter it writes into
NESTED_PREFIXES = {
    "module": "module_params",
    "module_params": "module_params",
    "optimizer": "optimizer_params",
    "optimizer_params": "optimizer_params",
    "lr_scheduler": "lr_scheduler_params",
    "lr_scheduler_params": "lr_scheduler_params",
}


def split_nested(params):
    """``(plain, nested)``: nested is ``{dict parameter: {key: value}}`` for the prefixed keys.

    Examples
    --------
    >>> split_nested({"lr": 0.1, "module__hidden_sizes": (8,)})
    ({'lr': 0.1}, {'module_params': {'hidden_sizes': (8,)}})
    """
    plain, nested = {}, {}
    for key, value in params.items():
        prefix, sep, sub = key.partition("__")
        if sep and sub and prefix in NESTED_PREFIXES:
            nested.setdefault(NESTED_PREFIXES[prefix], {})[sub] = value
        else:
            plain[key] = value
    return plain, nested


def check_factory_kwargs(factory, kwargs, name="module_params"):
    """Every key of ``kwargs`` is a parameter of ``factory`` (unless it takes ``**kwargs``)."""
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return
    unknown = [k for k in kwargs if k not in params]
    if unknown:
        takes = ", ".join(k for k, p in params.items() if p.kind is not inspect.Parameter.VAR_POSITIONAL)
        owner = getattr(factory, "__name__", _short(factory))
        raise ValueError(
            f"{name} has {', '.join(repr(k) for k in unknown)}, which {owner} does not take; it takes: {takes}. "
            f"(In a search, module__<name> sets module_params['<name>'].)"
        )
