"""Delegation to the refit model, as GridSearchCV does: ``predict`` and friends.

A method exists on the CV estimator only where the wrapped (or refit) model has it
(``available_if``), so ``hasattr(cv, "predict_proba")`` answers as for the model.
"""

from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

__all__ = ["RefitDelegationMixin"]


def _delegate(method, doc):
    """A method that calls ``method`` of the refit model, present only where the model has it."""

    def call(self, X):
        self._check_refit(method)
        return getattr(self.estimator_, method)(X)

    call.__name__ = call.__qualname__ = method
    call.__doc__ = doc
    return available_if(_estimator_has(method))(call)


def _estimator_has(attr):
    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attr)
        return hasattr(self.estimator, attr)

    return check


class RefitDelegationMixin:
    """``predict``, ``score``, ``classes_``... of the model refit on all data (``estimator_``)."""

    def _check_refit(self, method):
        if not self.refit:
            raise AttributeError(f"{method} is not available when refit=False: there is no final model.")
        check_is_fitted(self, "estimator_")

    predict = _delegate("predict", "Predict with the model refit on all data.")
    predict_proba = _delegate("predict_proba", "Class probabilities of the refit model.")
    predict_log_proba = _delegate("predict_log_proba", "Log class probabilities of the refit model.")
    decision_function = _delegate("decision_function", "Decision function of the refit model.")
    transform = _delegate("transform", "Transform with the refit model.")
    score_samples = _delegate("score_samples", "``score_samples`` of the refit model.")

    def score(self, X, y=None):
        """Score of the refit model on ``(X, y)`` with this object's scorer."""
        self._check_refit("score")
        if y is None:
            return self.scorer_(self.estimator_, X)
        return self.scorer_(self.estimator_, X, y)

    @property
    def classes_(self):
        """Classes of the refit classifier."""
        self._check_refit("classes_")
        return self.estimator_.classes_

    @property
    def n_features_in_(self):
        """Number of features seen by the refit model."""
        try:
            check_is_fitted(self, "estimator_")
        except Exception as exc:
            raise AttributeError(f"{type(self).__name__} has no n_features_in_ before a refit fit.") from exc
        return self.estimator_.n_features_in_
