"""Leave-one-out values of quantile-like statistics from the sorted sample, in O(n log n).

A statistic that reads the sorted sample at fixed positions (a quantile, a median, an
order statistic, the minimum) changes, when observation ``i`` is left out, only
through which of those positions ``i`` was below. If a sample of ``m = n - 1`` values
is read at positions ``lo`` and ``lo + 1`` of its sorted values ``y`` (every numpy
quantile method reads at most these two, ``lo = floor`` of its virtual index), and
``x_s`` is the sorted sample, leaving out the value at sorted position ``r`` gives
``y_j = x_s[j + (j >= r)]``, so the leave-one-out value is one of three numbers:

- ``r <= lo``: the statistic of ``x_s`` without its first value;
- ``r = lo + 1``: the statistic of ``x_s`` without position ``lo + 1``;
- ``r > lo + 1``: the statistic of ``x_s`` without its last value.

Those three are computed by the numpy function itself, so the values equal
``np.quantile`` (or ``np.median``...) of each leave-one-out sample exactly, NaN and
infinities included, instead of ``n`` evaluations of O(n) each (the jackknife of a
median at n = 50,000 took 23 s). The NaN-omitting forms (``np.nanmedian``...) work the
same way on the non-NaN values of each slice; the NaN-propagating forms give NaN
unless the one NaN of a slice is the observation left out.

:class:`Quantile` and :class:`OrderStatistic` are the public ways to declare such a
statistic; ``np.median``, ``np.min``, ``np.max`` (and their ``nan`` forms) are
recognised by identity, and ``functools.partial(np.quantile, q=...)`` (or
``np.percentile``, ``np.nanquantile``, ``np.nanpercentile``, with any ``method``) by
its function and keywords.
"""

import functools
import warnings

import numpy as np

__all__ = ["OrderStatistic", "Quantile", "quantile_rule"]

_QUANTILES = {np.quantile: (1.0, False), np.percentile: (100.0, False),
              np.nanquantile: (1.0, True), np.nanpercentile: (100.0, True)}  # fmt: skip


class _Rule:
    """How a statistic reads a sorted sample.

    ``function(x, axis=-1)`` is the statistic; ``lower(m)`` the lower of the (at most two
    adjacent) sorted positions it reads in a sample of ``m`` values (``m`` of shape ``L``,
    the result of shape ``(*Q, *L)``, ``Q`` the statistic's own axes, e.g. of ``q``);
    ``nan`` is ``"propagate"`` (a NaN gives NaN), ``"omit"`` (NaN are left out) or
    ``"value"`` (NaN sort last and count as values, as in ``np.sort``).
    """

    def __init__(self, function, lower, nan, q_shape=(), probabilities=None, method=None):
        self.function, self.lower, self.nan, self.q_shape = function, lower, nan, q_shape
        #: a quantile's probabilities in [0, 1] (a percentile's divided by 100) and method
        self.probabilities, self.method = probabilities, method


def _linear_lower(q):
    q = np.asarray(q, dtype=float)

    def lower(m):
        # numpy's virtual index of method="linear", (m - 1) * q, computed the same way
        h = (m - 1) * q.reshape(q.shape + (1,) * np.ndim(m))
        return np.minimum(np.floor(h), m - 1).astype(np.intp)

    return lower


def _probed_lower(function, q_shape):
    """The lower position any numpy quantile method reads, from the method itself on 0..m-1."""

    def lower(m):
        m = np.asarray(m)
        flat = m.reshape(-1)
        out = np.full((*q_shape, flat.size), -1, dtype=np.intp)
        for size in np.unique(flat[flat >= 1]):  # a few sizes: n - 1, or the non-NaN counts
            probe = np.asarray(function(np.arange(float(size)), axis=-1))  # shape Q
            out[..., flat == size] = np.floor(probe).astype(np.intp)[..., None]
        return np.minimum(out, np.maximum(flat - 1, -1)).reshape(*q_shape, *m.shape)

    return lower


def _fixed_lower(position):
    return lambda m: np.broadcast_to(np.asarray(position(m), dtype=np.intp), np.shape(m))


