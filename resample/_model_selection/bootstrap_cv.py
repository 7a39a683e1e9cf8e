"""The bootstrap estimate of test error: leave-one-out bootstrap, .632 and .632+.

Efron, B. & Tibshirani, R. (1997). Improvements on cross-validation: the .632+
bootstrap method. JASA 92(438), 548-560. Fitting, scoring and pooling per split are
:class:`resample._model_selection.base.BaseCV`'s; this module only draws the bootstrap splits
and combines the pooled out-of-bag values with the training error.
"""

import numbers
from dataclasses import replace

import numpy as np
from sklearn.base import clone

from resample._model_selection.base import BaseCV
from resample._model_selection.engine import as_index
from resample._model_selection.multimetric import check_multimetric_scoring, is_multimetric
from resample._bootstrapping.schemes import Strata
from resample._model_selection.params_doc import SHARED_PARAMETERS_DOC
from resample._model_selection.results import normal_interval
from resample._model_selection.scoring import pointwise_metric, score_split
from resample._utils.checks import MAX_RESAMPLES, check_estimator, check_scoring, num_samples
from resample._utils.notes import Note, NoteKind
from resample._utils.deprecation import DEPRECATED
from resample._utils.random import as_generator, int_seed
from resample._utils.sklearn_compat import Interval, StrOptions
from resample.splitters import BootstrapSplit

__all__ = ["BootstrapCV"]

METHODS = ("oob", ".632", ".632+")


def _squared_error_rate(y, response, classes):
    """(1/n^2) sum_i sum_j (y_i - f(x_j))^2 in O(n): E&T (1997), eq. 27 for squared error."""
    y = np.asarray(y, dtype=float).reshape(len(response), -1)
    f = np.asarray(response, dtype=float).reshape(len(response), -1)
    gamma = (y**2).mean(axis=0) - 2 * y.mean(axis=0) * f.mean(axis=0) + (f**2).mean(axis=0)
    return float(gamma.mean())


def _zero_one_rate(y, response, classes):
    """sum_l p_l (1 - q_l), p and q the observed and predicted class shares: E&T (1997), eq. 28."""
    labels, y_codes = np.unique(np.concatenate([np.asarray(y), np.asarray(response)]), return_inverse=True)
    n = len(y)
    p = np.bincount(y_codes[:n], minlength=len(labels)) / n
    q = np.bincount(y_codes[n:], minlength=len(labels)) / n
    return float((p * (1 - q)).sum())


def _log_loss_rate(y, response, classes):
    """-(1/n^2) sum_i sum_j log P_j(y_i) = -sum_l p_l mean_j log P_j(l), in O(n k)."""
    proba = np.asarray(response, dtype=float)
    eps = np.finfo(proba.dtype).eps
    mean_log = np.log(np.clip(proba, eps, 1 - eps)).mean(axis=0)  # (k,)
    columns = np.searchsorted(classes, np.asarray(y))
    p = np.bincount(columns, minlength=len(classes)) / len(y)
    return float(-(p * mean_log).sum())


# per-sample metric -> (value to loss, no-information rate or None). Values are in
# the scorer's sign: minus a loss for neg_* scorers, a hit (1 - 0/1 loss) for accuracy.
_LOSSES = {
    "mean_squared_error": (lambda v: -v, _squared_error_rate),
    "log_loss": (lambda v: -v, _log_loss_rate),
    "accuracy": (lambda v: 1 - v, _zero_one_rate),
    "mean_absolute_error": (lambda v: -v, None),
}
_FROM_LOSS = {"accuracy": lambda loss: 1 - loss}


