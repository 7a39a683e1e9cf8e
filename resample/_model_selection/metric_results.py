"""Results of a run with several metrics: one :class:`CVResult` per metric, and ``cv_results_``.

``results_`` maps each metric's name to its result (an immutable mapping in the
user's order, with a one-row-per-metric table); ``cv_results_`` is the dict that
scikit-learn's ``cross_validate`` returns on the same splits (``test_<name>``,
``train_<name>``, ``fit_time``, ``score_time``, ``estimator``), so code written for
one reads the other.
"""

from collections.abc import Mapping

import numpy as np

from resample._utils.html_repr import estimate_rows, result_html

__all__ = ["CVResults", "cv_results_dict"]


class CVResults(Mapping):
    """Metric name -> :class:`~resample.CVResult`, in the order of ``scoring``.

    ``primary`` is the metric that ``estimate_``, ``result_`` and ``score`` report
    (``refit`` where it names one, else the first). With one metric (``scoring``
    a name, a callable or None) the only key is ``"score"``, as in
    ``cross_validate``.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from resample import KFoldCV
    >>> from resample.datasets import load_auto
    >>> auto = load_auto()
    >>> cv = KFoldCV(LinearRegression(), scoring=["neg_mean_squared_error", "r2"]).fit(
    ...     auto[["horsepower"]], auto["mpg"])
    >>> list(cv.results_), cv.results_.primary
    (['neg_mean_squared_error', 'r2'], 'neg_mean_squared_error')
    >>> list(cv.results_.to_frame().columns)
    ['metric', 'estimate', 'standard_error', 'low', 'high', 'computation']
    """

    def __init__(self, results, primary):
        self._results = dict(results)
        self.primary = primary

    def __getitem__(self, name):
        return self._results[name]

    def __iter__(self):
        return iter(self._results)

    def __len__(self):
        return len(self._results)

    def to_frame(self):
        """One row per metric: its estimate, standard error, interval and computation."""
        import pandas as pd

        return pd.DataFrame(
            {
                "metric": list(self._results),
                "estimate": [r.estimate for r in self.values()],
                "standard_error": [r.standard_error for r in self.values()],
                "low": [r.confidence_interval.low for r in self.values()],
                "high": [r.confidence_interval.high for r in self.values()],
                "computation": [r.computation for r in self.values()],
            }
        )

    def __repr__(self):
        inner = ", ".join(f"{name!r}: {r!r}" for name, r in self.items())
        return f"CVResults({{{inner}}}, primary={self.primary!r})"

    def _repr_html_(self):
        first = self[self.primary]
        rows = estimate_rows(
            [name + (" (primary)" if name == self.primary and len(self) > 1 else "") for name in self],
            [r.estimate for r in self.values()],
            [r.standard_error for r in self.values()],
            [r.confidence_interval.low for r in self.values()],
            [r.confidence_interval.high for r in self.values()],
        )
        notes = list(dict.fromkeys(n for r in self.values() for n in r.notes))  # each once, in order
        details = [("method", first.method), ("splits", first.n_splits)]
        details += [(f"computation of {name}", r.computation) for name, r in self.items()]
        return result_html(
            f"CVResults: {first.method}, {len(self)} metric{'s' if len(self) != 1 else ''}",
            estimate=None, standard_error=None, confidence_interval=None,
            confidence_level=first.confidence_level, interval_name=first.interval, details=details, notes=notes,
            rows=rows,
        )


def cv_results_dict(results, multimetric, estimators=None):
    """``cross_validate``'s dict of the same splits: ``fit_time``, ``score_time``, ``test_<name>``...

    With one metric the keys are ``test_score`` and ``train_score``, as scikit-learn's.
    """
    first = results[results.primary]
    n = first.n_splits
    out = {
        "fit_time": np.asarray(first.fit_times if first.fit_times is not None else np.zeros(n)),
        "score_time": np.asarray(first.score_times if first.score_times is not None else np.zeros(n)),
    }
    if estimators is not None:
        out["estimator"] = list(estimators)
    for name, r in results.items():
        key = name if multimetric else "score"
        out[f"test_{key}"] = np.asarray(r.scores)
        if r.train_scores is not None:
            out[f"train_{key}"] = np.asarray(r.train_scores)
    return out
