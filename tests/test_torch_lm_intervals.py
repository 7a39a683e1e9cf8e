"""Honest intervals for language models: whole documents resampled, the CV SE beside the bootstrap."""

import numpy as np
import pytest

pytest.importorskip("torch")

from resample import KFoldCV
from resample.splitters import BlockedKFold
from resample_torch import (
    BlockLogLikelihood,
    NGramLanguageModel,
    block_bootstrap_perplexity,
    cv_perplexity_interval,
    text_blocks,
)


def test_document_bootstrap_se_equals_the_linearised_ratio_se():
    """Resampling 40 documents: the bootstrap SE of the pooled NLL per symbol equals the
    delta-method SE of a ratio, sqrt(sum_d (nll_d - R n_d)^2) / sum_d n_d, to 10%.
    (Seeded; 4000 resamples give a Monte Carlo error near 1%, so 10% fails essentially never.)"""
    rng = np.random.default_rng(1)
    docs = np.repeat(np.arange(40), 5)  # 5 blocks per document
    doc_level = rng.normal(2.0, 0.4, 40)[docs]  # blocks of a document share its difficulty
    n = rng.integers(50, 300, docs.size)
    nll = n * (doc_level + rng.normal(0, 0.05, docs.size))
    held = BlockLogLikelihood(-nll, n)
    res = block_bootstrap_perplexity(held, unit="nats_per_char", groups=docs, n_resamples=4000, rng=0)
    N, L = np.bincount(docs, weights=n), np.bincount(docs, weights=nll)
    R = L.sum() / N.sum()
    assert res.estimate == pytest.approx(R)
    delta = np.sqrt(np.sum((L - R * N) ** 2)) / N.sum()
    assert res.standard_error == pytest.approx(delta, rel=0.10)
    # treating the 200 correlated blocks as independent is much too narrow here
    blocks = block_bootstrap_perplexity(held, unit="nats_per_char", n_resamples=4000, rng=0)
    assert blocks.standard_error < 0.6 * res.standard_error


def test_groups_must_match_the_rows():
    held = BlockLogLikelihood(np.array([-1.0, -2.0, -3.0]), np.array([1, 1, 1]))
    with pytest.raises(ValueError, match=r"groups has 2 entries but there are 3 rows"):
        block_bootstrap_perplexity(held, groups=[0, 1])
    with pytest.raises(ValueError, match=r"a bootstrap over documents needs at least 2 scored documents; got 1"):
        block_bootstrap_perplexity(held, groups=[0, 0, 0])


def _corpus():
    # six documents of one alphabet whose predictability falls from the first to the
    # last (a repeated phrase, 3 random letters, 9 random letters): BlockedKFold(3)
    # holds out two alike documents per fold, so the fold scores differ far more than
    # resampling blocks (most of which the other folds resemble) can show
    rng = np.random.default_rng(0)
    easy = "abc " * 150
    return {
        "d0": easy, "d1": easy[1:] + "a",
        "d2": "".join(rng.choice(list("abc"), 600)), "d3": "".join(rng.choice(list("abc"), 600)),
        "d4": "".join(rng.choice(list("abcdefgh "), 600)), "d5": "".join(rng.choice(list("abcdefgh "), 600)),
    }


def test_cv_interval_reports_both_and_notes_the_disagreement():
    X = text_blocks(_corpus(), 50)
    groups = [b.document for b in X]
    cv = KFoldCV(NGramLanguageModel(), cv=BlockedKFold(3), return_estimator=True).fit(X)
    blocks = cv_perplexity_interval(cv, X, n_resamples=500, rng=0)
    docs = cv_perplexity_interval(cv, X, groups=groups, n_resamples=500, rng=0)
    assert blocks.resampled == "blocks" and blocks.n_units == len(X)
    assert docs.resampled == "documents" and docs.n_units == 6
    # fold scores recomputed from the CV's own per-fold held-out scores (nats, higher is better)
    np.testing.assert_allclose(blocks.fold_scores, -np.asarray(cv.scores_) / np.log(2), rtol=1e-10)
    se = np.std(blocks.fold_scores, ddof=1) / np.sqrt(3)
    assert blocks.cv_standard_error == pytest.approx(se)
    assert blocks.bootstrap.standard_error < 0.5 * se
    assert blocks.notes and "disagree" in blocks.notes[0] and "groups=" in blocks.notes[0]
    assert docs.bootstrap.standard_error > 2 * blocks.bootstrap.standard_error
    frame = docs.to_frame()
    assert list(frame["method"]) == ["bootstrap over 6 documents", "CV, 3 folds"]
