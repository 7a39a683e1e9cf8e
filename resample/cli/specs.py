"""What the ``resample`` command's ``--model`` and ``--statistic`` strings mean.

A model spec is ``NAME[:[PARAM=]VALUES]``: ``poly:1..10`` (degrees 1 to 10),
``ridge:alpha=0.1..100`` (ten penalties, log-spaced), ``knn:1..50``, ``logistic``,
``logistic:1..4`` (polynomial terms), ``linear``, or the dotted path of any
scikit-learn estimator class, e.g. ``sklearn.tree.DecisionTreeRegressor:max_depth=1..8``.
VALUES is ``A..B`` (every integer for integer parameters; ten log-spaced values for
others), a comma list ``1,2,5``, or one value. Each name is a row of a table
(:data:`MODELS`), not a branch of an if-chain.

A statistic spec is one of :data:`STATISTICS` (``mean``, ``median``, ``std``,
``quantile:0.9``, ``corr``, ``alpha``).
"""

import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from resample.cli.errors import UsageError
from resample.cli.imports import import_estimator_class

__all__ = ["UsageError", "ModelKind", "Family", "MODELS", "parse_model", "Statistic", "STATISTICS", "parse_statistic"]


# ---------------------------------------------------------------------- models


def _poly(d, task):
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    if task == "classification":
        return make_pipeline(
            PolynomialFeatures(int(d), include_bias=False), StandardScaler(), LogisticRegression(max_iter=2000)
        )
    # raw powers, as ISLR's poly(..., raw = TRUE) fits; the exact closed form handles them
    return make_pipeline(PolynomialFeatures(int(d)), LinearRegression())


def _poly_for_refits(d, task):
    """The same model, numerically safe for methods that refit it (the bootstrap .632+).

    A polynomial in standardized features spans the same functions as one in the raw
    features, but LinearRegression's solver loses the raw powers of horsepower from
    degree 3 on (the training error at degree 10 comes out above 40 instead of 18.5).
    """
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    if task == "classification":
        return _poly(d, task)
    return make_pipeline(StandardScaler(), PolynomialFeatures(int(d)), LinearRegression())


def _ridge(alpha, task):
    from sklearn.linear_model import Ridge, RidgeClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = RidgeClassifier if task == "classification" else Ridge
    return make_pipeline(StandardScaler(), model(alpha=float(alpha)))


def _knn(k, task):
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = KNeighborsClassifier if task == "classification" else KNeighborsRegressor
    return make_pipeline(StandardScaler(), model(n_neighbors=int(k)))


def _logistic(d, task):
    return _poly(d, "classification")


@dataclass(frozen=True)
class ModelKind:
    """One row of the model table.

    ``param`` is the word the user and the tables use; ``simpler`` says which
    direction of it gives a simpler model (for the one-standard-error rule);
    ``flexibility`` maps a value to the x axis of the plots. The axis shows the
    parameter itself (ISLR's 1/K made a "1 / alpha" axis whose ticks looked like the
    alpha grid); where a higher value is simpler the report reverses the axis, so
    flexibility still grows to the right.
    """

    name: str
    param: str | None
    build: Callable
    simpler: str = "lower"
    integer: bool = True
    default: tuple = (1,)
    tasks: tuple = ("regression", "classification")
    flexibility: Callable = staticmethod(lambda v: float(v) if v is not None else 0.0)
    xscale: str = "linear"
    xlabel: str = ""
    aliases: tuple = ()
    describe: str = ""
    build_for_refits: Callable | None = None  # a numerically safer equivalent for refitting methods


MODELS = {
    "linear": ModelKind(
        "linear", None, lambda v, task: _poly(1, task), describe="least squares (logistic regression for classes)"
    ),
    "poly": ModelKind(
        "poly", "degree", _poly, xlabel="degree of polynomial", aliases=("d",), build_for_refits=_poly_for_refits,
        describe="polynomial least squares in the features (logistic for classes); flexibility grows with the degree",
    ),
    "logistic": ModelKind(
        "logistic", "degree", _logistic, tasks=("classification",), xlabel="degree of polynomial terms",
        aliases=("d",), describe="logistic regression with polynomial terms of the features",
    ),
    "ridge": ModelKind(
        "ridge", "alpha", _ridge, simpler="higher", integer=False, default=(1.0,),
        xscale="log", xlabel="alpha, the penalty (reversed: more flexible to the right)",
        describe="ridge regression on standardized features; a larger alpha is simpler",
    ),
    "knn": ModelKind(
        "knn", "K", _knn, simpler="higher", default=(5,), xscale="log",
        xlabel="K, the neighbours (reversed: more flexible to the right)", aliases=("k", "n_neighbors"),
        describe="K nearest neighbours on standardized features; a larger K is simpler",
    ),
}


