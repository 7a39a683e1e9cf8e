"""The runnable example and the n-gram baselines: run tiny, so that neither rots."""

import importlib.util
import math
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from resample import KFoldCV  # noqa: E402
from resample.splitters import BlockedKFold  # noqa: E402
from resample_torch import NGramLanguageModel, text_blocks  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..")


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def test_pydoc_example_runs(capsys):
    path = os.path.join(ROOT, "examples", "char_lm_pydoc.py")
    spec = importlib.util.spec_from_file_location("char_lm_pydoc", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.main(["--chars", "6000", "--hidden-size", "8", "--embedding-dim", "4", "--epochs", "1",
                        "--batch-size", "4", "--bootstrap", "50", "--sample-len", "20", "--device", "cpu"])
    out = capsys.readouterr().out
    assert "| bigram (smoothed to unigram) |" in out and "temperature 1.0" in out
    unigram, bigram = (-cv.estimate_ / math.log(2) for _, cv, _ in rows[:2])
    assert bigram < unigram < 8  # the bigram beats the unigram on real text


def test_ngram_models_on_the_same_folds():
    text = "abcabcabcabd" * 30
    X = text_blocks(text, 24)
    scores = {}
    for order in (1, 2):
        cv = KFoldCV(NGramLanguageModel(order=order), cv=BlockedKFold(3, gap=1)).fit(X)
        scores[order] = cv.estimate_
    assert scores[2] > scores[1]  # higher log-likelihood
    uni = NGramLanguageModel(order=1).fit(["aab"])
    # add-one over 256 byte symbols: P(a) = 3/259, P(b) = 2/259
    assert uni.score("ab") == pytest.approx((math.log(3 / 259) + math.log(2 / 259)) / 2)
    bi = NGramLanguageModel(order=2, alphabet="ab").fit(["abab"])
    ll = bi.block_log_likelihood(["ab", "ba"])
    assert ll.n_symbols.tolist() == [2, 2] and np.all(ll.log_likelihood < 0)
    with pytest.raises(ValueError, match=r"order=3 is out of range: it must be an int in the range \[1, 2\]"):
        NGramLanguageModel(order=3).fit(["ab"])
    with pytest.raises(ValueError, match=r"the training text is empty"):
        NGramLanguageModel().fit([""])
