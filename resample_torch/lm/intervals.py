"""Intervals on held-out perplexity: a bootstrap over blocks of text.

Characters of a text are not independent, so the unit of resampling is the block
(a row of ``X``), as in a non-overlapping block bootstrap. Perplexity is a ratio
(summed negative log-likelihood over summed characters), so each resample takes
the ratio of its sums rather than the mean of per-block perplexities, which would
weight short blocks as much as long ones. The bootstrap itself is the core's
:func:`resample.bootstrap` (paired over the two per-block columns).
"""

from dataclasses import dataclass

import numpy as np

from resample import bootstrap
from resample_torch._checks import check_choice
from resample_torch.lm.model import BlockLogLikelihood, CharRNNLanguageModel
from resample_torch.lm.text import as_blocks

__all__ = [
    "PerplexityInterval",
    "block_bootstrap_perplexity",
    "cross_val_block_log_likelihood",
    "cv_perplexity_interval",
]

_UNITS = {
    # unit -> f(mean nll per symbol in nats)
    "perplexity": np.exp,
    "bits_per_char": lambda nll: nll / np.log(2),
    "nats_per_char": lambda nll: nll,
}


def cross_val_block_log_likelihood(cv, X):
    """Held-out log-likelihood of every row of ``X`` from a fitted cross-validation.

    Each row is scored by the fold model that did not see it, with the hidden state
    carried through the rest of its test block, exactly as the cross-validation
    scored it. The CV estimator must have kept its fold models
    (``return_estimator=True``).

    Parameters
    ----------
    cv : fitted KFoldCV, ValidationSetCV or LeaveOneOutCV
    X : the rows the cross-validation was fitted on

    Returns
    -------
    BlockLogLikelihood
        Per-row log-likelihood (nats) and number of symbols; rows that no split
        tested have zero symbols.

    Examples
    --------
    >>> from resample import KFoldCV
    >>> from resample.splitters import BlockedKFold
    >>> from resample_torch import NGramLanguageModel, text_blocks
    >>> X = text_blocks("abcab" * 12, block_len=10)
    >>> cv = KFoldCV(NGramLanguageModel(), cv=BlockedKFold(3), return_estimator=True).fit(X)
    >>> held = cross_val_block_log_likelihood(cv, X)
    >>> int(held.n_symbols.sum()), bool((held.log_likelihood < 0).all())
    (60, True)
    """
    models = getattr(cv, "estimators_", None)
    if models is None:
        raise ValueError(
            "cv has no fold models (estimators_); fit it with return_estimator=True to score the held-out blocks."
        )
    rows = as_blocks(X)
    ll = np.zeros(len(rows))
    counts = np.zeros(len(rows), dtype=np.int64)
    splits = cv.result_.splits
    for i, model in enumerate(models):
        test = splits.test(i)
        if model is None or len(test) == 0:
            continue
        fold = model.block_log_likelihood([rows[j] for j in test])
        ll[test] += fold.log_likelihood
        counts[test] += fold.n_symbols
    return BlockLogLikelihood(ll, counts)


def _units(source, groups):
    """Summed NLL and symbols of each resampling unit: a scored row, or a document of them."""
    n_sym = np.asarray(source.n_symbols)
    keep = n_sym > 0  # rows no split tested carry no information
    nll = -np.asarray(source.log_likelihood, dtype=float)
    n = n_sym.astype(float)
    what = "blocks"
    if groups is not None:
        groups = np.asarray(groups)
        if groups.shape != n_sym.shape:
            raise ValueError(f"groups has {groups.size} entries but there are {n_sym.size} rows; give one "
                             "document id per row of X.")
        labels, inverse = np.unique(groups[keep], return_inverse=True)
        nll = np.bincount(inverse, weights=nll[keep], minlength=len(labels))
        n = np.bincount(inverse, weights=n[keep], minlength=len(labels))
        what = "documents"
    else:
        nll, n = nll[keep], n[keep]
    if len(nll) < 2:
        raise ValueError(f"a bootstrap over {what} needs at least 2 scored {what}; got {len(nll)}.")
    return nll, n


