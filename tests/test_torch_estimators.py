"""TorchClassifier / TorchRegressor: scikit-learn's checks, seeds, devices, the core's CV, skorch."""

import pickle
import random

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from resample import KFoldCV  # noqa: E402
from resample_torch import MLP, TorchClassifier, TorchRegressor  # noqa: E402


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


SMALL = dict(module_params={"hidden_sizes": (16,)}, lr=0.02, max_epochs=30, batch_size=64, device="cpu", random_state=0)


# Every check applies: none is expected to fail (the dict is kept for the reasons a
# future torch or scikit-learn may add).
EXPECTED_FAILED = {}


@parametrize_with_checks(
    [TorchClassifier(**SMALL), TorchRegressor(**SMALL)],
    expected_failed_checks=lambda est: EXPECTED_FAILED,
)
def test_sklearn_checks(estimator, check):
    check(estimator)


def _global_states():
    return torch.get_rng_state(), np.random.get_state()[1].copy(), random.getstate()


def _same_states(a, b):
    return torch.equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and a[2] == b[2]


def test_fit_leaves_global_random_state_alone():
    X, y = make_classification(100, 4, random_state=0)
    before = _global_states()
    TorchClassifier(**SMALL).fit(X, y)
    assert _same_states(before, _global_states())


def test_refit_equals_fresh_clone_and_weights_end_on_cpu():
    X, y = make_regression(120, 3, noise=1.0, random_state=1)
    reg = TorchRegressor(**SMALL)
    reg.fit(X[:60], y[:60]).fit(X, y)  # a second fit starts from scratch
    fresh = clone(reg).fit(X, y)
    np.testing.assert_array_equal(reg.predict(X), fresh.predict(X))
    assert all(p.device.type == "cpu" for p in reg.module_.parameters())
    assert not reg.module_.training


def test_clone_copies_no_tensors():
    X, y = make_classification(60, 4, random_state=0)
    clf = TorchClassifier(**SMALL).fit(X, y)
    c = clone(clf)
    assert not hasattr(c, "module_")
    assert all(not isinstance(v, torch.Tensor) for v in c.get_params().values())


def test_module_factory_gets_dimensions_and_pickles():
    X, y = make_classification(90, 5, n_informative=3, n_classes=3, random_state=0)

    class Net(torch.nn.Module):
        def __init__(self, n_features_in, n_outputs, width=8):
            super().__init__()
            self.body = torch.nn.Sequential(torch.nn.Linear(n_features_in, width), torch.nn.Tanh(),
                                            torch.nn.Linear(width, n_outputs))

        def forward(self, x):
            return self.body(x)

    clf = TorchClassifier(Net, module_params={"width": 4}, max_epochs=2, random_state=0, device="cpu").fit(X, y)
    assert clf.module_.body[0].in_features == 5 and clf.module_.body[2].out_features == 3
    assert clf.predict_proba(X).shape == (90, 3)
    plain = TorchClassifier(max_epochs=2, random_state=0, device="cpu").fit(X, y)
    again = pickle.loads(pickle.dumps(plain))
    np.testing.assert_array_equal(again.predict_proba(X), plain.predict_proba(X))
    assert isinstance(plain.module_, MLP)


def test_cross_validated_by_the_core():
    X, y = make_classification(120, 4, random_state=0)
    cv = KFoldCV(TorchClassifier(**SMALL), n_splits=3).fit(X, y)
    assert 0.5 < cv.estimate_ <= 1.0
    assert len(cv.scores_) == 3


def test_skorch_net_runs_in_the_core():
    skorch = pytest.importorskip("skorch")
    X, y = make_classification(120, 4, random_state=0)
    X = X.astype(np.float32)
    with torch.random.fork_rng(devices=[]):  # skorch draws from the global generator: fork it
        torch.manual_seed(0)
        net = skorch.NeuralNetClassifier(
            MLP, module__n_features_in=4, module__n_outputs=2, criterion=torch.nn.CrossEntropyLoss,
            max_epochs=5, lr=0.05, optimizer=torch.optim.Adam, train_split=None, verbose=0,
        )
        cv = KFoldCV(net, n_splits=3).fit(X, y.astype(np.int64))
    assert 0.5 < cv.estimate_ <= 1.0
