"""The whole contract between the core and a plugin (such as ``resample_torch``).

A package that extends ``resample`` imports the public names of :mod:`resample`
and this module, nothing else: ``resample_torch`` does exactly that
(``tests/test_architecture.py`` checks it), so a plugin written outside this
repository can do everything it does. The core never imports a plugin; it asks
estimators for the two protocols below.

1. Fold batching. The core's cross-validation estimators ask the wrapped estimator
   whether it can fit every split at once; the core never imports torch or any other
   backend to do so. An estimator takes part by defining::

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
   adds it to the result's note (see :func:`fit_folds_reason`).

2. Stateless steps. A Pipeline's leading steps whose fit learns nothing from the
   rows (their transform is the same whatever subset they are fitted on) are
   computed once per run instead of once per split, the final refit included. A
   class declares it with the attribute ``__resample_stateless__``: True, or a
   property that inspects the instance (a frozen feature extractor sets it to False
   under random augmentation, which differs per fit). scikit-learn has no reliable
   tag for this (``PolynomialFeatures`` reports ``requires_fit=True``), so the core
   keeps a short allowlist of its own for scikit-learn's classes. See
   :func:`is_stateless`.

3. Helpers a plugin may use, so that its estimators behave as the core's do:

   - seeds and child streams: :func:`as_generator` (``random_state``/``rng`` to a
     Generator, refusing legacy ``RandomState`` with a hint), :func:`int_seed` (an
     int for APIs that need one, such as torch), :func:`spawn` (child streams);
   - progress: :func:`check_progress`, :func:`progress_bar` (tqdm on stderr, or silent);
   - plots: :func:`import_pyplot` (``matplotlib.pyplot``, or an ImportError that names
     the ``plot`` extra);
   - validation, in the core's message style (the parameter, the value, what is
     allowed): :func:`validate_parameters` with the constraint vocabulary of
     scikit-learn (:class:`Interval`, :class:`StrOptions`, :class:`Options`,
     :class:`HasMethods`; the same rules the core's estimators declare in
     ``_parameter_constraints``), :func:`check_int`, and :func:`short_repr` for
     values in messages.
"""

from resample._model_selection.stateless import is_stateless
from resample._plotting import import_pyplot
from resample._utils.checks import check_int, short_repr
from resample._utils.progress import check_progress, progress_bar
from resample._utils.random import as_generator, int_seed, spawn
from resample._utils.sklearn_compat import HasMethods, Interval, Options, StrOptions, validate_parameters

__all__ = [
    "supports_fit_folds",
    "fit_folds",
    "fit_folds_reason",
    "is_stateless",
    "as_generator",
    "int_seed",
    "spawn",
    "check_progress",
    "progress_bar",
    "import_pyplot",
    "validate_parameters",
    "Interval",
    "StrOptions",
    "Options",
    "HasMethods",
    "check_int",
    "short_repr",
]


def fit_folds_reason(estimator):
    """The estimator's own account of why it batches or declines, or None."""
    explain = getattr(estimator, "fit_folds_reason", None)
    return str(explain()) if callable(explain) else None


def supports_fit_folds(estimator):
    """Whether ``estimator`` implements the fold-batching protocol.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> supports_fit_folds(LinearRegression())
    False
    """
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