class BootstrapCV(BaseCV):
    __doc__ = (
        """Bootstrap estimate of test error: out-of-bag, .632 or .632+ (ISLR section 5.2).

    The estimator is fitted on ``n_resamples`` bootstrap samples of the rows and
    scored on the rows each one left out (about 36.8%). ``"oob"`` is the
    leave-one-out bootstrap ``Err^(1)`` of Efron & Tibshirani (1997), eq. 7: each
    row's loss averaged over the models that did not see it, then over rows. It is
    pessimistic (each model sees only about 63.2% of distinct rows); ``".632"`` mixes
    it with the optimistic training error, ``0.368 err + 0.632 Err^(1)`` (eq. 24);
    ``".632+"`` raises the weight when the model overfits (eqs. 27-32, read below).

    The .632+ rule as computed here, from Efron & Tibshirani (1997), section 3:

    - ``gamma``, the no-information error rate (eq. 27; eq. 28 for 0-1 loss): the
      loss of the all-data model's predictions against every target,
      ``(1/n^2) sum_i sum_j Q(y_i, f(x_j))``, computed in O(n k) from class or
      response shares, never from all n^2 pairs;
    - ``Err^(1)' = min(Err^(1), gamma)`` and the relative overfitting rate
      ``R' = (Err^(1)' - err) / (gamma - err)`` when ``Err^(1) > err`` and
      ``gamma > err``, else 0, so ``R'`` lies in [0, 1] (eq. 31);
    - ``Err^(.632+) = Err^(.632) + (Err^(1)' - err) * 0.368 * 0.632 * R' / (1 - 0.368 R')``
      (eq. 32), where ``Err^(.632) = 0.368 err + 0.632 Err^(1)`` (eq. 24) keeps the
      *uncapped* ``Err^(1)``: only the correction term uses the capped one.

    Where ``Err^(1) <= gamma`` this is ``(1 - w) err + w Err^(1)`` with
    ``w = 0.632 / (1 - 0.368 R)`` (eq. 29); where ``Err^(1) > gamma`` it is
    ``0.632 Err^(1) + 0.368 gamma``. Capping ``Err^(1)`` in both terms instead gives
    ``min(Err^(1), gamma)``, which is biased low when the features carry no
    information (``Err^(1)`` and ``gamma`` then both scatter around the true error,
    and the minimum of the two sits below it). R's ``ipred::errorest(...,
    estimator = "632plus")`` (``bootest.factor`` with ``bc632plus = TRUE``, 0-1 loss
    only) computes the same eq. 32, except that it forms ``R`` from the uncapped
    ``Err^(1)``, so its ``R`` exceeds 1 when ``Err^(1) > gamma``; the two agree
    whenever ``Err^(1) <= gamma``. We keep the paper's ``R'``.

    Only metrics that are a mean of a per-sample loss are allowed: squared error,
    0-1 loss (``accuracy``), log loss, and for "oob" and ".632" absolute error. The
    result is reported in the scorer's own sign, as for the other CV classes.

    Parameters
    ----------
    estimator : estimator object
        Cloned before every fit; the caller's object is never changed.
    n_resamples : int, default=200
        Bootstrap fits (E&T 1997 use 50 to 200).
    method : {"oob", ".632", ".632+"}, default=".632+"
"""
        + SHARED_PARAMETERS_DOC.replace(
            """    shortcut : "auto", True or False, default="auto"
        Exact closed form for least-squares models (``LinearRegression``, ``Ridge``,
        alone or after stateless Pipeline steps) with squared-error scoring: no
        refits. "auto" uses it when valid, True requires it (and says why not),
        False always refits. Where the estimator's own solver disagrees with exact
        least squares (ill-conditioned designs) a ``ShortcutWarning`` says so and
        ``result_.notes`` records it.
""",
            "",
        )
        + """    error_rates_ : dict
        The ingredients, as losses: ``training`` (err), ``leave_one_out_bootstrap``
        (Err^(1), uncapped), and for ".632+" ``no_information`` (gamma),
        ``relative_overfitting`` (R', in [0, 1]) and ``weight`` (the weight of
        ``Err^(1)`` in the estimate: ``0.632 / (1 - 0.368 R')``, or 0.632 where
        ``Err^(1) > gamma`` and the rest of the estimate is ``0.368 gamma``).

    Notes
    -----
    ``standard_error_`` is naive: the spread of the rows' out-of-bag losses over
    sqrt(number of rows), times the weight of ``Err^(1)`` in the estimate. It ignores
    the correlation between rows and the training error's own variability.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn.datasets import load_iris
    >>> from resample import BootstrapCV
    >>> X, y = load_iris(return_X_y=True)
    >>> cv = BootstrapCV(KNeighborsClassifier(1), n_resamples=50, method=".632+",
    ...                  scoring="accuracy", random_state=0).fit(X, y)
    >>> 0.9 < cv.estimate_ < 1.0, cv.error_rates_["training"]
    (True, 0.0)
    """
    )

    _parameter_constraints = {
        **{k: v for k, v in BaseCV._parameter_constraints.items() if k != "shortcut"},
        "n_resamples": [Interval(numbers.Integral, 1, MAX_RESAMPLES, closed="both")],
        "method": [StrOptions(set(METHODS))],
    }
    _method = "bootstrap"
    # The closed form of the CV base assumes training = complement of test; bootstrap
    # training sets repeat rows, so every split is refitted.
    shortcut = False

    def __init__(
        self,
        estimator,
        *,
        n_resamples=200,
        method=".632+",
        scoring=None,
        n_jobs=None,
        random_state=None,
        error_score="raise",
        refit=True,
        return_estimator=False,
        return_train_score=False,
        batch_folds="auto",
        progress=False,
        memory=None,
        return_estimators=DEPRECATED,
    ):
        self.estimator = estimator
        self.n_resamples = n_resamples
        self.method = method
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.error_score = error_score
        self.refit = refit
        self.return_estimator = return_estimator
        self.return_train_score = return_train_score
        self.return_estimators = return_estimators
        self.batch_folds = batch_folds
        self.progress = progress
        self.memory = memory

    def fit(self, X, y=None, groups=None, strata=None, **fit_params):
        """Fit on every bootstrap sample, score out of bag, and combine (see class notes).

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        groups : ignored
        strata : array-like of shape (n_samples,) or None, default=None
            Draw every bootstrap sample within strata, keeping their sizes (e.g.
            ``strata=y``: every training set has the class counts of the data).
        **fit_params : passed to every fit

        Returns
        -------
        self
        """
        self._validate_params()
        check_estimator(self.estimator)
        if y is None:
            raise ValueError(
                "BootstrapCV requires y to be passed, but the target y is None: the bootstrap error rates "
                "compare predictions with targets."
            )
        if is_multimetric(self.scoring):  # every metric must be a per-sample loss; fails before any fit
            for scorer in check_multimetric_scoring(self.estimator, self.scoring).values():
                self._loss_name(scorer)
        else:
            self._loss_name(check_scoring(self.estimator, self.scoring))
        self._strata = None
        if strata is not None:
            labels = np.asarray(strata)
            n = num_samples(X)
            if labels.ndim != 1 or len(labels) != n:
                raise ValueError(f"strata must hold one label per row of X: shape ({n},); got shape {labels.shape}.")
            self._strata = Strata(labels)
            if self._strata.sizes.max() < 2:
                raise ValueError("strata has one row per stratum, so no bootstrap sample leaves a row out of bag.")
        return super().fit(X, y, groups, **fit_params)

    def _loss_name(self, scorer):
        point = pointwise_metric(scorer)
        name = point[0].name if point is not None else None
        if name not in _LOSSES:
            raise ValueError(
                f"scoring={self.scoring!r} is not a mean of a per-sample loss, so the bootstrap error rates "
                "are undefined for it. Allowed: 'neg_mean_squared_error', 'accuracy', 'neg_log_loss' "
                "(and 'neg_mean_absolute_error' for method='oob' or '.632')."
            )
        if self.method == ".632+" and _LOSSES[name][1] is None:
            raise ValueError(
                f"method='.632+' needs the no-information error rate, which is implemented for squared error, "
                f"0-1 loss and log loss, not for {name}. Use method='.632' or 'oob', or another scoring."
            )
        return name

    def _make_splits(self, X, y, groups, n, rng):
        if getattr(self, "_strata", None) is not None:
            return _stratified_splits(self._strata, self.n_resamples, as_generator(int_seed(rng))), np.zeros(
                self.n_resamples, dtype=int
            )
        splitter = BootstrapSplit(self.n_resamples, random_state=int_seed(rng))
        pairs = [(as_index(tr), as_index(te)) for tr, te in splitter.split(X)]
        return pairs, np.zeros(len(pairs), dtype=int)

    def _finish(self, run):
        """Combine the pooled out-of-bag values with the training error (E&T 1997)."""
        name = self._loss_name(run.scorer)
        to_loss, no_information = _LOSSES[name]
        result = run.result
        err1, se1, notes = _leave_one_out_bootstrap(result, to_loss)
        rates = {"leave_one_out_bootstrap": err1}
        loss, weight = err1, 1.0
        if self.method != "oob":
            model = self._full_model(run)
            train = score_split(model, run.Xt, run.y, run.scorer)
            err = float(to_loss(train.values).mean())
            rates["training"] = err
            if self.method == ".632":
                weight = 0.632  # eq. 24
                loss = (1 - weight) * err + weight * err1
            else:
                gamma = no_information(run.y, train.predictions, getattr(model, "classes_", None))
                r, weight, loss = _632_plus(err, err1, gamma)
                rates.update(no_information=gamma, relative_overfitting=r, weight=weight)
        estimate = float(_FROM_LOSS.get(name, lambda v: -v)(loss))
        se = weight * se1
        self.error_rates_ = rates
        method_note = Note(NoteKind.METHOD, f"bootstrap {self.method} estimate from {len(result.splits)} resamples")
        return replace(
            result,
            estimate=estimate,
            standard_error=se,
            confidence_interval=normal_interval(estimate, se, result.confidence_level),
            method=f"bootstrap {self.method}",
            notes=result.notes + notes + (method_note,),
        )

    def _full_model(self, run):
        """The model fitted on all rows, without its stateless prefix (fitted now if refit=False)."""
        if self.refit:
            return self.estimator_.steps[-1][1] if run.prefix else self.estimator_
        return clone(run.rest).fit(run.Xt, run.y, **run.fit_params)


