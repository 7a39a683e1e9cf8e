"""The one place where ``resample`` touches scikit-learn's private API.

scikit-learn does not promise stability for these names, so every use goes through
this module: when a release moves one, only this file changes.
"""

from sklearn.utils._param_validation import (  # noqa: F401  (re-exported)
    HasMethods,
    Interval,
    StrOptions,
    validate_params,
)
from sklearn.utils._response import _get_response_values  # noqa: F401

try:  # scikit-learn >= 1.6 splits tags into dataclasses
    from sklearn.utils import get_tags as _get_tags
except ImportError:  # pragma: no cover - old scikit-learn
    _get_tags = None

from sklearn.metrics._scorer import _BaseScorer, _Scorer  # noqa: F401


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


def requires_positive_y(estimator):
    try:
        return bool(_get_tags(estimator).target_tags.positive_only)
    except Exception:
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
