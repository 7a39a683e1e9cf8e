"""The bootstrap of a fitted model: standard errors and intervals of its attributes.

Resampling cases (rows) by default, within strata when given; residuals, modified
residuals (Davison & Hinkley 1997, section 6.2.3, algorithms 6.1-6.3) or the wild
bootstrap (Wu 1986, Liu 1988, Mammen 1993) as options. Resamples come in blocks of
:data:`resample._utils.random.BLOCK_SIZE`, one child stream each, so ``n_jobs`` never
changes the result.

For least-squares models (``LinearRegression``, ``Ridge``) no model is refitted: a
resample of cases is a vector of counts ``w`` and its normal equations are
``sum_i w_i z_i z_i' beta = sum_i w_i z_i y_i``, so one matrix product of the counts
with a precomputed table of the rows' ``z_i z_i'`` and ``z_i y_i`` gives every
resample's equations at once, and a batched solve their coefficients. Residual
resampling keeps the design fixed: ``beta*_b = P y*_b`` with one projection ``P``.
"""

import math
import numbers

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_regressor
from sklearn.utils import indexable
from sklearn.utils.validation import check_is_fitted

from resample._bootstrapping.intervals import (
    _quantiles,
    acceleration_from_influence,
    bca_extension,
)
from resample._bootstrapping.jackknife import _leave_one_out_rows, influence_values
from resample._bootstrapping.linear_resamples import (
    MAX_CONDITION,
    LinearResamples,
    as_attributes,
    least_squares_penalty,
    solve_blocks,
)
from resample._bootstrapping.refits import (
    attribute_names,
    fit_block,
    fit_drawn_block,
    fitted_attribute,
    indexed_block,
)
from resample._bootstrapping.result import summarize
from resample._bootstrapping.residual_schemes import least_squares_leverages, resampled_residuals
from resample._bootstrapping.row_samplers import WILD_WEIGHTS, row_sampler
from resample._model_selection.results import ConfidenceInterval
from resample._model_selection.stateless import split_stateless_prefix
from resample._utils.checks import (
    MAX_RESAMPLES,
    check_confidence_level,
    check_data,
    check_estimator,
    check_option,
)
from resample._utils.notes import Note, NoteKind
from resample._utils.progress import parallel_with_progress, require_tqdm
from resample._utils.random import BLOCK_SIZE, as_generator, int_seed, spawn
from resample._utils.sklearn_compat import (
    HasMethods,
    Interval,
    ParameterValidationMixin,
    StrOptions,
    delegated_tags,
)

__all__ = ["BootstrapEstimator"]

#: Interval methods available for fitted attributes (studentized would need a
#: standard error within every resample).
ATTRIBUTE_METHODS = ("percentile", "basic", "normal", "bca")

