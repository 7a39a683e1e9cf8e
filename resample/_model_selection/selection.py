"""The one-standard-error rule: the simplest model whose error is within one SE of the best.

ISLR section 6.1.3 (and Hastie, Tibshirani and Friedman, section 7.10): among a
family of models indexed by a complexity parameter, estimate each one's test error by
cross-validation, find the best, and choose the simplest model whose estimate lies
within one standard error of it. Two entry points:

- :func:`select_one_standard_error` over results this package computed (``CVResult``
  objects, or fitted CV estimators), returning a :class:`OneStandardErrorChoice`;
- :func:`one_standard_error_rule`, a factory whose result is a ``refit=`` callable for
  scikit-learn's ``GridSearchCV``.

Scores are in the scorer's sign (greater is better), as everywhere in this package.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from resample._model_selection.one_se import DIRECTIONS, choose
from resample._plotting import plot_family
from resample._utils.checks import check_option

__all__ = ["OneStandardErrorChoice", "select_one_standard_error", "one_standard_error_rule"]

@dataclass(frozen=True, eq=False)
class OneStandardErrorChoice:
    """The outcome of the one-standard-error rule over a family of models.

    Attributes
    ----------
    index : int
        Position of the chosen model in the family.
    value : object
        Its parameter value.
    best_index : int
        Position of the model with the best estimate.
    best_value : object
    threshold : float
        Best estimate minus its standard error: every model scoring at least this
        is within one standard error of the best.
    values : tuple
        The parameter values, in the family's order.
    estimates, standard_errors : ndarray
        Each model's estimate (scorer's sign, greater is better) and standard error.
    simpler : str
        "lower" or "higher": which direction of the parameter is simpler.
    """

    index: int
    value: object
    best_index: int
    best_value: object
    threshold: float
    values: tuple
    estimates: np.ndarray
    standard_errors: np.ndarray
    simpler: str
    results: tuple = field(default=(), repr=False)

    @property
    def within(self):
        """Boolean mask of the models within one standard error of the best."""
        return self.estimates >= self.threshold

    def to_frame(self):
        """One row per model: value, estimate, standard error, within one SE, chosen, best."""
        import pandas as pd

        n = len(self.values)
        return pd.DataFrame(
            {
                "value": list(self.values),
                "estimate": self.estimates,
                "standard_error": self.standard_errors,
                "within_one_se": self.within,
                "chosen": np.arange(n) == self.index,
                "best": np.arange(n) == self.best_index,
            }
        )

    def plot(self, ax=None, **kwargs):
        """Estimate against the parameter with one-SE bands, the best and the choice marked.

        Needs matplotlib; see :func:`resample.plotting.plot_family` for the keywords.
        Returns the matplotlib Axes.
        """
        results = [
            r if hasattr(r, "estimate") or hasattr(r, "estimate_") else SimpleNamespace(estimate=e, standard_error=s)
            for r, e, s in zip(self.results or [None] * len(self.values), self.estimates, self.standard_errors)
        ]
        kwargs.setdefault("simpler", self.simpler)
        return plot_family(results, values=list(self.values), ax=ax, **kwargs)

    def __repr__(self):
        return (
            f"OneStandardErrorChoice(value={self.value!r}, best_value={self.best_value!r}, "
            f"threshold={self.threshold:.6g}, n_models={len(self.values)}, simpler={self.simpler!r})"
        )


def _estimate_and_se(result, position):
    """``(estimate, standard_error)`` of a CVResult, a fitted CV estimator or a pair."""
    if hasattr(result, "estimate") and hasattr(result, "standard_error"):
        return float(result.estimate), float(result.standard_error)
    if hasattr(result, "estimate_") and hasattr(result, "standard_error_"):
        return float(result.estimate_), float(result.standard_error_)
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return float(result[0]), float(result[1])
    raise TypeError(
        f"results[{position}] must be a CVResult, a fitted CV estimator (with estimate_ and standard_error_) "
        f"or an (estimate, standard_error) pair; got {type(result).__name__}."
    )


def select_one_standard_error(results, values=None, *, simpler="lower"):
    """Choose the simplest model within one standard error of the best.

    Parameters
    ----------
    results : mapping or sequence
        A mapping ``{parameter value: result}``, or a sequence of results with
        ``values`` beside it. A result is a :class:`~resample.CVResult`, a fitted
        CV estimator (``KFoldCV`` ... with ``estimate_`` and ``standard_error_``), or
        an ``(estimate, standard_error)`` pair. Estimates are in the scorer's sign:
        greater is better (for squared error pass ``neg_mean_squared_error`` results).
    values : sequence, default=None
        The parameter value of each result (not with a mapping).
    simpler : {"lower", "higher"}, default="lower"
        Which direction of the parameter makes a simpler model: "lower" for a
        polynomial degree, "higher" for a ridge penalty or the K of KNN.

    Returns
    -------
    OneStandardErrorChoice

    Examples
    --------
    >>> family = {1: (-24.2, 0.6), 2: (-19.3, 0.5), 3: (-19.2, 0.5), 5: (-19.0, 0.5)}
    >>> choice = select_one_standard_error(family, simpler="lower")
    >>> choice.value, choice.best_value, round(choice.threshold, 2)
    (2, 5, -19.5)
    """
    check_option(simpler, "simpler", DIRECTIONS)
    if isinstance(results, Mapping):
        if values is not None:
            raise ValueError("values must be None when results is a mapping {value: result}: the keys are the values.")
        values, results = list(results.keys()), list(results.values())
    else:
        results = list(results)
        if values is None:
            raise ValueError(
                "values is None: pass the parameter value of each result (values=[1, 2, ...]), "
                "or results as a mapping {value: result}."
            )
        values = list(values)
        if len(values) != len(results):
            raise ValueError(f"values has {len(values)} entries but results has {len(results)}; pass one value per result.")
    if not results:
        raise ValueError("results is empty; the one-standard-error rule needs at least one model.")
    pairs = [_estimate_and_se(r, i) for i, r in enumerate(results)]
    estimates = np.array([p[0] for p in pairs])
    ses = np.array([p[1] for p in pairs])
    index, best, threshold = choose(values, estimates, ses, simpler)
    return OneStandardErrorChoice(
        index=index,
        value=values[index],
        best_index=best,
        best_value=values[best],
        threshold=threshold,
        values=tuple(values),
        estimates=estimates,
        standard_errors=ses,
        simpler=simpler,
        results=tuple(results),
    )


def one_standard_error_rule(param, simpler="lower", *, metric=None):
    """A ``refit=`` callable for ``GridSearchCV`` that applies the one-standard-error rule.

    The standard error of each candidate is ``std_test_score / sqrt(n_splits)``
    from ``cv_results_`` (the naive one: it ignores that training sets overlap).

    Parameters
    ----------
    param : str
        The grid parameter that orders the models by complexity, as named in the
        grid (e.g. ``"polynomialfeatures__degree"`` or ``"alpha"``).
    simpler : {"lower", "higher"}, default="lower"
        Which direction of ``param`` makes a simpler model.
    metric : str, default=None
        With several scorers (``scoring`` a dict), the scorer the rule reads.
        (``GridSearchCV`` sets no ``best_score_`` when ``refit`` is a callable.)

    Returns
    -------
    callable
        ``rule(cv_results) -> int``, the index of the chosen candidate.

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import PolynomialFeatures, StandardScaler
    >>> from sklearn.linear_model import LinearRegression
    >>> from resample.datasets import load_auto
    >>> auto = load_auto()
    >>> model = make_pipeline(PolynomialFeatures(), StandardScaler(), LinearRegression())
    >>> search = GridSearchCV(model, {"polynomialfeatures__degree": [1, 2, 3, 4, 5]},
    ...                       scoring="neg_mean_squared_error", cv=10,
    ...                       refit=one_standard_error_rule("polynomialfeatures__degree"))
    >>> search.fit(auto[["horsepower"]], auto["mpg"]).best_params_
    {'polynomialfeatures__degree': 2}
    """
    if not isinstance(param, str) or not param:
        raise TypeError(f"param must be the name of a grid parameter (a non-empty str); got {param!r}.")
    check_option(simpler, "simpler", DIRECTIONS)
    if metric is not None and not isinstance(metric, str):
        raise TypeError(f"metric must be a scorer name of the search or None; got {metric!r}.")
    suffix = "test_score" if metric is None else f"test_{metric}"

    def rule(cv_results):
        mean_key, std_key = f"mean_{suffix}", f"std_{suffix}"
        if mean_key not in cv_results:
            metrics = sorted(k[len("mean_test_"):] for k in cv_results if k.startswith("mean_test_"))
            raise ValueError(
                f"cv_results has no {mean_key!r}: with several scorers pass metric= one of {metrics} "
                "to one_standard_error_rule."
            )
        candidates = cv_results["params"]
        missing = [i for i, p in enumerate(candidates) if param not in p]
        if missing:
            names = sorted({k for p in candidates for k in p})
            raise ValueError(
                f"param={param!r} is not a parameter of every candidate (missing from candidate {missing[0]}); "
                f"the grid's parameters are {names}."
            )
        n_splits = sum(1 for k in cv_results if k.startswith("split") and k.endswith(f"_{suffix}"))
        means = np.asarray(cv_results[mean_key], dtype=float)
        ses = np.asarray(cv_results[std_key], dtype=float) / np.sqrt(max(n_splits, 1))
        values = [p[param] for p in candidates]
        index, _, _ = choose(values, means, ses, simpler)
        return int(index)

    rule.__name__ = f"one_standard_error_rule_{param}"
    rule.__qualname__ = rule.__name__
    return rule