_DESCRIPTIONS = {
    ("poly", "regression"): "least squares on raw powers of the features (ISLR's poly(x, d, raw = TRUE))",
    ("poly", "classification"): "logistic regression on polynomial terms of the standardized features",
    ("linear", "regression"): "least squares",
    ("linear", "classification"): "logistic regression",
    ("knn", "regression"): "K-nearest-neighbour regression on standardized features",
    ("knn", "classification"): "K-nearest-neighbour classification on standardized features",
    ("ridge", "classification"): "ridge classifier on standardized features",
}


@dataclass(frozen=True)
class Family:
    """The models one ``--model`` spec names: one estimator per parameter value."""

    spec: str
    kind: ModelKind
    values: tuple
    task: str
    estimators: tuple = field(repr=False)
    refit_estimators: tuple = field(default=(), repr=False)  # for methods that refit (empty: the same)

    @property
    def param(self):
        return self.kind.param

    def label(self, value):
        return f"{self.kind.param}={_fmt_value(value)}" if self.kind.param else self.kind.name

    def description(self):
        """What the models are, in words, for this task."""
        return _DESCRIPTIONS.get((self.kind.name, self.task), self.kind.describe)

    def flexibility(self):
        return [self.kind.flexibility(v) for v in self.values]


def _fmt_value(v):
    return f"{v:g}" if isinstance(v, float) else str(v)


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def parse_values(text, *, integer, option, spec):
    """``A..B``, ``A,B,C`` or ``A`` as a tuple of numbers.

    Examples
    --------
    >>> parse_values("1..4", integer=True, option="--model", spec="poly:1..4")
    (1, 2, 3, 4)
    >>> parse_values("0.1..100", integer=False, option="--model", spec="ridge:alpha=0.1..100")[:3]
    (0.1, 0.2154, 0.4642)
    """
    allowed = "A..B (a range), A,B,C (a list) or A (one value)"
    m = re.fullmatch(rf"\s*({_NUMBER})\s*\.\.\s*({_NUMBER})\s*", text)
    if m:
        low, high = _finite(m.group(1), option, spec, integer), _finite(m.group(2), option, spec, integer)
        if low > high:
            raise UsageError(f"{option} {spec!r}: the range {text!r} runs backwards; write the smaller end first.")
        if integer:
            if low != int(low) or high != int(high):
                raise UsageError(f"{option} {spec!r}: the range {text!r} must have integer ends.")
            if high - low > 500:
                raise UsageError(f"{option} {spec!r}: the range {text!r} holds {int(high - low + 1)} models; at most 501.")
            return tuple(range(int(low), int(high) + 1))
        if low > 0:
            return tuple(float(f"{v:.4g}") for v in np.geomspace(low, high, 10))
        return tuple(float(f"{v:.4g}") for v in np.linspace(low, high, 10))
    parts = [p.strip() for p in text.split(",")]
    if not all(re.fullmatch(_NUMBER, p) for p in parts):
        raise UsageError(f"{option} {spec!r}: cannot read the values {text!r}; write {allowed}.")
    values = [_finite(p, option, spec, integer) for p in parts]
    if integer:
        if any(v != int(v) for v in values):
            raise UsageError(f"{option} {spec!r}: {text!r} must be integers.")
        return tuple(dict.fromkeys(int(v) for v in values))
    return tuple(dict.fromkeys(values))


def _finite(text, option, spec, integer):
    """``text`` as a float that is finite (and, for integer parameters, within 64-bit integers)."""
    value = float(text)
    if not np.isfinite(value):
        raise UsageError(f"{option} {spec!r}: {text!r} is not a finite number.")
    if integer and abs(value) > 2**62:
        raise UsageError(f"{option} {spec!r}: {text!r} is too large for an integer parameter (at most 2**62).")
    return value


