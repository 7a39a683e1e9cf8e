"""The fold-batching protocol between the core and any estimator.

The core's cross-validation estimators ask the wrapped estimator whether it can fit
every split at once; the core never imports torch or any other backend to do so.
An estimator takes part by defining::

    def fit_folds(self, X, y, splits, random_states):
        '''Fit one model per (train, test) split, all together.

        X, y        : the full data, as given to the CV estimator's fit
        splits      : a sequence of (train_indices, test_indices) pairs (len,
                      indexing and iteration; each pair is built when it is
                      read, so iterate rather than copy it to a list)
        random_states : list with one seed per split: what a clone fitted alone on
                        that split would use (today the estimator's own
                        random_state, repeated, so batched and one-by-one runs agree)
        returns     : a list of fitted estimators, one per split, each as if
                      ``clone(self).fit(X[train], y[train])`` had run; or
                      ``NotImplemented`` to decline (the core then fits one by one
                      and says so in the result's notes)
        '''

``self`` is an unfitted clone made by the core; ``fit_folds`` must not change it.
With ``batch_folds="auto"`` the core calls ``fit_folds`` whenever it exists and the
estimator decides (for example by device); with ``batch_folds=False`` it never does.

An estimator may also define ``fit_folds_reason()``, returning a short sentence on
why it batches or declines (for example the measured rule it applied); the core
adds it to the result's note.
"""

__all__ = ["fit_folds", "fit_folds_reason", "supports_fit_folds"]


def fit_folds_reason(estimator):
    """The estimator's own account of why it batches or declines, or None."""
    explain = getattr(estimator, "fit_folds_reason", None)
    return str(explain()) if callable(explain) else None


def supports_fit_folds(estimator):
    """Whether ``estimator`` implements the fold-batching protocol."""
    return callable(getattr(estimator, "fit_folds", None))


def fit_folds(estimator, X, y, splits):
    """Call ``estimator.fit_folds``; return the list of fitted models or None if declined."""
    seed = estimator.get_params().get("random_state") if hasattr(estimator, "get_params") else None
    fitted = estimator.fit_folds(X, y, splits, [seed] * len(splits))
    if fitted is NotImplemented:
        return None
    fitted = list(fitted)
    if len(fitted) != len(splits):
        raise RuntimeError(
            f"{type(estimator).__name__}.fit_folds returned {len(fitted)} models for {len(splits)} splits; "
            "the protocol needs exactly one fitted estimator per split."
        )
    return fitted