def _stratified_splits(strata, n_resamples, generator):
    """Bootstrap samples drawn within strata, and their out-of-bag rows (redrawn if none)."""
    pairs = []
    while len(pairs) < n_resamples:
        train = strata.rows(generator, 1, np.int64)[0]
        in_bag = np.zeros(strata.n, dtype=bool)
        in_bag[train] = True
        if not in_bag.all():
            pairs.append((train, np.flatnonzero(~in_bag)))
    return pairs


def _leave_one_out_bootstrap(result, to_loss):
    """``Err^(1)``, E&T (1997) eq. 7: per row, mean loss over the models that left it out.

    Returns ``(err1, its naive standard error, notes)``.
    """
    n = result.splits.n_samples
    counts = np.bincount(result.sample_index, minlength=n)
    sums = np.bincount(result.sample_index, weights=to_loss(result.sample_values), minlength=n)
    seen = counts > 0
    per_row = sums[seen] / counts[seen]
    err1 = float(per_row.mean())
    se1 = float(per_row.std(ddof=1) / np.sqrt(len(per_row))) if len(per_row) > 1 else float("nan")
    notes = ()
    if (~seen).any():
        text = f"{int((~seen).sum())} rows were in every bootstrap sample and have no out-of-bag loss"
        notes = (Note(NoteKind.INFO, text),)
    return err1, se1, notes


def _632_plus(err, err1, gamma):
    """``(R', weight of Err^(1), loss)`` of the .632+ estimate, E&T (1997) eqs. 24, 31, 32.

    ``err1`` is the uncapped ``Err^(1)``; it enters ``Err^(.632)`` as it is, and only
    the correction term uses ``Err^(1)' = min(Err^(1), gamma)`` (see the class notes).
    """
    err1_capped = min(err1, gamma)  # eq. 31
    r = (err1_capped - err) / (gamma - err) if (err1 > err and gamma > err) else 0.0  # eq. 31: in [0, 1]
    err632 = 0.368 * err + 0.632 * err1  # eq. 24, uncapped Err^(1)
    shrink = 0.368 * 0.632 * r / (1 - 0.368 * r)
    loss = err632 + (err1_capped - err) * shrink  # eq. 32
    # d loss / d Err^(1) at fixed R': 0.632 / (1 - 0.368 R') below the cap, 0.632 above it
    weight = 0.632 + (shrink if err1 <= gamma else 0.0)
    return r, weight, loss
