"""The jackknife: leave-one-out values of a statistic, its bias and standard error.

Leave-one-out values are computed in batches of index rows, each row the ``n - 1``
indices that remain (never an ``n x n`` array: SciPy's BCa builds one, 6.7 GB at
n = 20,000). Where the statistic allows, they come in closed form instead:

- ``np.mean`` and ``np.sum`` of one sample (recognised by identity, vectorized);
- quantile-like statistics of one sample, from the sorted sample in O(n log n)
  (:mod:`.order_statistics`): ``np.median``, ``np.min``, ``np.max`` and their ``nan``
  forms by identity, ``functools.partial(np.quantile, q=...)`` (also ``np.percentile``,
  ``np.nanquantile``, ``np.nanpercentile``, any ``method``), and the public
  :class:`resample.Quantile` and :class:`resample.OrderStatistic`;
- any statistic that carries an attribute ``leave_one_out``: a function
  ``leave_one_out(*samples)`` returning the ``n`` leave-one-out values, last axis,
  for one sample or paired samples. A ratio of sums, for example::

      def ratio(x, y, axis=-1):
          return np.sum(y, axis=axis) / np.sum(x, axis=axis)
      ratio.leave_one_out = lambda x, y: (y.sum(-1, keepdims=True) - y) / (x.sum(-1, keepdims=True) - x)
"""

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from resample._bootstrapping.order_statistics import leave_one_out as _loo_sorted
from resample._bootstrapping.order_statistics import quantile_rule
from resample._bootstrapping.statistic import BatchedStatistic
from resample._model_selection.results import ConfidenceInterval
from resample._utils.checks import (
    check_batch,
    check_confidence_level,
    check_samples,
    check_vectorized,
)
from resample._utils.notes import Note, NoteKind

__all__ = ["jackknife", "JackknifeResult", "leave_one_out_values", "influence_values", "values_frame"]

#: Index entries (rows x columns) in one batch of leave-one-out rows when ``batch`` is None.
INDEX_BUDGET = 1 << 21


def _loo_mean(x):
    return (x.sum(axis=-1, keepdims=True) - x) / (x.shape[-1] - 1)


def _loo_sum(x):
    return x.sum(axis=-1, keepdims=True) - x


# statistic (by identity) -> leave-one-out values of one sample, observations last
_CLOSED_FORMS = {np.mean: _loo_mean, np.sum: _loo_sum}


def closed_form(stat):
    """The closed-form leave-one-out function of a :class:`BatchedStatistic`, or None."""
    function = getattr(stat.function, "leave_one_out", None)
    if callable(function) and (stat.paired or len(stat.samples) == 1):
        return function
    if len(stat.samples) != 1:
        return None
    rule = quantile_rule(stat.function)
    if rule is not None:
        return lambda x: _loo_sorted(rule, x)
    if stat.vectorized:
        try:
            return _CLOSED_FORMS.get(stat.function)
        except TypeError:  # an unhashable callable object
            return None
    return None


def _leave_one_out_rows(n, start, stop):
    """Rows ``start..stop-1`` of the jackknife index table: row r omits ``start + r``."""
    keep = np.arange(n - 1)
    return keep + (keep >= np.arange(start, stop)[:, None])  # (m, n - 1)


