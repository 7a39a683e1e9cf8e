"""Training scores per split (``return_train_score=True``, as scikit-learn's ``cross_validate``).

Each split's model scored on the rows it was fitted on. Set beside the test scores
they show how much a model overfits (a large gap) or underfits (both poor).

For the exact least-squares closed form no fold model is fitted: deleting the test
block ``S`` changes the fitted values of every row by ``-H[:, S] e_S = -Q (Q_S' e_S)``
(``H = Q Q'`` the smoother, ``e_S`` the held-out residuals; the identity behind
Davison & Hinkley's adjustment, :mod:`resample._model_selection.adjust`), so the fold
fit's predictions on its training rows cost one ``n x p`` product per split.
"""

import numpy as np

from resample._model_selection.scoring import score_predictions, score_split
from resample._utils.sklearn_compat import safe_indexing

__all__ = ["closed_form_train_scores", "refit_train_scores"]


def closed_form_train_scores(record, scorers):
    """``{name: training score per split}`` of a :class:`ClosedFormRecord` on complement splits.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.metrics import get_scorer
    >>> from resample._linalg.least_squares import LeastSquaresCV, _Plan
    >>> from resample._model_selection.records import ClosedFormRecord
    >>> from resample._model_selection.results import SplitIndices
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(12, 2)); y = X @ [1.0, -1.0] + rng.normal(size=12)
    >>> splits = SplitIndices(12, [np.arange(0, 6), np.arange(6, 12)])
    >>> ls = LeastSquaresCV(X, y, _Plan(True, 0.0, "LinearRegression"))
    >>> e = np.concatenate(ls.many_block_residuals([splits.test(0), splits.test(1)]))
    >>> record = ClosedFormRecord(splits, e, y[splits.test_index], ls, None)
    >>> train = closed_form_train_scores(record, {"r2": get_scorer("r2")})["r2"]
    >>> refit = LinearRegression().fit(X[6:], y[6:]).score(X[6:], y[6:])
    >>> bool(np.isclose(train[0], refit))
    True
    """
    ls, splits = record.least_squares, record.splits
    out = {name: np.empty(len(splits)) for name in scorers}
    for i, e in enumerate(record.split_residuals()):
        test = splits.test(i)
        keep = np.ones(ls.n, dtype=bool)
        keep[test] = False
        # residuals of the fit without the test rows, on the training rows: r + Q (Q_S' e_S)
        residuals = ls.residuals[keep] + ls.Q[keep] @ (ls.Q[test].T @ e)
        y_train = ls.y[keep]
        for name, scorer in scorers.items():
            out[name][i] = score_predictions(scorer, y_train, y_train - residuals).score
    return out


def refit_train_scores(record, X, y, scorers, error_score):
    """``{name: training score per split}`` of the fold models a refit record kept.

    A split whose fit failed gets ``error_score`` (as ``cross_validate``).
    """
    splits = record.splits
    out = {name: np.full(len(splits), np.nan) for name in scorers}
    failed = {i for i, _ in record.failures}
    for i, model in enumerate(record.fold_models):
        if i in failed or model is None:
            for name in scorers:
                out[name][i] = error_score if not isinstance(error_score, str) else np.nan
            continue
        train = splits[i][0]
        X_train = safe_indexing(X, train)
        y_train = None if y is None else safe_indexing(y, train)
        for name, scorer in scorers.items():
            out[name][i] = score_split(model, X_train, y_train, scorer).score
    return out
