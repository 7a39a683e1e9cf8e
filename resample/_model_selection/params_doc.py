"""The numpydoc text of the parameters and attributes every CV estimator shares."""

__all__ = ["SHARED_PARAMETERS_DOC"]

SHARED_PARAMETERS_DOC = """
    scoring : str, callable, list, tuple, dict or None, default=None
        What scikit-learn's ``scoring`` takes: a scorer name, a callable
        ``scorer(estimator, X, y)``, or several metrics as ``cross_validate``
        takes them (a list of names, or a dict of names to scorers). None uses
        the estimator's ``score``. With several metrics each gets its own
        estimate, standard error and interval in ``results_``; ``estimate_``,
        ``result_`` and ``score`` report the primary one (``refit``'s, else the
        first). No split is fitted twice: the closed form gives every metric of
        ``predict`` (squared or absolute error, R^2...) for least-squares models,
        and otherwise one fit per split is scored on every metric.
    n_jobs : int or None, default=None
        Splits fitted in parallel through joblib (so a Dask or Ray joblib backend
        scales out unchanged). Results do not depend on it.
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the splits.
    error_score : "raise" or float, default="raise"
        "raise" re-raises the first failing fit, with a note naming its split. A
        number records it as that split's score; failed splits are left out of the
        estimate and listed in ``result_.notes``.
    refit : bool or str, default=True
        Fit the estimator on all the data afterwards (``estimator_``; ``predict``
        and friends use it). With several metrics, a metric's name also makes it
        the primary one (as ``GridSearchCV``'s ``refit``).
    return_estimator : bool, default=False
        Keep the fold models in ``estimators_`` (and ``cv_results_["estimator"]``).
    return_train_score : bool, default=False
        Also score each split's model on its own training rows
        (``result_.train_scores``, ``cv_results_["train_<name>"]``), as
        ``cross_validate``. The closed form computes them without a refit on
        k-fold and leave-one-out splits.
    batch_folds : "auto" or False, default="auto"
        When the estimator implements ``fit_folds`` (the fold-batching protocol of
        :mod:`resample._protocol`) "auto" lets it fit all splits at once.
    shortcut : "auto", True, False or "approximate", default="auto"
        Exact closed form for least-squares models (``LinearRegression``, ``Ridge``,
        alone or after stateless Pipeline steps) with squared-error scoring: no
        refits. "auto" uses it when valid, True requires it (and says why not),
        False always refits. Where the estimator's own solver disagrees with exact
        least squares (ill-conditioned designs) a ``ShortcutWarning`` says so and
        ``result_.notes`` records it. "approximate" (opt-in, leave-one-out splits
        only): ``LogisticRegression`` and ``PoissonRegressor`` with an L2 penalty
        by one Newton step per row from the fit on all rows (Rad & Maleki 2020),
        O(n p^2) with no refits but 20 exact refits on random rows (seeded by
        ``random_state``) whose differences ``result_.notes`` reports; see
        ``docs/approximate_loo.md``. ``result_.computation`` is then "approximate".
    progress : bool, default=False
        Show a progress bar (tqdm, on stderr) over the split fits, also under
        ``n_jobs > 1``. The closed form and batched fold fits have no per-split
        work to follow and show none. Silent by default.

    memory : str, path-like, joblib.Memory or None, default=None
        A directory (a joblib.Memory gives its ``location``) where each finished
        split is stored as soon as it finishes. Running the same call again after
        a crash or an interrupt recomputes only the splits that had not finished
        (and any that failed), and gives the identical result. Trust model: the
        directory is treated as untrusted. Scores, per-sample values and
        predictions are stored as JSON and ``.npy`` (read without pickles); a fold
        model is pickled only with ``return_estimators=True``; every entry is
        signed with an HMAC whose key lives outside the directory (in
        ``~/.config/resample/cache-key``, or ``$XDG_CONFIG_HOME/resample``, or the
        file ``$RESAMPLE_CACHE_KEY_FILE``; created on first use, mode 0600), and an
        entry that fails it is never loaded: it is discarded with a
        ``CacheWarning`` and recomputed. An entry's key covers the data, the
        split, the estimator's parameters, the source of its classes and modules,
        the scorer and the versions of Python and the computing packages, so
        edited code or upgraded packages recompute. Anyone who can read the key
        file can forge entries: keep it private. See ``docs/caching.md``.
    return_estimators : bool
        Deprecated since 0.2 (removed in 0.3): the old name of
        ``return_estimator``, which is scikit-learn's; it still works, with a
        ``FutureWarning``.

    Attributes
    ----------
    estimate_ : float
        Resampling estimate of the score, in the scorer's units and sign (for
        ``neg_mean_squared_error`` minus the MSE). Per-sample metrics pool all
        held-out values (the mean over all held-out rows, so each split weighs by
        its test size); other metrics average split scores weighted by test size.
        With equal test sizes both equal ``mean_score_``; with unequal folds they
        do not.
    mean_score_ : float
        The plain mean of the split scores (failed splits left out): ISLR's eq. 5.3
        ``CV_(k) = mean of the fold errors``, and what
        ``cross_val_score(...).mean()`` gives on the same splits.
    standard_error_ : float
        Naive standard error: std of the split scores over sqrt(number of splits);
        for LOOCV with a per-sample metric, std of the per-sample values over
        sqrt(n). It ignores that training sets overlap, so it is an approximation
        that tends to be too small. With ``interval="nested"`` (KFoldCV) it is the
        nested-CV standard error instead.
    naive_standard_error_ : float
        The naive standard error, whatever ``interval`` is.
    nested_ : NestedCVResult or None
        The nested-CV estimates (``interval="nested"``), else None.
    scores_ : ndarray of shape (n_splits,)
    result_ : CVResult
        The primary metric's result.
    results_ : CVResults
        Metric name -> CVResult, in the order of ``scoring`` (the only key is
        ``"score"`` when ``scoring`` is one metric, as in ``cross_validate``).
    cv_results_ : dict
        ``cross_validate``'s dict on the same splits: ``fit_time``,
        ``score_time``, ``test_<name>`` (``test_score`` for one metric),
        ``train_<name>`` (``return_train_score=True``) and ``estimator``
        (``return_estimator=True``); ``pandas.DataFrame(cv_results_)`` is a table.
    estimator_ : estimator
        The model refit on all data (``refit=True``).
    estimators_ : list of estimators
        The fold models (``return_estimator=True``).
    n_splits_ : int
    scorer_ : callable
        The primary metric's scorer (``score`` uses it).
    scorers_ : dict
        Metric name -> scorer.
"""