def leave_one_out_values(stat, sample=0, *, batch=None, closed=True):
    """The ``n`` leave-one-out values of ``stat`` for one sample (all, when paired).

    Returns an array of shape ``(*S, n)`` and whether a closed form was used.
    With several independent samples, only sample number ``sample`` loses an
    observation; the others stay whole.
    """
    function = closed_form(stat) if closed else None
    if function is not None:
        values = np.asarray(function(*stat.samples), dtype=float)
        n = stat.lengths[0]
        if values.shape != (*stat.shape, n):
            raise ValueError(
                f"statistic.leave_one_out returned shape {values.shape}; expected {(*stat.shape, n)} "
                "(the statistic's shape, then one value per observation)."
            )
        return values, True
    n = stat.lengths[sample]
    m = batch or max(1, INDEX_BUDGET // max(n - 1, 1))
    parts = []
    for start in range(0, n, m):
        rows = _leave_one_out_rows(n, start, min(n, start + m))
        if stat.paired:
            parts.append(stat([rows]))
            continue
        resampled = [
            # the other samples stay whole; repeated (not broadcast) so that a statistic that
            # writes into its argument gets arrays of its own
            s[..., rows] if j == sample else np.repeat(s[..., None, :], len(rows), axis=-2)
            for j, s in enumerate(stat.samples)
        ]
        parts.append(stat.evaluate(resampled, len(rows)))
    return np.concatenate(parts, axis=-1), False


def influence_values(loo):
    """Jackknife estimates of the empirical influence values, ``(n - 1)(mean - loo)``.

    Efron & Tibshirani (1993), eq. 14.15 (the ``U_i`` of the acceleration).
    """
    n = loo.shape[-1]
    return (n - 1) * (loo.mean(axis=-1, keepdims=True) - loo)


@dataclass(frozen=True, eq=False, slots=True)
class JackknifeResult:
    """The jackknife of a statistic.

    Attributes
    ----------
    estimate : float or ndarray
        The statistic on the original data.
    bias : float or ndarray
        ``(n - 1) * (mean(loo) - estimate)`` (Efron & Tibshirani 1993, eq. 10.3).
    standard_error : float or ndarray
        ``sqrt((n - 1) / n * sum((loo - mean(loo))**2))`` (eq. 11.5).
    bias_corrected_estimate : float or ndarray
        ``estimate - bias`` (eq. 10.8).
    confidence_interval : ConfidenceInterval
        Tukey's interval ``bias_corrected_estimate -/+ t * standard_error``, ``t`` the
        Student quantile with ``n - 1`` degrees of freedom. An approximation.
    confidence_level : float
    jackknife_values : ndarray of shape (..., n)
        The leave-one-out values, observation ``i`` left out in column ``i``.
    method : str
        ``"jackknife"``.
    n_resamples : int
        ``n``, the number of leave-one-out values.
    notes : tuple of str
    closed_form : bool
        Whether the leave-one-out values came in closed form.
    """

    estimate: object
    bias: object
    standard_error: object
    bias_corrected_estimate: object
    confidence_interval: ConfidenceInterval
    confidence_level: float
    jackknife_values: np.ndarray = field(repr=False)
    method: str = "jackknife"
    n_resamples: int = 0
    notes: tuple = ()
    closed_form: bool = False

    def to_frame(self):
        """One row per left-out observation: its index and the statistic without it.

        Examples
        --------
        >>> import numpy as np
        >>> jackknife((np.arange(4.0),), np.mean).to_frame()["value"].tolist()
        [2.0, 1.6666666666666667, 1.3333333333333333, 1.0]
        """
        return values_frame("left_out", self.jackknife_values)

    def _repr_html_(self):
        """A small HTML table (estimate, standard error, interval, computation, notes) for Jupyter."""
        from resample._utils.html_repr import result_html

        details = [("bias", str(np.round(self.bias, 6))),
                   ("bias-corrected estimate", str(np.round(self.bias_corrected_estimate, 6))),
                   ("method", self.method), ("leave-one-out values", self.n_resamples),
                   ("computation", "closed form" if self.closed_form else "refits")]
        return result_html(
            "JackknifeResult", estimate=self.estimate, standard_error=self.standard_error,
            confidence_interval=self.confidence_interval, confidence_level=self.confidence_level,
            interval_name="normal", details=details, notes=self.notes,
        )

    def __repr__(self):
        return (
            f"JackknifeResult(estimate={_fmt(self.estimate)}, bias={_fmt(self.bias)}, "
            f"standard_error={_fmt(self.standard_error)}, n={self.n_resamples}"
            + (", closed form" if self.closed_form else "")
            + ")"
        )


def values_frame(index, values, name="value"):
    """A table of ``values`` ``(..., k)``: column ``index`` numbers the last axis, then one
    column ``name`` (or ``name_0``, ``name_1``, ... for a statistic with several values)."""
    import pandas as pd

    values = np.asarray(values)
    flat = values.reshape(-1, values.shape[-1])
    columns = {index: np.arange(values.shape[-1])}
    if len(flat) == 1:
        columns[name] = flat[0]
    else:
        columns.update({f"{name}_{k}": row for k, row in enumerate(flat)})
    return pd.DataFrame(columns)


def _fmt(value):
    value = np.asarray(value)
    return f"{float(value):.6g}" if value.ndim == 0 else np.array2string(value, precision=4, threshold=6)


def _scalar(a):
    a = np.asarray(a, dtype=float)
    return float(a) if a.ndim == 0 else a


def jackknife(data, statistic, *, paired=False, vectorized=None, axis=0, batch=None, confidence_level=0.95):
    """Jackknife estimate of the bias and standard error of a statistic.

    Parameters
    ----------
    data : sequence of array-like
        One sample ``(x,)``, or several paired samples ``(x, y)`` with ``paired=True``
        (observation ``i`` of every sample is left out together). Observations lie
        along ``axis``.
    statistic : callable
        ``statistic(*samples)``, or ``statistic(*samples, axis)`` when vectorized
        (it then gets a batch of leave-one-out samples and reduces ``axis=-1``).
        ``np.mean``, ``np.sum`` and statistics with a ``leave_one_out`` attribute
        use closed forms (see the module notes).
    paired : bool, default=False
    vectorized : bool or None, default=None
        None: True when ``statistic`` takes an ``axis`` argument.
    axis : int, default=0
    batch : int or None, default=None
        Leave-one-out values per call of a vectorized statistic; None keeps each
        batch's index array near two million entries.
    confidence_level : float, default=0.95

    Returns
    -------
    JackknifeResult

    Examples
    --------
    The jackknife bias of the plug-in variance is ``-s**2 / n`` (``s**2`` the
    unbiased variance), so its bias-corrected estimate is the unbiased variance:

    >>> import numpy as np
    >>> from resample import jackknife
    >>> x = np.array([1.0, 2.0, 4.0, 7.0])
    >>> res = jackknife((x,), np.var)
    >>> round(res.bias, 4), round(res.bias_corrected_estimate, 4), float(np.var(x, ddof=1))
    (-1.75, 7.0, 7.0)
    """
    samples = check_samples(data, paired=paired, axis=axis)
    if len(samples) > 1 and not paired:
        raise ValueError(
            f"jackknife got {len(samples)} independent samples (paired=False); it leaves out one "
            "observation of one sample. Pass one sample, or paired=True for paired samples."
        )
    vectorized = check_vectorized(vectorized, statistic)
    batch = check_batch(batch)
    confidence_level = check_confidence_level(confidence_level)
    stat = BatchedStatistic(statistic, samples, vectorized=vectorized, paired=paired)
    loo, closed = leave_one_out_values(stat, batch=batch)
    n = loo.shape[-1]
    theta = stat.value
    mean = loo.mean(axis=-1)
    bias = (n - 1) * (mean - theta)  # E&T (1993) eq. 10.3
    se = np.sqrt((n - 1) / n * ((loo - mean[..., None]) ** 2).sum(axis=-1))  # eq. 11.5
    corrected = theta - bias
    t = stats.t.ppf(0.5 + confidence_level / 2, df=n - 1)
    interval = ConfidenceInterval(_scalar(corrected - t * se), _scalar(corrected + t * se))
    notes = ()
    if not np.isfinite(loo).all():
        notes = (Note(NoteKind.DEGENERATE, f"{int((~np.isfinite(loo)).sum())} leave-one-out values are NaN or infinite."),)
    return JackknifeResult(
        estimate=_scalar(theta),
        bias=_scalar(bias),
        standard_error=_scalar(se),
        bias_corrected_estimate=_scalar(corrected),
        confidence_interval=interval,
        confidence_level=confidence_level,
        jackknife_values=loo,
        n_resamples=n,
        notes=notes,
        closed_form=closed,
    )