def _import_estimator(path, option, spec):
    return import_estimator_class(path, option, spec)


def _dotted_kind(path, cls, param, simpler):
    from sklearn.base import is_classifier

    from resample.cli.imports import validate_estimator

    def build(value, task):  # keyword parameters only, checked by the estimator's own rules
        return validate_estimator(cls, {} if param is None else {param: value}, path)

    integer = True
    if param is not None:
        default = cls().get_params().get(param)
        integer = default is None or (isinstance(default, (int, np.integer)) and not isinstance(default, bool))
    task = "classification" if is_classifier(cls()) else "regression"
    return ModelKind(
        path, param, build, simpler=simpler, integer=integer, default=(None,), tasks=(task,),
        xlabel=param or "", describe=path,
    )


def parse_model(spec, *, task, simpler=None, option="--model", default_task="regression"):
    """Parse a model spec into a :class:`Family` of estimators for ``task``.

    Parameters
    ----------
    spec : str
    task : {"regression", "classification"} or None
        What the target asks for; a model that cannot do it is a usage error.
        None: the model's task when it has only one (logistic, a classifier
        class), else ``default_task``.
    simpler : {"lower", "higher"} or None
        Which direction of a dotted path's parameter is simpler (the named models
        know theirs; None keeps it, "lower" for dotted paths).

    Examples
    --------
    >>> fam = parse_model("poly:1..3", task="regression")
    >>> fam.param, fam.values
    ('degree', (1, 2, 3))
    >>> parse_model("knn:k=1,5,9", task="classification").kind.simpler
    'higher'
    """
    if not isinstance(spec, str) or not spec.strip():
        raise UsageError(f"{option} is empty; name a model, e.g. poly:1..10, ridge:alpha=0.1..100, knn:1..50, logistic.")
    name, _, rest = spec.strip().partition(":")
    if name in MODELS:
        kind = MODELS[name]
        if simpler is not None and simpler != kind.simpler:
            raise UsageError(
                f"--simpler {simpler} contradicts {name}: for {name} a {'lower' if kind.simpler == 'lower' else 'higher'} "
                f"{kind.param} is simpler. --simpler is for dotted-path models only."
            )
    elif "." in name:
        cls = _import_estimator(name, option, spec)
        param = rest.partition("=")[0].strip() if "=" in rest else None
        if rest and param is None:
            raise UsageError(f"{option} {spec!r}: name the parameter of {name}, e.g. {name}:max_depth=1..8.")
        if param is not None:
            known = sorted(cls().get_params())
            if param not in known:
                raise UsageError(f"{option} {spec!r}: {name} has no parameter {param!r}; its parameters are: {', '.join(known)}.")
        kind = _dotted_kind(name, cls, param, simpler or "lower")
    else:
        raise UsageError(
            f"{option} {spec!r}: unknown model {name!r}. Allowed: {', '.join(MODELS)} "
            "(e.g. poly:1..10, ridge:alpha=0.1..100, knn:1..50, logistic), or the dotted path of an "
            "estimator class (e.g. sklearn.tree.DecisionTreeRegressor:max_depth=1..8)."
        )
    if task is None:
        task = kind.tasks[0] if len(kind.tasks) == 1 else default_task
    if task not in kind.tasks:
        other = "knn, logistic, poly or linear" if task == "classification" else "poly, ridge, knn or linear"
        raise UsageError(
            f"{option} {spec!r} does {' and '.join(kind.tasks)}, but the target asks for {task} "
            f"(use {other}, or choose another --target)."
        )
    if kind.param is None:
        if rest and name in MODELS:
            raise UsageError(f"{option} {spec!r}: {name} takes no parameter; write just {name!r}.")
        values = (None,)
    elif not rest:
        values = kind.default
    else:
        given, eq, text = rest.partition("=")
        if not eq:
            given, text = kind.param, rest
        if given.strip() not in (kind.param, *kind.aliases):
            raise UsageError(f"{option} {spec!r}: {name} has parameter {kind.param!r}, not {given.strip()!r}.")
        values = parse_values(text, integer=kind.integer, option=option, spec=spec)
        if kind.name in ("poly", "logistic", "knn") and min(values) < 1:
            raise UsageError(f"{option} {spec!r}: {kind.param} must be at least 1.")
        if kind.name == "ridge" and min(values) <= 0:
            raise UsageError(f"{option} {spec!r}: alpha must be positive.")
    try:
        estimators = tuple(kind.build(v, task) for v in values)
        refits = tuple(kind.build_for_refits(v, task) for v in values) if kind.build_for_refits else ()
    except UsageError:
        raise
    except Exception as exc:
        raise UsageError(f"{option} {spec!r}: cannot build the model ({type(exc).__name__}: {exc}).") from exc
    return Family(spec=spec, kind=kind, values=values, task=task, estimators=estimators, refit_estimators=refits)


