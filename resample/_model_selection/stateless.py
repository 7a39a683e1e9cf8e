"""Which pipeline steps are stateless, so their output can be computed once per run.

A step is stateless when fitting it on any subset of rows gives the same transform
(``PolynomialFeatures``, a ``FunctionTransformer``, a frozen pretrained feature
extractor). scikit-learn has no reliable tag for this since 1.6
(``PolynomialFeatures`` reports ``requires_fit=True``), so the core keeps its own
marker: a short allowlist of scikit-learn classes, plus the class attribute
``__resample_stateless__`` that any other package may set (to True, or to a property
that inspects the instance, for example to turn caching off under random
augmentation).
"""

from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    Binarizer,
    FunctionTransformer,
    Normalizer,
    PolynomialFeatures,
)

from resample._utils.notes import Note, NoteKind

__all__ = ["is_stateless", "split_stateless_prefix", "fit_stateless_prefix", "with_prefix"]


def _function_transformer_is_stateless(step):
    # validate=True learns n_features_in_ only; func/inverse_func are fixed callables.
    # check_inverse only checks; nothing fitted from the data reaches the output.
    return True


# type -> predicate(instance) -> bool. Exact types only: a subclass may add state.
_ALLOWLIST = {
    PolynomialFeatures: lambda step: True,
    FunctionTransformer: _function_transformer_is_stateless,
    Normalizer: lambda step: True,
    Binarizer: lambda step: True,
}


def is_stateless(step):
    """Whether fitting ``step`` on any rows gives the same transform.

    Examples
    --------
    >>> from sklearn.preprocessing import PolynomialFeatures, StandardScaler
    >>> is_stateless(PolynomialFeatures(3)), is_stateless(StandardScaler())
    (True, False)
    """
    if step is None or step == "passthrough":
        return True
    marker = getattr(step, "__resample_stateless__", None)
    if marker is not None:
        return bool(marker)
    check = _ALLOWLIST.get(type(step))
    return bool(check and check(step))


def split_stateless_prefix(estimator):
    """``(prefix_steps, rest)`` of a Pipeline whose leading steps are stateless.

    ``prefix_steps`` is the list of leading ``(name, step)`` pairs that are
    stateless; ``rest`` is what remains: the final estimator alone, or a Pipeline of
    the remaining steps. For anything else, or a Pipeline with no stateless lead,
    ``([], estimator)``. The final step itself is never part of the prefix.
    """
    if not isinstance(estimator, Pipeline) or getattr(estimator, "memory", None) is not None:
        return [], estimator
    steps = list(estimator.steps)
    k = 0
    while k < len(steps) - 1 and is_stateless(steps[k][1]):
        k += 1
    if k == 0:
        return [], estimator
    rest_steps = steps[k:]
    rest = rest_steps[0][1] if len(rest_steps) == 1 else Pipeline(rest_steps)
    return steps[:k], rest


def fit_stateless_prefix(estimator, X, y):
    """Fit the stateless leading steps once: ``(fitted_prefix, rest, Xt, notes)``.

    ``Xt`` is ``X`` through the fitted prefix (``X`` itself without one); ``rest``
    is what every split fits; ``notes`` say which steps were computed once.
    """
    prefix, rest = split_stateless_prefix(estimator)
    fitted, Xt = [], X
    for name, step in prefix:
        if step is not None and step != "passthrough":
            step = clone(step)  # never fit the caller's step
            Xt = step.fit_transform(Xt, y) if y is not None else step.fit_transform(Xt)
        fitted.append((name, step))
    notes = ()
    if prefix:
        text = "stateless steps computed once for all splits: " + ", ".join(name for name, _ in prefix)
        notes = (Note(NoteKind.STATELESS_PREFIX, text),)
    return fitted, rest, Xt, notes


def with_prefix(prefix, model):
    """The fitted stateless steps followed by a fitted model, as one Pipeline."""
    if not prefix:
        return model
    steps = list(prefix) + (list(model.steps) if isinstance(model, Pipeline) else [("model", model)])
    if not isinstance(model, Pipeline):
        steps[-1] = (_final_name(prefix), model)
    return Pipeline(steps)


def _final_name(prefix):
    names = {n for n, _ in prefix}
    name = "model"
    while name in names:
        name += "_"
    return name
