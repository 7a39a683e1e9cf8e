"""The one place where ``resample`` touches scikit-learn's private API.

``tests/test_architecture.py`` checks that no other module of the package imports a
private scikit-learn name.

scikit-learn does not promise stability for these names, so every use goes through
this module: when a release moves one, only this file changes.
"""

import numbers

import numpy as np
from sklearn.utils import _safe_indexing as safe_indexing  # noqa: F401  (rows of any array-like)
from sklearn.utils._param_validation import (  # noqa: F401  (re-exported)
    HasMethods,
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
    make_constraint,
)
from sklearn.utils._response import _get_response_values  # noqa: F401
from sklearn.utils.validation import _check_method_params as check_method_params  # noqa: F401
from sklearn.utils.validation import _num_samples  # noqa: F401

from resample._utils.messages import short_repr

try:  # scikit-learn >= 1.6 splits tags into dataclasses
    from sklearn.utils import get_tags as _get_tags
except ImportError:  # pragma: no cover - old scikit-learn
    _get_tags = None

from sklearn.metrics._scorer import _Scorer


def allows_nan(estimator):
    """Whether ``estimator`` declares that its input may hold NaN.

    A Pipeline's input reaches only its first step, so that step decides (scikit-learn's
    Pipeline tags say False even when the first step is a SimpleImputer).
    """
    from sklearn.pipeline import Pipeline

    if isinstance(estimator, Pipeline):
        steps = [s for _, s in estimator.steps if s is not None and s != "passthrough"]
        return bool(steps) and allows_nan(steps[0])
    if _get_tags is None:  # pragma: no cover
        return bool(getattr(estimator, "_get_tags", dict)().get("allow_nan", False))
    try:
        return bool(_get_tags(estimator).input_tags.allow_nan)
    except Exception:  # objects that are not full estimators
        return False


def scorer_parts(scorer):
    """``(score_func, sign, response_method, kwargs)`` of a plain metric scorer, else None.

    Only ``_Scorer`` (what ``make_scorer`` and the named scorers build) is unpacked;
    threshold/curve scorers and the passthrough scorer are called as they are.
    """
    if type(scorer) is not _Scorer:
        return None
    return scorer._score_func, scorer._sign, scorer._response_method, dict(scorer._kwargs)


def delegated_tags(tags, estimator):
    """``tags`` (a meta-estimator's own) with the wrapped ``estimator``'s kind and input tags.

    What ``GridSearchCV`` does: the wrapper is a classifier or regressor as its
    estimator is, and takes the input its estimator takes.
    """
    from copy import deepcopy

    sub = _get_tags(estimator)
    tags.estimator_type = sub.estimator_type
    tags.classifier_tags = deepcopy(sub.classifier_tags)
    tags.regressor_tags = deepcopy(sub.regressor_tags)
    tags.target_tags = deepcopy(sub.target_tags)
    tags.input_tags.pairwise = sub.input_tags.pairwise
    tags.input_tags.sparse = sub.input_tags.sparse
    tags.input_tags.allow_nan = sub.input_tags.allow_nan
    return tags


def validate_estimator_params(estimator):
    """Run ``estimator``'s own parameter validation (what its ``fit`` runs first).

    For code that uses an estimator's parameters without calling its ``fit`` (the
    closed form): a value its ``fit`` refuses is refused here with scikit-learn's
    own message. Estimators without ``_validate_params`` are left alone.
    """
    check = getattr(estimator, "_validate_params", None)
    if callable(check):
        check()


def set_fitted(estimator, X, *, coef, **attributes):
    """Give ``estimator`` the fitted state ``fit(X, ...)`` would: ``coef_`` and
    ``attributes``, plus ``n_features_in_`` and ``feature_names_in_`` as scikit-learn
    records them (through its private ``_check_feature_names``)."""
    from sklearn.utils.validation import _check_feature_names

    _check_feature_names(estimator, X, reset=True)
    estimator.n_features_in_ = int(X.shape[1])
    estimator.coef_ = coef
    for name, value in attributes.items():
        setattr(estimator, name, value)
    return estimator