def block_bootstrap_perplexity(
    source,
    X=None,
    *,
    unit="perplexity",
    n_resamples=1999,
    method="percentile",
    confidence_level=0.95,
    block_length=None,
    block="stationary",
    groups=None,
    rng=None,
):
    """Bootstrap interval of held-out perplexity (or bits per character), resampling blocks or documents.

    Parameters
    ----------
    source : CharRNNLanguageModel or BlockLogLikelihood
        A fitted model (then ``X`` is the held-out text, one block per row), or
        per-block log-likelihoods already computed (for example by
        :func:`cross_val_block_log_likelihood`).
    X : sequence of str, default=None
        Held-out text blocks, when ``source`` is a model.
    unit : {"perplexity", "bits_per_char", "nats_per_char"}, default="perplexity"
    n_resamples : int, default=1999
    method : str, default="percentile"
        Any interval method of :func:`resample.bootstrap`.
    confidence_level : float, default=0.95
    block_length : None, int, float or "auto", default=None
        None resamples the text blocks (rows) independently. Consecutive blocks of a
        text are dependent too (a topic runs over several): a length resamples runs
        of that many consecutive rows, by the core's block bootstrap (see
        :func:`resample.bootstrap`; "auto" picks it from the per-row NLL series).
    block : {"stationary", "circular", "moving"}, default="stationary"
        The block bootstrap when ``block_length`` is given.
    groups : array-like of shape (n_rows,), default=None
        Document of each row (for :func:`text_blocks` rows,
        ``[b.document for b in X]``). Blocks of one document are correlated, so
        with ``groups`` the unit of resampling is the whole document: its blocks'
        log-likelihoods and symbols are summed first and documents are drawn with
        replacement (a cluster bootstrap). With ``block_length`` too, runs of
        consecutive documents are resampled.
    rng : None, int or numpy.random.Generator, default=None

    Returns
    -------
    resample.BootstrapResult
        ``estimate`` is the statistic on all blocks: ``unit`` of the ratio of summed
        NLL to summed symbols.

    Examples
    --------
    >>> import numpy as np
    >>> ll = BlockLogLikelihood(np.array([-10.0, -12.0, -9.0, -11.0]), np.array([8, 8, 8, 8]))
    >>> res = block_bootstrap_perplexity(ll, unit="nats_per_char", n_resamples=200, rng=0)
    >>> round(res.estimate, 4), res.confidence_interval.low <= res.estimate <= res.confidence_interval.high
    (1.3125, True)
    """
    check_choice(unit, "unit", _UNITS)
    if isinstance(source, CharRNNLanguageModel):
        if X is None:
            raise ValueError("X is None: pass the held-out text blocks to score with the model.")
        source = source.block_log_likelihood(X)
    elif not isinstance(source, BlockLogLikelihood):
        raise TypeError(
            "source must be a fitted CharRNNLanguageModel or a BlockLogLikelihood; "
            f"got {type(source).__name__}."
        )
    nll, n = _units(source, groups)
    transform = _UNITS[unit]

    def statistic(nll, n, axis=-1):
        return transform(nll.sum(axis=axis) / n.sum(axis=axis))

    return bootstrap(
        (nll, n),
        statistic,
        paired=True,
        vectorized=True,
        n_resamples=n_resamples,
        method=method,
        confidence_level=confidence_level,
        block_length=block_length,
        block=block,
        rng=rng,
    )


@dataclass(frozen=True, eq=False)
class PerplexityInterval:
    """Held-out perplexity of a cross-validation: the bootstrap interval beside the fold-to-fold spread.

    ``estimate`` pools every held-out symbol. ``bootstrap`` resamples documents
    (with ``groups``) or blocks; ``fold_scores`` are the folds' own values, whose
    standard deviation over sqrt(folds) is ``cv_standard_error``. When the two
    standard errors differ by more than a factor of 2, ``notes`` says so: a
    bootstrap over correlated blocks is too narrow, and folds that differ in what
    they hold out (files, topics) spread more than resampling within them can show.
    """

    estimate: float
    unit: str
    resampled: str
    n_units: int
    bootstrap: object
    fold_scores: np.ndarray
    cv_standard_error: float
    cv_interval: tuple
    notes: tuple

    @property
    def bootstrap_interval(self):
        return self.bootstrap.confidence_interval

    def to_frame(self):
        """One row per source of uncertainty: estimate, standard error, interval."""
        import pandas as pd

        ci = self.bootstrap_interval
        return pd.DataFrame(
            {
                "method": [f"bootstrap over {self.n_units} {self.resampled}", f"CV, {len(self.fold_scores)} folds"],
                "estimate": [self.estimate, float(np.mean(self.fold_scores))],
                "standard_error": [float(self.bootstrap.standard_error), self.cv_standard_error],
                "low": [float(ci.low), self.cv_interval[0]],
                "high": [float(ci.high), self.cv_interval[1]],
            }
        )

    def __repr__(self):
        ci = self.bootstrap_interval
        return (f"PerplexityInterval({self.unit} {self.estimate:.4g}; bootstrap over {self.n_units} "
                f"{self.resampled}: ({ci.low:.4g}, {ci.high:.4g}), SE {self.bootstrap.standard_error:.3g}; "
                f"CV SE over {len(self.fold_scores)} folds {self.cv_standard_error:.3g})")


