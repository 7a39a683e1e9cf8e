"""Two by-products of one k-fold pass: the bias-adjusted estimate and out-of-fold predictions.

Davison and Hinkley (1997, "Bootstrap Methods and their Application", section 6.4,
eq. 6.48; R's ``boot::cv.glm``, ``delta[2]``). A fold model is fitted on fewer rows
than the final model, so k-fold CV is biased (pessimistic for a loss). The
adjustment adds the apparent error of the full fit and subtracts the fold models'
average apparent error on all the data::

    CV_adj = CV_K + L(y, full fit) - sum_k (n_k / n) L(y, fold-k fit on all n rows)

where ``L`` is the mean per-sample value of the metric. For repeated k-fold (or any
set of complement splits) the weights are ``n_test_i / sum_j n_test_j``, which is
``n_k / n`` within one partition averaged over the repeats.

Out-of-fold predictions: each row's held-out predictions averaged over the splits
that held it out (repeated k-fold, validation-set repeats); class labels by majority
vote.
"""

import numpy as np

from resample._model_selection.records import ClosedFormRecord
from resample._model_selection.scoring import score_split
from resample._utils.notes import Note, NoteKind

__all__ = ["dh_adjusted", "dh_adjusted_closed_form", "dh_adjusted_refits", "oof_average"]


def dh_adjusted(record, final, X, y, scorer, estimate):
    """Davison-Hinkley adjusted estimate of a held-out record: ``(value, notes)``.

    NaN, with a note saying why, where it is undefined: a metric that is not a mean
    over samples, training sets that are not complements, failed splits, or (for
    refits) no model fitted on all the data.
    """
    why = None
    if record.sample_values is None:
        why = "the metric is not a mean over samples"
    elif not record.splits.is_partition_complement:
        why = "the training sets are not the complements of the test sets"
    elif record.failures:
        why = "some splits failed"
    elif record.computation == "approximate":
        why = "the held-out values are approximate (shortcut='approximate')"
    elif not isinstance(record, ClosedFormRecord) and (final is None or record.all_rows is None):
        why = "it needs the model fitted on all the data (refit=True)"
    if why is not None:
        return float("nan"), (Note(NoteKind.NO_ADJUSTMENT, f"no Davison-Hinkley adjusted estimate: {why}"),)
    if isinstance(record, ClosedFormRecord):
        value = dh_adjusted_closed_form(record.least_squares, record.splits, record.split_residuals(), estimate)
    else:
        value = dh_adjusted_refits(record.all_rows, final, X, y, record.splits, scorer, estimate)
    return value, ()


def _weights(splits, ok):
    n_test = np.array([len(splits.test(i)) for i in ok], dtype=float)
    return n_test / n_test.sum()


def dh_adjusted_closed_form(ls, splits, residuals, estimate):
    """Davison-Hinkley adjusted k-fold estimate of a least-squares fit (scorer sign: minus MSE).

    The fold fit's values on all rows need no refit: deleting the block ``S``
    changes the fitted values by ``- H[:, S] e_S = - Q (Q_S' e_S)``.

    Examples
    --------
    >>> from resample._linalg.least_squares import LeastSquaresCV, _Plan
    >>> from resample._model_selection.results import SplitIndices
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(9, 2)); y = rng.normal(size=9)
    >>> ls = LeastSquaresCV(X, y, _Plan(True, 0.0, "LinearRegression"))
    >>> folds = [np.arange(0, 3), np.arange(3, 6), np.arange(6, 9)]
    >>> splits = SplitIndices.from_pairs(9, [(np.setdiff1d(np.arange(9), t), t) for t in folds])
    >>> e = [ls.block_residuals(splits.test(i)) for i in range(3)]
    >>> cv = -np.mean(np.concatenate(e) ** 2)
    >>> adj = dh_adjusted_closed_form(ls, splits, e, cv)
    >>> bool(adj > cv)  # for a loss, the adjustment makes CV less pessimistic
    True
    """
    w = _weights(splits, range(len(splits)))
    r = ls.residuals
    apparent = -float(np.mean(r**2))
    # the fold fit's residuals on all rows are r + Q c with c = Q_S' e_S, so their mean
    # square is (r'r + 2 (Q'r)'c + c'(Q'Q)c) / n: two passes over Q in all, not one per fold
    C = np.stack([ls.Q[splits.test(i)].T @ e for i, e in enumerate(residuals)])  # (K, p)
    a, M = ls.Q.T @ r, ls.Q.T @ ls.Q
    fold_all = -(r @ r + 2 * C @ a + np.einsum("kp,pq,kq->k", C, M, C)) / ls.n
    return float(estimate + apparent - w @ fold_all)


def dh_adjusted_refits(fold_all, final, X, y, splits, scorer, estimate):
    """Davison-Hinkley adjusted estimate from the fold models' scores on all rows and the full fit.

    ``fold_all[i]`` is the mean per-sample value, on every row, of the model fitted
    on the training rows of split ``i`` (computed where that model was fitted, so
    the fold models need not be kept); ``final`` was fitted on all rows. ``scorer``
    must be a mean over samples (its per-sample values are used).
    """
    w = _weights(splits, range(len(splits)))
    apparent = float(score_split(final, X, y, scorer).values.mean())
    return float(estimate + apparent - w @ np.asarray(fold_all, dtype=float))


def oof_average(sample_index, predictions, n_samples, vote=False):
    """Per-row average of held-out predictions, and how many there were.

    Parameters
    ----------
    sample_index : ndarray of shape (m,)
        Row of every held-out prediction.
    predictions : ndarray of shape (m,) or (m, k)
        Held-out predictions (values, or class probabilities / scores per column).
    n_samples : int
    vote : bool, default=False
        Class labels: the most frequent label per row (ties: the smallest label).

    Returns
    -------
    oof : ndarray of shape (n_samples,) or (n_samples, k)
        NaN (None for non-numeric labels) where a row was never held out.
    counts : ndarray of shape (n_samples,)

    Examples
    --------
    >>> oof, counts = oof_average(np.array([0, 1, 0, 2]), np.array([1.0, 2.0, 3.0, 4.0]), 4)
    >>> oof.tolist(), counts.tolist()
    ([2.0, 2.0, 4.0, nan], [2, 1, 1, 0])
    >>> oof_average(np.array([0, 0, 0]), np.array(["a", "b", "b"]), 1, vote=True)[0].tolist()
    ['b']
    """
    sample_index = np.asarray(sample_index, dtype=np.intp)
    predictions = np.asarray(predictions)
    counts = np.bincount(sample_index, minlength=n_samples)
    seen = counts > 0
    if vote:
        labels, codes = np.unique(predictions, return_inverse=True)
        tally = np.zeros((n_samples, len(labels)), dtype=np.intp)
        np.add.at(tally, (sample_index, codes.ravel()), 1)
        best = labels[np.argmax(tally, axis=1)]
        if best.dtype.kind in "biuf":
            out = best.astype(float)
            out[~seen] = np.nan
        else:
            out = best.astype(object)
            out[~seen] = None
        return out, counts
    values = predictions.astype(float)
    total = np.zeros((n_samples,) + values.shape[1:])
    np.add.at(total, sample_index, values)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = total / counts.reshape((-1,) + (1,) * (values.ndim - 1))
    return out, counts
