"""The result of a bootstrap, and :func:`summarize`, which makes one from the draws."""

import contextlib
import warnings
from dataclasses import dataclass, field

import numpy as np

from resample._bootstrapping.intervals import METHODS, Draws
from resample._bootstrapping.jackknife import _fmt, _scalar, values_frame
from resample._bootstrapping.scaled import scaled_std
from resample._model_selection.results import ConfidenceInterval
from resample._utils.notes import Note, NoteKind
from resample.exceptions import DegenerateWarning, ResampleWarning

__all__ = ["ALTERNATIVES", "BootstrapResult", "summarize"]


@dataclass(frozen=True, eq=False, slots=True)
class BootstrapResult:
    """The bootstrap of a statistic.

    Pass it back to :func:`bootstrap` as ``bootstrap_result`` to add resamples or to
    change the method or level without recomputing the ones it holds.

    Attributes
    ----------
    estimate : float or ndarray
        The statistic on the original data.
    standard_error : float or ndarray
        Standard deviation (``ddof=1``) of the finite bootstrap values.
    bias : float or ndarray
        ``mean(bootstrap_distribution) - estimate`` (Efron & Tibshirani 1993, eq. 10.2).
    confidence_interval : ConfidenceInterval
        ``(low, high)`` at ``confidence_level`` by ``method``; ``low`` is ``-inf``
        for ``alternative="less"`` and ``high`` is ``inf`` for ``"greater"``.
    confidence_level : float
    alternative : str
        ``"two-sided"``, ``"less"`` or ``"greater"``.
    bootstrap_distribution : ndarray of shape (..., n_resamples)
        The statistic on each resample, resamples on the last axis (as in SciPy).
    method : str
        ``"percentile"``, ``"basic"``, ``"normal"``, ``"bca"`` or ``"studentized"``.
    n_resamples : int
    notes : tuple of str
        How the numbers were obtained and anything to beware of.
    n_nonfinite : int
        Resample values that were NaN or infinite (left out of every summary).
    bias_correction, acceleration : float, ndarray or None
        BCa's ``z0`` and ``a`` (None for other methods).
    resample_standard_errors : ndarray or None
        Studentized method: the standard error of the statistic within each resample.
    computation : str
        ``"resamples"`` (drawn rows, :func:`resample.bootstrap`) or ``"poisson"``
        (Poisson weights in one pass, :func:`resample.poisson_bootstrap`).
    resampling : str
        How resamples were drawn: ``"i.i.d. bootstrap"``, or the block or stratified
        bootstrap with its block length or strata.
    bounds : tuple of float or None
        The statistic's range ``(low, high)`` when one was given; the interval lies inside it.
    """

    estimate: object
    standard_error: object
    bias: object
    confidence_interval: ConfidenceInterval
    confidence_level: float
    bootstrap_distribution: np.ndarray = field(repr=False)
    method: str
    n_resamples: int
    notes: tuple = ()
    n_nonfinite: int = 0
    bias_correction: object = None
    acceleration: object = None
    resample_standard_errors: np.ndarray | None = field(default=None, repr=False)
    alternative: str = "two-sided"
    computation: str = "resamples"
    resampling: str = "i.i.d. bootstrap"
    bounds: tuple | None = None

    def to_frame(self):
        """One row per resample: its number and the statistic's value(s).

        Examples
        --------
        >>> import numpy as np
        >>> from resample import bootstrap
        >>> res = bootstrap((np.arange(10.0),), np.mean, n_resamples=3, method="percentile", rng=0)
        >>> res.to_frame().shape
        (3, 2)
        """
        frame = values_frame("resample", self.bootstrap_distribution)
        if self.resample_standard_errors is not None:
            ses = values_frame("resample", self.resample_standard_errors, name="standard_error")
            frame = frame.join(ses.drop(columns="resample"))
        return frame

    def plot(self, ax=None, **kwargs):
        """Histogram of the bootstrap distribution with the estimate and the interval (needs matplotlib).

        See :func:`resample.plotting.plot_bootstrap` for the keywords; returns the Axes.
        """
        from resample._plotting import plot_bootstrap

        return plot_bootstrap(self, ax=ax, **kwargs)

    def _repr_html_(self):
        """A small HTML table (estimate, standard error, interval, computation, notes) for Jupyter."""
        from resample._utils.html_repr import result_html

        details = [("bias", _fmt(self.bias)), ("resampling", self.resampling), ("resamples", self.n_resamples),
                   ("computation", self.computation)]
        if self.n_nonfinite:
            details.append(("non-finite resamples", self.n_nonfinite))
        if self.bounds is not None:
            details.append(("range of the statistic", f"[{self.bounds[0]}, {self.bounds[1]}]"))
        return result_html(
            "BootstrapResult", estimate=self.estimate, standard_error=self.standard_error,
            confidence_interval=self.confidence_interval, confidence_level=self.confidence_level,
            interval_name=self.method + _sided(self.alternative), details=details, notes=self.notes,
        )

    def __repr__(self):
        low, high = self.confidence_interval
        text = (
            f"BootstrapResult(estimate={_fmt(self.estimate)}, standard_error={_fmt(self.standard_error)}, "
            f"bias={_fmt(self.bias)}, {self.confidence_level:.0%} {self.method}{_sided(self.alternative)} CI=({_fmt(low)}, {_fmt(high)}), "
            f"n_resamples={self.n_resamples}"
        )
        if self.n_nonfinite:
            text += f", n_nonfinite={self.n_nonfinite}"
        if self.notes:
            text += f", notes={len(self.notes)}"
        return text + ")"