class BootstrapEstimator(ParameterValidationMixin, MetaEstimatorMixin, BaseEstimator):
    """Bootstrap standard errors and intervals of a fitted model's attributes.

    The estimator is fitted on ``n_resamples`` bootstrap resamples and once on all
    the data (``estimator_``, used by ``predict``); the spread of each attribute
    over the resamples gives its standard error and interval (ISLR section 5.2,
    5.3.4). ``LinearRegression`` and ``Ridge``, alone or after stateless Pipeline
    steps (``PolynomialFeatures``...), are solved for all resamples at once in
    batched linear algebra instead of refitted. For a Pipeline, attributes are read
    from its final step.

    Parameters
    ----------
    estimator : estimator object
        Cloned before every fit; the caller's object is never changed.
    n_resamples : int, default=1000
    resampling : {"cases", "residuals", "modified_residuals", "wild"}, default="cases"
        "cases" resamples rows ``(x_i, y_i)`` (within strata when ``fit`` gets
        ``strata``). "residuals" (regressors only) keeps X and refits on ``fitted +
        resampled residuals`` (raw residuals of the full fit, centred; Davison &
        Hinkley 1997, algorithm 6.1 without the leverage adjustment), which assumes
        constant variance. "modified_residuals" (``LinearRegression`` and ``Ridge``)
        resamples the leverage-adjusted residuals ``e_i / sqrt(1 - h_ii)``, centred
        (D&H algorithm 6.3), whose variance is the error variance at every row.
        "wild" keeps every row's own residual and multiplies it by a random weight
        of mean 0 and variance 1, ``y*_i = fitted_i + e_i v_i`` (Wu 1986, Liu 1988):
        valid under heteroscedastic errors, where residual resampling is not.
    wild_weights : {"rademacher", "mammen"}, default="rademacher"
        The weights ``v`` of ``resampling="wild"``: +-1 with probability 1/2, or
        Mammen's (1993) two-point weights with third moment 1.
    attributes : list of str or None, default=None
        Fitted attributes to bootstrap; None: those of ``coef_`` and ``intercept_``
        that the fitted estimator has.
    method : {"percentile", "basic", "normal", "bca"}, default="percentile"
        Interval method of :meth:`confidence_interval` (see :func:`resample.bootstrap`).
        BCa's acceleration comes from the attributes without each row: in closed form
        for least squares, else from ``n`` jackknife refits (made only when
        ``method="bca"``).
    confidence_level : float, default=0.95
    batched : "auto" or False, default="auto"
        "auto" solves least-squares models in batch (and falls back to refits on an
        ill-conditioned design, saying so in ``notes_``); False always refits.
    n_jobs : int or None, default=None
        Blocks of refits run in parallel through joblib; results do not depend on it.
    random_state : int, numpy.random.Generator or None, default=None
    progress : bool, default=False
        Show a progress bar (tqdm) over the blocks of refits. Silent by default.

    Attributes
    ----------
    estimator_ : estimator
        Fitted on all the data.
    results_ : dict of str to BootstrapResult
        Per attribute: estimate (the full-data value), standard error, bias,
        interval and ``bootstrap_distribution`` (resamples on the last axis).
    standard_errors_ : dict of str to float or ndarray
    coef_, intercept_ : ndarray
        Those of ``estimator_`` when bootstrapped.
    computation_ : str
        "batched least squares" or "refits".
    notes_ : tuple of str

    Examples
    --------
    ISLR section 5.3.4: bootstrap standard errors of ``mpg ~ horsepower``.

    >>> from sklearn.linear_model import LinearRegression
    >>> from resample import BootstrapEstimator
    >>> from resample.datasets import load_auto
    >>> auto = load_auto()
    >>> be = BootstrapEstimator(LinearRegression(), n_resamples=2000, random_state=0)
    >>> be = be.fit(auto[["horsepower"]], auto["mpg"])
    >>> round(float(be.standard_errors_["intercept_"]), 2), be.computation_
    (0.85, 'batched least squares')
    >>> low, high = be.confidence_interval("coef_")
    >>> bool(low[0] < be.coef_[0] < high[0])
    True
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "n_resamples": [Interval(numbers.Integral, 1, MAX_RESAMPLES, closed="both")],
        "resampling": [StrOptions({"cases", "residuals", "modified_residuals", "wild"})],
        "wild_weights": [StrOptions(set(WILD_WEIGHTS))],
        "attributes": [list, tuple, None],
        "method": [StrOptions(set(ATTRIBUTE_METHODS))],
        "confidence_level": [Interval(numbers.Real, 0, 1, closed="neither")],
        "batched": [StrOptions({"auto"}), "boolean"],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state", np.random.Generator],
        "progress": ["boolean"],
    }

    def __init__(
        self,
        estimator,
        *,
        n_resamples=1000,
        resampling="cases",
        wild_weights="rademacher",
        attributes=None,
        method="percentile",
        confidence_level=0.95,
        batched="auto",
        n_jobs=None,
        random_state=None,
        progress=False,
    ):
        self.estimator = estimator
        self.n_resamples = n_resamples
        self.resampling = resampling
        self.wild_weights = wild_weights
        self.attributes = attributes
        self.method = method
        self.confidence_level = confidence_level
        self.batched = batched
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.progress = progress

    def fit(self, X, y, strata=None):
        """Fit on all data and on every bootstrap resample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        strata : array-like of shape (n_samples,) or None, default=None
            With ``resampling="cases"``: resample within each stratum, keeping the
            stratum sizes (e.g. ``strata=y`` keeps the class counts of a classifier).

        Returns
        -------
        self
        """
        self._validate_params()
        check_estimator(self.estimator)
        require_tqdm(self.progress)  # its type is in _parameter_constraints
        n = check_data(X, y, estimator=self.estimator)
        if self.resampling != "cases" and not is_regressor(self.estimator):
            raise ValueError(
                f"resampling={self.resampling!r} needs a regressor; {type(self.estimator).__name__} is not one. "
                "Use resampling='cases'."
            )
        draw = row_sampler(self.resampling, self.wild_weights, strata, n)
        X, y = indexable(X, y)
        rng = as_generator(self.random_state)
        self._coefficients = self._prefix = None  # set by the batched path
        self.estimator_ = clone(self.estimator).fit(X, y)
        names = attribute_names(self.estimator_, self.attributes)
        shapes = {name: np.shape(fitted_attribute(self.estimator_, name)) for name in names}
        fitted = residuals = None
        raw = None
        if is_regressor(self.estimator):  # centred residuals of the full fit
            target = np.asarray(y, dtype=float)
            fitted = np.asarray(self.estimator_.predict(X), dtype=float).reshape(target.shape)
            raw = target - fitted
            residuals = raw - raw.mean(axis=0)
        self._residuals = residuals  # for prediction intervals
        if self.resampling == "cases":
            fitted = residuals = None
        self._prediction_seed = int_seed(rng)

        notes = []
        solver = self._batched_solver(X, y, names, notes)
        residuals = resampled_residuals(self.resampling, self.wild_weights, raw, residuals, notes,
                                        lambda: least_squares_leverages(self.estimator, self.estimator_, X, y))
        children = spawn(rng, math.ceil(self.n_resamples / BLOCK_SIZE))
        sizes = [min(BLOCK_SIZE, self.n_resamples - k * BLOCK_SIZE) for k in range(len(children))]
        if solver is not None:
            blocks = (draw(child, m, n) for child, m in zip(children, sizes))
            draws = self._solve_batched(solver, blocks, fitted, residuals, shapes)
            self.computation_ = "batched least squares"
        else:
            starts = np.cumsum([0] + sizes[:-1])
            blocks = [(self.estimator, X, y, c, m, int(s)) for c, m, s in zip(children, sizes, starts)]
            rest = (names, shapes, fitted, residuals, draw)
            if self.progress:  # streamed back as blocks finish, so the bar moves under n_jobs > 1
                jobs = (delayed(indexed_block)(k, *block, *rest) for k, block in enumerate(blocks))
                parts = parallel_with_progress(jobs, self.n_jobs, len(blocks), desc="resample blocks")
            else:
                parts = Parallel(n_jobs=self.n_jobs)(delayed(fit_drawn_block)(*block, *rest) for block in blocks)
            draws = {name: np.concatenate([p[name] for p in parts]) for name in names}  # (B, *shape)
            self.computation_ = "refits"
        # BCa's acceleration needs each attribute without each row: in closed form for
        # least squares (so always kept), by n jackknife refits otherwise (only for BCa).
        self._loo = self._leave_one_out(solver, X, y, names, shapes, n)
        self.results_ = {name: self._summarize(name, draws[name], self.method, self.confidence_level, notes) for name in names}
        self.standard_errors_ = {name: r.standard_error for name, r in self.results_.items()}
        for name in names:
            setattr(self, name, fitted_attribute(self.estimator_, name))
        self.notes_ = tuple(notes)
        return self

    def _summarize(self, name, draws, method, level, notes=()):
        """The BootstrapResult of one attribute from its draws ``(B, *shape)``."""
        extend = None
        if method == "bca":
            loo = np.moveaxis(self._loo[name], 0, -1)  # (*shape, n)
            how = "BCa acceleration from " + self._loo["how"]
            extend = bca_extension(lambda: (acceleration_from_influence([influence_values(loo)], [loo.shape[-1]]), how))
        estimate = np.asarray(fitted_attribute(self.estimator_, name), dtype=float)
        return summarize(
            estimate, np.moveaxis(draws, 0, -1), method=method, confidence_level=level, extend=extend, notes=notes, what=name
        )

    def _leave_one_out(self, solver, X, y, names, shapes, n):
        """Each attribute without each row, ``(n, *shape)``, and how they were found; None
        when there is no closed form and BCa was not asked for."""
        beta = solver.leave_one_out() if solver is not None else None
        if beta is not None:
            coef, intercept = solver.attributes(beta)
            loo = as_attributes(coef, intercept, shapes)
            return {**loo, "how": "closed-form leave-one-out coefficients"}
        if self.method != "bca":
            return None
        parts = Parallel(n_jobs=self.n_jobs)(
            delayed(fit_block)(
                self.estimator, X, y, _leave_one_out_rows(n, s, min(n, s + BLOCK_SIZE)), s, names, shapes,
                None, None, "jackknife fit without row",
            )
            for s in range(0, n, BLOCK_SIZE)
        )
        loo = {name: np.concatenate([p[name] for p in parts]) for name in names}
        return {**loo, "how": f"{n} jackknife refits"}

    def _batched_solver(self, X, y, names, notes):
        """The batched solver for a least-squares model (after stateless Pipeline steps), or None."""
        prefix, rest = split_stateless_prefix(self.estimator)
        penalty = least_squares_penalty(rest)
        if self.batched is False or penalty is None or not set(names) <= {"coef_", "intercept_"}:
            return None
        # the fitted stateless steps of estimator_ give the same transform as any refit of them
        self._prefix = self.estimator_[: len(prefix)] if prefix else None
        try:
            Xa = np.asarray(self._prefix.transform(X) if prefix else X, dtype=float)
            ya = np.asarray(y, dtype=float)
        except (TypeError, ValueError):
            return None
        if Xa.ndim != 2 or ya.ndim not in (1, 2):
            return None
        solver = LinearResamples(Xa, ya, penalty, rest.fit_intercept)
        if not solver.condition < MAX_CONDITION:
            notes.append(Note(
                NoteKind.BATCH_DECLINED,
                f"design condition number {solver.condition:.2g} is too large for batched normal "
                "equations: refitted each resample instead",
            ))
            return None
        return solver

    def _solve_batched(self, solver, blocks, fitted, residuals, shapes):
        self._coefficients = solve_blocks(solver, blocks, fitted, residuals)  # (B, k, p), (B, k)
        return as_attributes(*self._coefficients, shapes)

    def confidence_interval(self, attribute, confidence_level=None, method=None):
        """Interval of a bootstrapped attribute, from the stored draws (no refits).

        Parameters
        ----------
        attribute : str
            One of ``results_``'s keys, e.g. ``"coef_"``.
        confidence_level : float or None, default=None
            None: the ``confidence_level`` given at construction.
        method : {"percentile", "basic", "normal", "bca"} or None, default=None
            None: the ``method`` given at construction. "bca" needs the leave-one-out
            attributes: always there for least squares, else only after a fit with
            ``method="bca"``.

        Returns
        -------
        ConfidenceInterval
            Arrays of the attribute's shape, or floats.
        """
        check_is_fitted(self, "results_")
        if attribute not in self.results_:
            raise ValueError(
                f"attribute={attribute!r} was not bootstrapped; choose one of {sorted(self.results_)}."
            )
        level = check_confidence_level(self.confidence_level if confidence_level is None else confidence_level)
        method = check_option(self.method if method is None else method, "method", ATTRIBUTE_METHODS)
        if method == "bca" and self._loo is None:
            raise ValueError(
                "method='bca' needs each attribute without each row (n jackknife refits for this "
                "estimator); fit with method='bca' to compute them."
            )
        draws = np.moveaxis(self.results_[attribute].bootstrap_distribution, -1, 0)
        return self._summarize(attribute, draws, method, level).confidence_interval

    def predict(self, X):
        """Predict with the model fitted on all data."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict(X)

    def score(self, X, y):
        """``score`` of the model fitted on all data."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.score(X, y)

    @property
    def n_features_in_(self):
        """Number of features seen by the model fitted on all data."""
        try:
            check_is_fitted(self, "estimator_")
        except Exception as exc:
            raise AttributeError(f"{type(self).__name__} has no n_features_in_ before fit.") from exc
        return self.estimator_.n_features_in_

    def __sklearn_tags__(self):
        return delegated_tags(super().__sklearn_tags__(), self.estimator)

    def predict_interval(self, X, confidence_level=None, kind="prediction"):
        """Bootstrap intervals for predictions at ``X`` (regressors).

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
        confidence_level : float or None, default=None
        kind : {"prediction", "mean"}, default="prediction"
            "mean": percentile interval of the bootstrap models' predictions (the
            regression function at X). "prediction": for a new response at X, from
            the bootstrap prediction errors ``delta*_b = yhat*_b(x) - (yhat(x) + e*_b)``
            with ``e*`` drawn from the centred residuals of the full fit (Davison &
            Hinkley 1997, algorithm 6.4): ``(yhat(x) - delta*(1 - a/2), yhat(x) - delta*(a/2))``.

        Returns
        -------
        ConfidenceInterval of ndarrays of shape (n_queries,)
        """
        check_is_fitted(self, "estimator_")
        check_option(kind, "kind", ("prediction", "mean"))
        level = check_confidence_level(self.confidence_level if confidence_level is None else confidence_level)
        if self._coefficients is None:
            raise ValueError(
                "predict_interval needs the bootstrap models' coefficients, which only the batched "
                f"least-squares path keeps (computation_={self.computation_!r}); use LinearRegression or "
                "Ridge with batched='auto'."
            )
        Xq = np.asarray(X if self._prefix is None else self._prefix.transform(X), dtype=float)
        coef, intercept = self._coefficients  # (B, k, p), (B, k)
        boot = np.einsum("qp,bkp->qkb", Xq, coef) + intercept.T[None]  # (n_q, k, B)
        center = np.asarray(self.estimator_.predict(X), dtype=float).reshape(len(Xq), -1)  # (n_q, k)
        tails = np.array([(1 - level) / 2, (1 + level) / 2])
        if kind == "mean":
            low, high = _quantiles(boot, tails)
        else:
            residuals = self._residuals
            rng = np.random.default_rng(self._prediction_seed)
            e = residuals.reshape(len(residuals), -1)[rng.integers(0, len(residuals), boot.shape[-1])]  # (B, k)
            delta = boot - (center[..., None] + e.T[None])
            d_low, d_high = _quantiles(delta, tails)
            low, high = center - d_high, center - d_low
        shape = (len(Xq),) if coef.shape[1] == 1 and np.ndim(self._residuals) == 1 else center.shape
        return ConfidenceInterval(low.reshape(shape), high.reshape(shape))