# ---------------------------------------------------------------------------- parameters
def validate_parameters(constraints, params):
    """Check ``params`` against ``constraints`` (scikit-learn's constraint vocabulary).

    The one way ``resample`` checks a parameter: estimators declare
    ``_parameter_constraints`` and functions a module-level dict, both in the
    vocabulary of ``sklearn.utils._param_validation`` (``Interval``, ``StrOptions``,
    ``Options``, ``HasMethods``, ``"boolean"``, ``None``, types), and this function
    gives every rule one message, in the package's style: the parameter, the value
    received and what is allowed. It raises :class:`ParameterError`, a subclass of
    scikit-learn's ``InvalidParameterError``, which is both a ValueError and a
    TypeError, as scikit-learn's own check is. Unlike scikit-learn, a bool is not
    accepted where a number is (``n_resamples=True`` is a mistake, not 1).
    Parameters without constraints, or declared ``"no_validation"``, are skipped.

    Examples
    --------
    >>> rules = {"n_resamples": [Interval(numbers.Integral, 1, None, closed="left")]}
    >>> validate_parameters(rules, {"n_resamples": 0})
    Traceback (most recent call last):
    ...
    resample.exceptions.ParameterError: n_resamples=0 is out of range: it must be an int in the range [1, inf).
    >>> validate_parameters({"method": [StrOptions({"percentile", "bca"})]}, {"method": "BCa"})
    Traceback (most recent call last):
    ...
    resample.exceptions.ParameterError: method='BCa' is not allowed: it must be one of 'bca', 'percentile'.
    """
    for name, value in params.items():
        rules = constraints.get(name)
        if rules is None or rules == "no_validation":
            continue
        rules = [make_constraint(r) for r in rules]
        if not any(_satisfied(r, value) for r in rules):
            raise _parameter_error(name, value, rules)


class ParameterError(InvalidParameterError):
    """A parameter breaks its declared rule (public as :class:`resample.exceptions.ParameterError`).

    A subclass of scikit-learn's ``InvalidParameterError``, so it is a ValueError
    and a TypeError, and code that catches scikit-learn's error catches it.
    """

    __module__ = "resample.exceptions"  # where users import it from


_BOOLEANS = type(make_constraint("boolean"))
_NONE = type(make_constraint(None))
_TYPE_NAMES = {numbers.Real: "a number", numbers.Integral: "an int", str: "a str"}


def _is_bool(value):
    return isinstance(value, (bool, np.bool_))


def _numeric(rule):
    if isinstance(rule, StrOptions):
        return False
    return isinstance(rule, (Interval, Options)) or getattr(rule, "type", None) in (numbers.Real, numbers.Integral)


def _satisfied(rule, value):
    if _is_bool(value) and _numeric(rule):
        return False
    return rule.is_satisfied_by(value)


def _literals(rule):
    """The values a rule allows when it is a finite set (options, booleans, None), else None."""
    if isinstance(rule, Options):  # StrOptions too
        return sorted((repr(o) for o in rule.options))
    if isinstance(rule, _BOOLEANS):
        return ["True", "False"]
    if isinstance(rule, _NONE):
        return ["None"]
    return None


def _describe(rules):
    """What ``rules`` allow, in words: "one of 'a', 'b'", "an int in the range [1, inf) or None"."""
    literals = [v for r in rules for v in (_literals(r) or [])]
    others = [_TYPE_NAMES.get(getattr(r, "type", None), str(r)) if not isinstance(r, Interval) else str(r)
              for r in rules if _literals(r) is None]
    parts = []
    if literals == ["True", "False"]:
        parts.append("True or False")
    elif literals:
        parts.append(literals[0] if len(literals) == 1 else "one of " + ", ".join(literals))
    if literals == ["None"]:  # "an int in the range [1, inf) or None"
        return " or ".join(others + parts)
    return " or ".join(parts + others)  # "'raise' or a number"


def _type_fits(rule, value):
    """Whether ``value`` has the type ``rule`` wants (so only its value is wrong)."""
    if _is_bool(value) or not isinstance(rule, (Interval, Options)):
        return False
    if isinstance(rule, Interval) and not isinstance(value, numbers.Real):
        return False
    return isinstance(value, rule.type)


def _parameter_error(name, value, rules):
    """A :class:`ParameterError` (a ValueError and a TypeError), in the package's words."""
    shown = [r for r in rules if not getattr(r, "hidden", False)] or rules
    allowed = _describe(shown)
    text = short_repr(value)
    if any(isinstance(r, Options) and _type_fits(r, value) for r in shown):  # a name that is not an option
        return ParameterError(f"{name}={text} is not allowed: it must be {allowed}.")
    if any(_type_fits(r, value) for r in shown):
        return ParameterError(f"{name}={text} is out of range: it must be {allowed}.")
    return ParameterError(f"{name} must be {allowed}; got {text} of type {type(value).__name__}.")


class ParameterValidationMixin:
    """``_validate_params`` through :func:`validate_parameters`: the estimator's declared
    ``_parameter_constraints``, with the package's messages (scikit-learn's own
    ``BaseEstimator._validate_params`` checks the same rules with other words)."""

    def _validate_params(self):
        validate_parameters(self._parameter_constraints, self.get_params(deep=False))