def _sided(alternative):
    return "" if alternative == "two-sided" else f" one-sided ({alternative})"


#: ``alternative`` -> which end of the interval is unbounded (as SciPy's bootstrap)
ALTERNATIVES = ("two-sided", "less", "greater")


def summarize(
    estimate,
    distribution,
    *,
    method,
    confidence_level,
    extend=None,
    notes=(),
    what="the statistic",
    alternative="two-sided",
    **fields,
):
    """A :class:`BootstrapResult` from an estimate (shape S) and its draws ``(*S, B)``.

    Non-finite draws are counted, reported and left out; a degenerate distribution
    (every draw equal) gives that value as the interval, with a warning.
    ``extend(draws) -> (draws, notes)`` adds what a method needs beyond the draws;
    ``what`` names the quantity in warnings. A one-sided ``alternative`` at level
    ``1 - alpha`` takes the end of the two-sided interval at level ``1 - 2 alpha``
    (whose tails hold ``alpha`` each) and opens the other end, as SciPy does.
    """
    estimate = np.asarray(estimate, dtype=float)
    notes = list(notes)
    finite = np.isfinite(distribution)
    n_nonfinite = int((~finite).sum())
    if n_nonfinite:
        message = (
            f"{what[0].upper() + what[1:]} was NaN or infinite on {n_nonfinite} of {distribution.size} resample values; "
            "they are left out of the standard error, bias and interval."
        )
        warnings.warn(ResampleWarning(message, kind=NoteKind.DEGENERATE), stacklevel=3)
        notes.append(Note(NoteKind.DEGENERATE, message))
    clean = np.where(finite, distribution, np.nan) if n_nonfinite else distribution
    mean = np.nanmean if n_nonfinite else np.mean
    with warnings.catch_warnings() if n_nonfinite else contextlib.nullcontext():  # catching costs 0.1 ms
        if n_nonfinite:
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices give NaN, reported above
        se = scaled_std(clean, axis=-1, ddof=1, nan=bool(n_nonfinite))
        bias = mean(clean, axis=-1) - estimate
    draws = Draws(estimate=estimate, distribution=clean, standard_error=se, bias=bias)
    if extend is not None:
        draws, more = extend(draws)
        notes.extend(more)  # Notes of the method (their kinds set where they are written)
    level = confidence_level if alternative == "two-sided" else 2 * confidence_level - 1
    low, high = METHODS[method](draws, level)
    top = np.nanmax(clean, axis=-1, initial=-np.inf)
    degenerate = top == np.nanmin(clean, axis=-1, initial=np.inf)
    if np.any(degenerate):
        where = "" if degenerate.ndim == 0 else f" at position(s) {np.argwhere(degenerate).tolist()}"
        message = (
            f"Every resample gave the same value of {what}{where} (degenerate data, e.g. all "
            "observations equal, or a quantity fixed by the model): its standard error is 0 and its "
            "interval is that single value."
        )
        warnings.warn(DegenerateWarning(message), stacklevel=3)
        notes.append(Note(NoteKind.DEGENERATE, message))
        low, high = np.where(degenerate, top, low), np.where(degenerate, top, high)
    if alternative == "less":
        low = np.full(np.shape(high), -np.inf)
    elif alternative == "greater":
        high = np.full(np.shape(low), np.inf)
    return BootstrapResult(
        estimate=_scalar(estimate),
        standard_error=_scalar(se),
        bias=_scalar(bias),
        confidence_interval=ConfidenceInterval(_scalar(low), _scalar(high)),
        confidence_level=confidence_level,
        bootstrap_distribution=distribution,
        method=method,
        n_resamples=distribution.shape[-1],
        notes=tuple(notes),
        n_nonfinite=n_nonfinite,
        bias_correction=None if draws.bias_correction is None else _scalar(draws.bias_correction),
        acceleration=None if draws.acceleration is None else _scalar(draws.acceleration),
        alternative=alternative,
        **fields,
    )