# ------------------------------------------------------------------ statistics


def _alpha(x, y, axis=-1):
    # ISLR eq. 5.7: the weight of X that minimises var(alpha X + (1 - alpha) Y)
    vx, vy = np.var(x, axis=axis, ddof=1), np.var(y, axis=axis, ddof=1)
    n = x.shape[axis]
    cxy = np.sum((x - x.mean(axis, keepdims=True)) * (y - y.mean(axis, keepdims=True)), axis=axis) / (n - 1)
    return (vy - cxy) / (vx + vy - 2 * cxy)


def _corr(x, y, axis=-1):
    xc, yc = x - x.mean(axis, keepdims=True), y - y.mean(axis, keepdims=True)
    return np.sum(xc * yc, axis=axis) / np.sqrt(np.sum(xc * xc, axis=axis) * np.sum(yc * yc, axis=axis))


@dataclass(frozen=True)
class Statistic:
    """One row of the statistic table: a vectorized function of 1 or 2 columns."""

    name: str
    n_columns: int
    function: Callable
    describe: str
    bounds: tuple | None = None  # the statistic's range where it has one, whatever the data
    location: bool = False  # mean, median, quantile: in [0, 1] when the column is a 0/1 proportion


def _quantile(q):
    def quantile(x, axis=-1):
        return np.quantile(x, q, axis=axis)

    return quantile


STATISTICS = {
    "mean": Statistic("mean", 1, lambda x, axis=-1: np.mean(x, axis=axis), "the mean of a column", location=True),
    "median": Statistic("median", 1, lambda x, axis=-1: np.median(x, axis=axis), "the median of a column",
                        location=True),
    "std": Statistic("std", 1, lambda x, axis=-1: np.std(x, axis=axis, ddof=1), "the standard deviation (ddof=1)",
                     bounds=(0.0, np.inf)),
    "quantile": Statistic("quantile", 1, None, "quantile:Q, the Q quantile of a column (0 < Q < 1)", location=True),
    "corr": Statistic("corr", 2, _corr, "Pearson correlation of two columns (rows resampled together)",
                      bounds=(-1.0, 1.0)),
    "alpha": Statistic("alpha", 2, _alpha, "ISLR's portfolio weight of the first column (eq. 5.7)"),
}


def parse_statistic(spec, option="--statistic"):
    """Parse a statistic spec.

    Examples
    --------
    >>> parse_statistic("quantile:0.9").name
    'quantile:0.9'
    """
    name, _, arg = str(spec).strip().partition(":")
    if name not in STATISTICS:
        raise UsageError(f"{option} {spec!r}: unknown statistic. Allowed: mean, median, std, quantile:Q (e.g. quantile:0.9), corr, alpha.")
    stat = STATISTICS[name]
    if name == "quantile":
        try:
            q = float(arg)
        except ValueError:
            raise UsageError(f"{option} {spec!r}: write quantile:Q with Q a number strictly between 0 and 1, e.g. quantile:0.9.") from None
        if not 0 < q < 1:
            raise UsageError(f"{option} {spec!r}: Q={q:g} is out of range; it must be strictly between 0 and 1.")
        return Statistic(f"quantile:{q:g}", 1, _quantile(q), f"the {q:g} quantile of a column", location=True)
    if arg:
        raise UsageError(f"{option} {spec!r}: {name} takes no argument; write just {name!r}.")
    return stat
