"""The result of comparing two estimators on the same splits (:func:`resample.compare`)."""

from dataclasses import dataclass, field

import numpy as np

from resample._model_selection.results import ConfidenceInterval, SplitIndices

__all__ = ["ComparisonResult"]


@dataclass(frozen=True, eq=False)
class ComparisonResult:
    """The comparison of two estimators on the same splits.

    All scores are in the scorer's sign (for ``neg_mean_squared_error`` minus
    the MSE), so a positive ``difference`` means estimator ``a`` scores higher.

    Attributes
    ----------
    difference : float
        Estimated score of ``a`` minus score of ``b``: the mean split difference
        (``"corrected_t"``, ``"5x2cv_*"``), the bias-corrected nested estimate
        (``"nested"``) or the mean per-sample difference (``"paired"``).
    standard_error : float
        Its standard error under ``method``.
    confidence_interval : ConfidenceInterval
        ``difference -/+ q * standard_error``, ``q`` the t (``df`` finite) or
        normal quantile at ``confidence_level``.
    confidence_level : float
    statistic, pvalue : float
        The test of "no difference" and its two-sided p-value (one-sided upper
        tail for the F test of ``"5x2cv_f"``).
    df : float or tuple
        Degrees of freedom (inf for a normal reference, ``(10, 5)`` for the F test).
    method : str
    scoring : str
    estimate_a, estimate_b : float
        Each estimator's cross-validation estimate on the splits.
    scores_a, scores_b, differences : ndarray of shape (n_splits,)
        Split scores and their differences (for ``"nested"``: of the repeated
        outer k-fold splits of the nested run).
    splits : SplitIndices
    repeats : ndarray of shape (n_splits,)
        Repeat number of each split.
    sample_index, sample_differences : ndarray or None
        Per-sample held-out differences of the metric (``a - b``) with their rows,
        where the metric is a mean over samples.
    notes : tuple of str
    """

    difference: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    statistic: float
    pvalue: float
    df: object
    method: str
    scoring: str
    estimate_a: float
    estimate_b: float
    scores_a: np.ndarray = field(repr=False)
    scores_b: np.ndarray = field(repr=False)
    differences: np.ndarray = field(repr=False)
    splits: SplitIndices = field(repr=False)
    repeats: np.ndarray = field(repr=False)
    sample_index: np.ndarray | None = field(default=None, repr=False)
    sample_differences: np.ndarray | None = field(default=None, repr=False)
    notes: tuple = ()

    def to_frame(self):
        """One row per split: repeat, sizes, both scores and their difference.

        Examples
        --------
        >>> from sklearn.linear_model import LinearRegression, Ridge
        >>> from resample import compare
        >>> from resample.datasets import load_auto
        >>> auto = load_auto()
        >>> r = compare(LinearRegression(), Ridge(alpha=100.0), auto[["horsepower", "weight"]], auto["mpg"],
        ...             cv=5, n_repeats=2, scoring="neg_mean_squared_error", random_state=0)
        >>> list(r.to_frame().columns)
        ['split', 'repeat', 'n_train', 'n_test', 'score_a', 'score_b', 'difference']
        """
        import pandas as pd

        n = len(self.differences)
        return pd.DataFrame(
            {
                "split": np.arange(n),
                "repeat": self.repeats,
                "n_train": [self.splits.train_size(i) for i in range(n)],
                "n_test": [len(self.splits.test(i)) for i in range(n)],
                "score_a": self.scores_a,
                "score_b": self.scores_b,
                "difference": self.differences,
            }
        )

    def _repr_html_(self):
        """A small HTML table (difference, standard error, interval, test, notes) for Jupyter."""
        from resample._utils.html_repr import result_html

        details = [("estimate of a", f"{self.estimate_a:.6g}"), ("estimate of b", f"{self.estimate_b:.6g}"),
                   ("statistic", f"{self.statistic:.4g}"), ("p-value", f"{self.pvalue:.4g}"),
                   ("degrees of freedom", str(self.df)), ("method", self.method), ("splits", len(self.scores_a))]
        return result_html(
            "ComparisonResult", estimate=self.difference, standard_error=self.standard_error,
            confidence_interval=self.confidence_interval, confidence_level=self.confidence_level,
            interval_name=self.method, label=f"{self.scoring}: a - b", details=details, notes=self.notes,
        )

    def __repr__(self):
        low, high = self.confidence_interval
        return (
            f"ComparisonResult({self.method}, {self.scoring}: difference={self.difference:.6g} (a - b), "
            f"standard_error={self.standard_error:.3g}, {self.confidence_level:.0%} CI=({low:.6g}, {high:.6g}), "
            f"statistic={self.statistic:.4g}, pvalue={self.pvalue:.4g}, n_splits={len(self.differences)})"
        )