def cv_perplexity_interval(cv, X, *, groups=None, unit="bits_per_char", n_resamples=1999, method="percentile",
                           confidence_level=0.95, rng=None):
    """Held-out perplexity of a fitted cross-validation with two honest error bars side by side.

    Parameters
    ----------
    cv : fitted KFoldCV (or another CV estimator) of a language model, with
        ``return_estimator=True``
    X : the rows it was fitted on
    groups : array-like, default=None
        Document of each row: resample whole documents (see
        :func:`block_bootstrap_perplexity`).
    unit, n_resamples, method, confidence_level, rng
        As :func:`block_bootstrap_perplexity`.

    Returns
    -------
    PerplexityInterval
        The bootstrap result, the per-fold scores, the CV standard error and its
        normal interval, and a note when the two disagree by more than 2x.

    Examples
    --------
    >>> from resample import KFoldCV
    >>> from resample.splitters import BlockedKFold
    >>> from resample_torch import NGramLanguageModel, text_blocks
    >>> X = text_blocks({"a": "abcab" * 12, "b": "bcaab" * 12, "c": "cabba" * 12}, block_len=10)
    >>> cv = KFoldCV(NGramLanguageModel(), cv=BlockedKFold(3), return_estimator=True).fit(X)
    >>> res = cv_perplexity_interval(cv, X, groups=[b.document for b in X], n_resamples=200, rng=0)
    >>> res.resampled, res.n_units, len(res.fold_scores)
    ('documents', 3, 3)
    """
    from scipy.stats import norm

    if unit not in _UNITS:
        raise ValueError(f"unit={unit!r} is not supported; allowed: {', '.join(repr(u) for u in _UNITS)}.")
    held = cross_val_block_log_likelihood(cv, X)
    boot = block_bootstrap_perplexity(held, unit=unit, n_resamples=n_resamples, method=method,
                                      confidence_level=confidence_level, groups=groups, rng=rng)
    transform = _UNITS[unit]
    splits = cv.result_.splits
    folds = []
    for i in range(len(splits)):
        test = splits.test(i)
        nll, n = -held.log_likelihood[test].sum(), held.n_symbols[test].sum()
        if n > 0:
            folds.append(float(transform(nll / n)))
    folds = np.array(folds)
    se = float(np.std(folds, ddof=1) / np.sqrt(len(folds))) if len(folds) > 1 else float("nan")
    z = norm.ppf(0.5 + confidence_level / 2)
    estimate = float(boot.estimate)
    notes = []
    b_se = float(boot.standard_error)
    resampled = "documents" if groups is not None else "blocks"
    if np.isfinite(se) and b_se > 0 and not 0.5 <= b_se / se <= 2:
        notes.append(
            f"the bootstrap over {resampled} (SE {b_se:.3g}) and the spread of the {len(folds)} fold scores "
            f"(SE {se:.3g}) disagree by {max(b_se / se, se / b_se):.1f}x: "
            + ("resampled units are correlated or folds differ in what they hold out; "
               "resample whole documents (groups=) or report the CV interval" if b_se < se else
               "the folds agree more than resampling suggests; the bootstrap interval is the cautious one")
        )
    return PerplexityInterval(estimate, unit, resampled, _n_units(held, groups),
                              boot, folds, se, (estimate - z * se, estimate + z * se), tuple(notes))


def _n_units(held, groups):
    return len(_units(held, groups)[0])