def quantile_rule(function):
    """The :class:`_Rule` of a recognised quantile-like statistic, or None."""
    rule = getattr(function, "_order_rule", None)
    if isinstance(rule, _Rule):
        return rule
    try:
        if function in (np.median, np.nanmedian):
            return _Rule(function, _fixed_lower(lambda m: (m - 1) // 2), _nan(function is np.nanmedian))
        if function in (np.min, np.amin, np.nanmin):
            return _Rule(function, _fixed_lower(lambda m: np.minimum(m - 1, 0)), _nan(function is np.nanmin))
        if function in (np.max, np.amax, np.nanmax):
            return _Rule(function, _fixed_lower(lambda m: m - 1), _nan(function is np.nanmax))
    except TypeError:  # an unhashable callable
        return None
    if isinstance(function, functools.partial) and not function.args:
        return _partial_rule(function)
    return None


def _partial_rule(function):
    try:
        scale, omit = _QUANTILES.get(function.func, (None, None))
    except TypeError:
        return None
    keywords = dict(function.keywords)
    if scale is None or "q" not in keywords or set(keywords) - {"q", "method"}:
        return None
    q = np.asarray(keywords["q"], dtype=float)
    if not np.all((q >= 0) & (q <= scale)):
        return None  # numpy raises; let it, on the original data
    probabilities = q / scale if scale != 1 else q  # numpy's percentile divides first
    method = keywords.get("method", "linear")
    lower = _linear_lower(probabilities) if method == "linear" else _probed_lower(function, q.shape)
    return _Rule(function, lower, _nan(omit), q.shape, probabilities, method)


def _nan(omit):
    return "omit" if omit else "propagate"


def _without(xs, position):
    """``xs`` (*L, n) without the value at ``position`` (*L,) of each slice: (*L, n - 1)."""
    n = xs.shape[-1]
    keep = np.arange(n - 1)
    index = keep + (keep >= np.clip(position, 0, n - 1)[..., None])
    return np.take_along_axis(xs, index, axis=-1)


def leave_one_out(rule, x):
    """The ``n`` leave-one-out values of ``rule.function`` on ``x`` (*L, n): shape (*Q, *L, n)."""
    x = np.asarray(x, dtype=float)
    n = x.shape[-1]
    order = np.argsort(x, axis=-1, kind="stable")  # NaN last
    xs = np.take_along_axis(x, order, axis=-1)
    if rule.nan == "value":
        k = np.full(x.shape[:-1], n)
    else:
        k = (~np.isnan(xs)).sum(axis=-1)  # (*L,) non-NaN values of each slice
    omit = rule.nan == "omit"
    m = k - 1 if omit else np.full_like(k, n - 1)
    f = functools.partial(_call, rule.function)
    lows = rule.lower(m)  # (*Q, *L)
    first = f(_without(xs, np.zeros_like(k)))  # (*Q, *L)
    last = f(_without(xs, (k if omit else np.full_like(k, n)) - 1))
    middle = np.empty_like(first)
    for q in np.ndindex(rule.q_shape):  # the one position each quantile reads twice
        middle[q] = _call(rule.function, _without(xs, lows[q] + 1))[q]
    r = np.arange(n)
    lows, tail = lows[..., None], np.expand_dims(k, -1)
    values = np.where(r <= lows, first[..., None], np.where(r == lows + 1, middle[..., None], last[..., None]))
    if omit:  # leaving out a NaN leaves every value
        values = np.where(r >= tail, f(xs)[..., None], values)
    elif rule.nan == "propagate":  # a NaN left in gives NaN; leaving out the only NaN gives the statistic of the rest
        only = (r == n - 1) & (tail == n - 1)
        values = np.where(tail < n, np.where(only, last[..., None], np.nan), values)
    out = np.empty_like(values)
    np.put_along_axis(out, np.broadcast_to(order, values.shape), values, axis=-1)
    return out


def _call(function, x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN or empty slices give NaN, as numpy
        return np.asarray(function(x, axis=-1), dtype=float)


class Quantile:
    """The quantile ``q`` of a sample, as ``np.quantile``, declared as quantile-like.

    Use it as a statistic of :func:`resample.bootstrap` or :func:`resample.jackknife`
    where ``lambda x, axis: np.quantile(x, q, axis=axis)`` would go: the values are the
    same, and the leave-one-out values (BCa's acceleration, the jackknife) come from the
    sorted sample in O(n log n) instead of ``n`` evaluations.

    Parameters
    ----------
    q : float or array-like of float
        Probabilities in [0, 1] (several give a statistic with that shape, as numpy).
    method : str, default="linear"
        Any method of ``np.quantile``.
    nan_policy : {"propagate", "omit"}, default="propagate"
        ``"propagate"``: NaN in a sample gives NaN (``np.quantile``); ``"omit"``: NaN
        are left out (``np.nanquantile``).

    Examples
    --------
    >>> import numpy as np
    >>> from resample import Quantile, jackknife
    >>> x = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0])
    >>> q90 = Quantile(0.9)
    >>> float(q90(x)) == float(np.quantile(x, 0.9))
    True
    >>> jackknife((x,), q90).jackknife_values.tolist()
    [7.4, 7.4, 7.4, 7.4, 7.0, 4.6]
    """

    def __init__(self, q, *, method="linear", nan_policy="propagate"):
        if nan_policy not in ("propagate", "omit"):
            raise ValueError(f'nan_policy must be "propagate" or "omit"; got {nan_policy!r}.')
        q = np.asarray(q, dtype=float)
        if q.size == 0 or not np.all((q >= 0) & (q <= 1)):
            raise ValueError(f"q must hold probabilities in [0, 1]; got {q.tolist()!r}.")
        self.q, self.method, self.nan_policy = (float(q) if q.ndim == 0 else q), method, nan_policy
        function = np.nanquantile if nan_policy == "omit" else np.quantile
        np.quantile(np.zeros(2), 0.5, method=method)  # an unknown method fails here, in numpy's words
        self._function = functools.partial(function, q=self.q, method=method)
        self._order_rule = _partial_rule(self._function)

    def __call__(self, x, axis=-1):
        return self._function(x, axis=axis)

    def leave_one_out(self, x):
        """Leave-one-out values of ``x`` (observations last): shape ``(*q.shape, *x.shape)``."""
        return leave_one_out(self._order_rule, x)

    def __repr__(self):
        extra = "" if self.method == "linear" else f", method={self.method!r}"
        extra += "" if self.nan_policy == "propagate" else f", nan_policy={self.nan_policy!r}"
        return f"Quantile({self.q!r}{extra})"


class OrderStatistic:
    """The ``k``-th smallest value of a sample (0-based; negative ``k`` counts from the largest).

    ``OrderStatistic(0)`` is the minimum, ``OrderStatistic(-1)`` the maximum,
    ``OrderStatistic(-2)`` the second largest. NaN sort last (as ``np.sort``). As a
    statistic of :func:`resample.bootstrap` or :func:`resample.jackknife` its
    leave-one-out values come from the sorted sample in O(n log n). The position is
    counted in each sample, so a leave-one-out sample of ``n - 1`` values gives its own
    ``k``-th smallest.

    Examples
    --------
    >>> import numpy as np
    >>> from resample import OrderStatistic, jackknife
    >>> x = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
    >>> second_largest = OrderStatistic(-2)
    >>> float(second_largest(x))
    4.0
    >>> jackknife((x,), second_largest).jackknife_values.tolist()
    [4.0, 4.0, 3.0, 4.0, 3.0]
    """

    def __init__(self, k):
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
            raise TypeError(f"k must be an integer position; got {type(k).__name__}.")
        self.k = int(k)
        self._order_rule = _Rule(self, _fixed_lower(self._position), "value")

    def _position(self, m):
        return np.where(self.k < 0, m + self.k, self.k)

    def __call__(self, x, axis=-1):
        x = np.moveaxis(np.asarray(x, dtype=float), axis, -1)
        n = x.shape[-1]
        if not -n <= self.k < n:
            raise ValueError(f"OrderStatistic({self.k}) needs at least {self.k + 1 if self.k >= 0 else -self.k} "
                             f"observations; got {n}.")  # fmt: skip
        position = self.k % n
        return np.partition(x, position, axis=-1)[..., position]

    def leave_one_out(self, x):
        """Leave-one-out values of ``x`` (observations last): shape ``x.shape``."""
        return leave_one_out(self._order_rule, x)

    def __repr__(self):
        return f"OrderStatistic({self.k})"
