"""Every error message of resample_torch, raised before any training starts."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from resample import KFoldCV  # noqa: E402
from resample.splitters import BlockedKFold  # noqa: E402
from resample_torch import CharRNNLanguageModel, TorchClassifier, TorchRegressor, text_blocks  # noqa: E402
from resample_torch.lm import batched as _batched  # noqa: E402
from resample_torch.lm import model as _lm  # noqa: E402
from resample_torch.tabular import supervised as _estimators  # noqa: E402
from resample_torch._checks import check_device  # noqa: E402


@pytest.fixture(autouse=True)
def no_training(monkeypatch):
    """Any training that starts fails the test: errors must come first."""

    def trained(*args, **kwargs):
        raise AssertionError("training started before the input was checked")

    monkeypatch.setattr(_lm, "train_single", trained)
    monkeypatch.setattr(_batched, "train_stacked", trained)
    monkeypatch.setattr(_estimators, "train_loop", trained)
    monkeypatch.setattr(_estimators, "run_epochs", trained)


TEXT = "abc " * 100
X = text_blocks(TEXT, 20)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"bptt": 0}, ValueError, r"bptt=0 is out of range: it must be an int in the range \[1, inf\)"),
        ({"bptt": 2.5}, TypeError, r"bptt must be an int in the range \[1, inf\); got 2.5"),
        ({"cell": "transformer"}, ValueError, r"cell='transformer' is not allowed: it must be one of 'gru', 'lstm', 'rnn'"),
        ({"device": "tpu"}, ValueError, r"device='tpu' is not a torch device; allowed: 'auto', 'cpu'"),
        ({"device": 3}, TypeError, r"device must be a string or a torch.device; got 3"),
        ({"hidden_size": 0}, ValueError, r"hidden_size=0 is out of range"),
        ({"num_layers": 0}, ValueError, r"num_layers=0 is out of range"),
        ({"embedding_dim": -1}, ValueError, r"embedding_dim=-1 is out of range"),
        ({"dropout": 1.0}, ValueError, r"dropout=1.0 is out of range: it must be a float in the range \[0.0, 1.0\)"),
        ({"lr": 0}, ValueError, r"lr=0 is out of range: it must be a float in the range \(0.0, inf\)"),
        ({"grad_clip": -1.0}, ValueError, r"grad_clip=-1.0 is out of range"),
        ({"optimizer": "lbfgs"}, ValueError, r"optimizer='lbfgs' is not allowed: it must be one of 'adam', 'sgd'"),
        ({"weight_decay": -0.1}, ValueError, r"weight_decay=-0.1 is out of range"),
        ({"alphabet": "aab"}, ValueError, r"alphabet repeats the characters 'a'"),
        ({"alphabet": ""}, TypeError, r"alphabet must be None \(UTF-8 bytes\) or a non-empty string"),
        ({"batch_folds": "yes"}, ValueError, r"batch_folds='yes' is not allowed: it must be one of 'auto', True, False"),
        ({"max_epochs": 0}, ValueError, r"max_epochs=0 is out of range"),
        ({"progress": "yes"}, TypeError, r"progress must be True or False; got 'yes'"),
    ],
)
def test_bad_parameters(params, error, match):
    with pytest.raises(error, match=match):
        CharRNNLanguageModel(**params).fit(X)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message on a machine without CUDA")
def test_cuda_without_cuda():
    with pytest.raises(ValueError, match=r"device='cuda' but CUDA is not available on this machine"):
        CharRNNLanguageModel(device="cuda").fit(X)
    with pytest.raises(ValueError, match=r"device='cuda:1' but CUDA is not available"):
        check_device("cuda:1")


def test_bad_text():
    with pytest.raises(ValueError, match=r"corpus is empty"):
        text_blocks("", 10)
    with pytest.raises(ValueError, match=r"corpus has 5 characters, fewer than block_len=10 in every document"):
        text_blocks("abcde", 10, drop_last=True)
    with pytest.raises(ValueError, match=r"block_len=0 is out of range"):
        text_blocks("abcde", 0)
    with pytest.raises(TypeError, match=r"corpus must be a str, a list of str or a dict of str"):
        text_blocks(42)
    with pytest.raises(TypeError, match=r"corpus document 1 must be a str"):
        text_blocks(["abc", 5])
    with pytest.raises(ValueError, match=r"the training text is empty: X has 0 rows"):
        CharRNNLanguageModel().fit([])
    with pytest.raises(ValueError, match=r"the training text is empty"):
        CharRNNLanguageModel().fit(["", ""])
    with pytest.raises(ValueError, match=r"the training text has 5 symbols in 1 stretch\(es\), too few for batch_size=16"):
        CharRNNLanguageModel(batch_size=16).fit(["abcde"])
    with pytest.raises(TypeError, match=r"X\[1\] must be a str \(a block of text"):
        CharRNNLanguageModel().fit(["abc", 3])


def test_gap_that_leaves_no_training_data():
    lm = CharRNNLanguageModel(batch_folds=True, device="cpu")
    with pytest.raises(ValueError, match=r"gap=3 leaves fold 0 .* with no training data"):
        KFoldCV(lm, cv=BlockedKFold(2, gap=3)).fit(text_blocks("abcdefgh", 2))
    with pytest.raises(ValueError, match=r"split 1 has no training rows; use a smaller gap or more folds"):
        lm.fit_folds(X, None, [(np.arange(5), np.arange(5, 10)), (np.array([], int), np.arange(5))], [0, 0])
    with pytest.raises(ValueError, match=r"the training text of split 0 has 3 symbols"):
        lm.set_params(batch_size=30).fit_folds(text_blocks("abc" * 4, 3), None, [(np.array([0]), np.arange(1, 4))], [0])


def test_sampling_arguments():
    lm = CharRNNLanguageModel()
    with pytest.raises(Exception, match=r"not fitted"):
        lm.sample(5)
    lm.vocabulary_ = None  # only the argument checks run below: they come first
    lm.module_ = None
    with pytest.raises(ValueError, match=r"temperature=-1 is out of range: it must be a float in the range \[0.0, inf\)"):
        lm.sample(5, temperature=-1)
    with pytest.raises(ValueError, match=r"n=-1 is out of range"):
        lm.sample(-1)
    with pytest.raises(TypeError, match=r"prime must be a str"):
        lm.sample(3, prime=5)


def test_torch_estimator_errors():
    Xn, y = np.zeros((10, 2)), np.arange(10) % 2
    with pytest.raises(TypeError, match=r"module must be an nn.Module class or a factory function, not an instance"):
        TorchClassifier(torch.nn.Linear(2, 2)).fit(Xn, y)
    with pytest.raises(TypeError, match=r"module must be an nn.Module class or a callable factory; got 'mlp'"):
        TorchRegressor("mlp").fit(Xn, y)
    with pytest.raises(TypeError, match=r"module_params must be a dict"):
        TorchRegressor(module_params=[1]).fit(Xn, y)
    with pytest.raises(ValueError, match=r"optimizer='adagrad' is not allowed: it must be one of 'adam', 'adamw', 'rmsprop', 'sgd'"):
        TorchRegressor(optimizer="adagrad").fit(Xn, y)
    with pytest.raises(ValueError, match=r"batch_size=0 is out of range"):
        TorchClassifier(batch_size=0).fit(Xn, y)
    with pytest.raises(ValueError, match=r"device='cuda:x' is not a torch device"):
        TorchClassifier(device="cuda:x").fit(Xn, y)


def test_block_bootstrap_errors():
    from resample_torch import BlockLogLikelihood, block_bootstrap_perplexity, cross_val_block_log_likelihood

    with pytest.raises(ValueError, match=r"unit='bits' is not allowed: it must be one of .*'perplexity'"):
        block_bootstrap_perplexity(BlockLogLikelihood(np.ones(3), np.ones(3)), unit="bits")
    with pytest.raises(TypeError, match=r"source must be a fitted CharRNNLanguageModel or a BlockLogLikelihood"):
        block_bootstrap_perplexity([1, 2])
    with pytest.raises(ValueError, match=r"X is None: pass the held-out text blocks"):
        block_bootstrap_perplexity(CharRNNLanguageModel())
    with pytest.raises(ValueError, match=r"needs at least 2 scored blocks; got 1"):
        block_bootstrap_perplexity(BlockLogLikelihood(np.array([-1.0, 0.0]), np.array([3, 0])))
    with pytest.raises(ValueError, match=r"fit it with return_estimator=True"):
        cross_val_block_log_likelihood(object(), X)
