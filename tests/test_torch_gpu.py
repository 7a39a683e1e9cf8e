"""GPU checks of resample_torch: run on a machine with CUDA, skipped elsewhere.

``benchmarks/bench_torch_folds.py --device cuda`` measures the timing targets; these
tests check that "auto" picks the GPU, batches the folds there, and that batched and
one-by-one training agree on it. Not run in this project's own sessions so far: no
GPU machine was available to the session that wrote them.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn.base import clone  # noqa: E402

from resample import KFoldCV  # noqa: E402
from resample.splitters import BlockedKFold  # noqa: E402
from resample_torch import CharRNNLanguageModel, TorchClassifier, text_blocks  # noqa: E402

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]

TEXT = "".join(np.random.default_rng(0).choice(list("abcdefg \n"), 4000))


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_auto_batches_on_cuda_and_matches_one_by_one(cell):
    X = text_blocks(TEXT, 80)
    lm = CharRNNLanguageModel(cell, embedding_dim=16, hidden_size=64, bptt=32, batch_size=8, max_epochs=2,
                              dropout=0.1, device="auto", random_state=0)
    splits = list(BlockedKFold(5, gap=1).split(X))
    batched = lm.fit_folds(X, None, splits, [0] * 5)
    assert batched is not NotImplemented
    for b, (train, test) in zip(batched, splits):
        alone = clone(lm).fit(X[train])
        # looser than on the CPU (1e-4): the lone fits run cuDNN's own GRU/LSTM kernels,
        # which may round differently (TF32 where cuDNN allows it)
        np.testing.assert_allclose(b.history_["train_loss"], alone.history_["train_loss"], rtol=2e-3)
        assert b.score(X[test]) == pytest.approx(alone.score(X[test]), abs=2e-3)
    cv = KFoldCV(lm, cv=BlockedKFold(5, gap=1)).fit(X)
    assert cv.result_.batched


def test_weights_leave_the_gpu_unless_asked():
    Xn = np.random.default_rng(0).normal(size=(64, 3))
    y = (Xn[:, 0] > 0).astype(int)
    clf = TorchClassifier(max_epochs=2, device="cuda", random_state=0).fit(Xn, y)
    assert clf.device_.type == "cpu" and next(clf.module_.parameters()).is_cuda is False
    kept = TorchClassifier(max_epochs=2, device="cuda", keep_on_device=True, random_state=0).fit(Xn, y)
    assert next(kept.module_.parameters()).is_cuda
    np.testing.assert_allclose(kept.predict_proba(Xn), clf.predict_proba(Xn), atol=1e-5)
