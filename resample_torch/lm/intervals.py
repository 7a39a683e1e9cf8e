"""Intervals on held-out perplexity: a bootstrap over blocks of text.

Characters of a text are not independent, so the unit of resampling is the block
(a row of ``X``), as in a non-overlapping block bootstrap. Perplexity is a ratio
(summed negative log-likelihood over summed characters), so each resample takes
the ratio of its sums rather than the mean of per-block perplexities, which would
weight short blocks as much as long ones. The bootstrap itself is the core's
:func:`resample.bootstrap` (paired over the two per-block columns).
"""

import numpy as np

from resample import bootstrap

from resample_torch.lm.model import BlockLogLikelihood, CharRNNLanguageModel
from resample_torch.lm.text import as_blocks

__all__ = ["block_bootstrap_perplexity", "cross_val_block_log_likelihood"]

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
    (``return_estimators=True``).

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
    >>> cv = KFoldCV(NGramLanguageModel(), cv=BlockedKFold(3), return_estimators=True).fit(X)
    >>> held = cross_val_block_log_likelihood(cv, X)
    >>> int(held.n_symbols.sum()), bool((held.log_likelihood < 0).all())
    (60, True)
    """
    models = getattr(cv, "estimators_", None)
    if models is None:
        raise ValueError(
            "cv has no fold models (estimators_); fit it with return_estimators=True to score the held-out blocks."
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
    rng=None,
):
    """Bootstrap interval of held-out perplexity (or bits per character), resampling blocks.

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
    if unit not in _UNITS:
        raise ValueError(f"unit={unit!r} is not supported; allowed: {', '.join(repr(u) for u in _UNITS)}.")
    if isinstance(source, CharRNNLanguageModel):
        if X is None:
            raise ValueError("X is None: pass the held-out text blocks to score with the model.")
        source = source.block_log_likelihood(X)
    elif not isinstance(source, BlockLogLikelihood):
        raise TypeError(
            "source must be a fitted CharRNNLanguageModel or a BlockLogLikelihood; "
            f"got {type(source).__name__}."
        )
    keep = np.asarray(source.n_symbols) > 0  # rows no split tested carry no information
    nll = -np.asarray(source.log_likelihood, dtype=float)[keep]
    n = np.asarray(source.n_symbols, dtype=float)[keep]
    if len(nll) < 2:
        raise ValueError(f"a block bootstrap needs at least 2 scored blocks; got {len(nll)}.")
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
