"""TorchClassifier / TorchRegressor trained as deep-learning users train: validation split,
early stopping, schedules, Dataset and N-d inputs, nested parameters, history_."""

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")

from sklearn.datasets import load_digits, make_classification
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV
from torch import nn

from resample import KFoldCV
from resample_torch import TorchClassifier, TorchRegressor

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py

BASE = {"module_params": {"hidden_sizes": (16,)}, "lr": 0.02, "batch_size": 32, "device": "cpu", "random_state": 0}


def noisy_problem(n=160, seed=0):
    # few rows, many features, 30% flipped labels: a 64-wide net overfits within a few epochs
    X, y = make_classification(n, 20, n_informative=3, flip_y=0.3, random_state=seed)
    return X, y


def test_history_is_a_table_per_epoch():
    X, y = noisy_problem()
    clf = TorchClassifier(**BASE, max_epochs=4).fit(X, y)
    h = clf.history_
    assert isinstance(h, pd.DataFrame)
    assert list(h.columns) == ["epoch", "train_loss", "valid_loss", "lr", "time"]
    assert h["epoch"].tolist() == [1, 2, 3, 4] and h["valid_loss"].isna().all()
    assert (h["lr"] == 0.02).all() and (h["time"] > 0).all() and clf.n_iter_ == 4


def test_early_stopping_stops_and_keeps_the_best_epoch():
    X, y = noisy_problem()
    clf = TorchClassifier(module_params={"hidden_sizes": (64,)}, lr=0.05, batch_size=16, max_epochs=200,
                          early_stopping=True, n_iter_no_change=5, device="cpu", random_state=0).fit(X, y)
    h = clf.history_
    assert clf.n_iter_ < 200  # it stopped
    best = int(h["valid_loss"].idxmin())
    assert clf.best_epoch_ == best + 1
    # stopped because the last n_iter_no_change epochs did not beat the best by tol
    assert clf.n_iter_ - clf.best_epoch_ >= 5
    # the kept weights are the best epoch's: their validation log loss, recomputed
    # through predict_proba and scikit-learn's log_loss, is the one in the history
    v = clf.validation_indices_
    assert len(v) == 16 and len(np.intersect1d(v, np.arange(160))) == 16
    assert log_loss(y[v], clf.predict_proba(X[v])) == pytest.approx(h["valid_loss"].iloc[best], rel=1e-5)


def test_validation_is_stratified_and_reproducible():
    X, y = noisy_problem()
    a = TorchClassifier(**BASE, max_epochs=1, early_stopping=True, validation_fraction=0.25).fit(X, y)
    b = TorchClassifier(**BASE, max_epochs=1, early_stopping=True, validation_fraction=0.25).fit(X, y)
    np.testing.assert_array_equal(a.validation_indices_, b.validation_indices_)
    assert len(a.validation_indices_) == 40
    assert abs(y[a.validation_indices_].mean() - y.mean()) <= 1 / 40


class IdRecorder(nn.Module):
    """Column 0 of X is the row id (zeroed before the linear layer); records the ids it
    scores while evaluating during fit (no grad, eval mode, outside inference_mode,
    which prediction uses)."""

    def __init__(self, n_features_in, n_outputs):
        super().__init__()
        self.lin = nn.Linear(n_features_in, n_outputs)
        self.seen = set()

    def forward(self, x):
        if not self.training and not torch.is_inference_mode_enabled():
            self.seen.update(x[:, 0].long().tolist())
        return self.lin(torch.cat([torch.zeros_like(x[:, :1]), x[:, 1:]], dim=1))


def test_validation_rows_come_from_the_training_fold_only():
    X, y = noisy_problem(120)
    X = np.column_stack([np.arange(120), X])
    est = TorchClassifier(IdRecorder, max_epochs=2, early_stopping=True, validation_fraction=0.2,
                          device="cpu", random_state=0)
    cv = KFoldCV(est, n_splits=3, return_estimator=True).fit(X, y)
    for i, fold in enumerate(cv.estimators_):
        train, test = cv.result_.splits[i]
        seen = fold.module_.seen
        assert len(seen) == 16  # ceil(0.2 * 80)
        assert seen <= set(train.tolist()) and not seen & set(test.tolist())
        assert seen == set(train[fold.validation_indices_].tolist())


@pytest.mark.parametrize("plateau", [False, True])
def test_scheduler_changes_the_lr_each_epoch(plateau):
    X, y = noisy_problem()
    if plateau:
        # patience 0, threshold huge: every epoch counts as "no improvement", so lr halves each epoch
        sched, params = torch.optim.lr_scheduler.ReduceLROnPlateau, {"factor": 0.5, "patience": 0, "threshold": 10.0}
    else:
        sched, params = torch.optim.lr_scheduler.StepLR, {"step_size": 1, "gamma": 0.5}
    clf = TorchClassifier(**BASE, max_epochs=4, lr_scheduler=sched, lr_scheduler_params=params,
                          early_stopping=plateau).fit(X, y)
    np.testing.assert_allclose(clf.history_["lr"], 0.02 * 0.5 ** np.arange(4))


def test_scheduler_params_through_nested_names():
    X, y = noisy_problem()
    clf = TorchClassifier(**BASE, max_epochs=3, lr_scheduler=torch.optim.lr_scheduler.StepLR)
    clf.set_params(lr_scheduler__step_size=2, lr_scheduler__gamma=0.1).fit(X, y)
    np.testing.assert_allclose(clf.history_["lr"], [0.02, 0.02, 0.002])


class PairDataset(torch.utils.data.Dataset):
    """A map-style Dataset of (x, y) pairs held in numpy, as a user would write one."""

    def __init__(self, X, y, with_targets_attr=False):
        self.X, self.y = X.astype(np.float64), y
        if with_targets_attr:
            self.targets = y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


@pytest.mark.parametrize("num_workers, attr", [(0, False), (0, True), (2, False)])
def test_dataset_input_trains_like_the_array(num_workers, attr):
    X, y = noisy_problem()
    params = dict(BASE, max_epochs=3, shuffle=False)  # same batches in the same order
    ds = PairDataset(X, y, with_targets_attr=attr)
    from_ds = TorchClassifier(**params, num_workers=num_workers).fit(ds)
    from_array = TorchClassifier(**params).fit(X, y)
    np.testing.assert_allclose(from_ds.history_["train_loss"], from_array.history_["train_loss"], rtol=1e-6)
    np.testing.assert_allclose(from_ds.predict_proba(ds), from_array.predict_proba(X), atol=1e-6)
    assert from_ds.score(ds, y) == from_array.score(X, y)


def test_dataset_shuffled_with_early_stopping_is_reproducible():
    X, y = noisy_problem()
    ds = PairDataset(X, y)
    a = TorchClassifier(**BASE, max_epochs=3, early_stopping=True).fit(ds)
    b = TorchClassifier(**BASE, max_epochs=3, early_stopping=True).fit(ds)
    pd.testing.assert_frame_equal(a.history_.drop(columns="time"), b.history_.drop(columns="time"))
    assert not a.history_["valid_loss"].isna().any()


class TinyCNN(nn.Module):
    def __init__(self, input_shape, n_outputs, channels=4):
        super().__init__()
        c, h, w = input_shape
        self.conv = nn.Conv2d(c, channels, 3, padding=1)
        self.head = nn.Linear(channels * (h // 2) * (w // 2), n_outputs)

    def forward(self, x):  # (batch, C, H, W) -> (batch, n_outputs)
        return self.head(torch.relu(nn.functional.max_pool2d(self.conv(x), 2)).flatten(1))


def test_four_d_images_train_a_cnn():
    digits = load_digits()
    X = (digits.images / 16.0)[:, None]  # (1797, 1, 8, 8)
    y = digits.target
    clf = TorchClassifier(TinyCNN, lr=0.01, max_epochs=8, batch_size=64, device="cpu", random_state=0)
    clf.fit(X[:1200], y[:1200])
    assert clf.input_shape_ == (1, 8, 8) and clf.n_features_in_ == 1
    assert clf.score(X[1200:], y[1200:]) > 0.85  # a linear model on pixels gets about 0.95
    with pytest.raises(ValueError, match=r"rows of shape \(1, 4, 16\).*rows of shape \(1, 8, 8\)"):
        clf.predict(X[1200:].reshape(-1, 1, 4, 16))


def test_default_mlp_flattens_n_d_rows_as_the_2d_table():
    X, y = noisy_problem(96)
    X4 = X[:, :16].reshape(-1, 1, 4, 4)
    a = TorchRegressor(**BASE, max_epochs=2).fit(X4, y.astype(float))
    b = TorchRegressor(**BASE, max_epochs=2).fit(X4.reshape(96, 16), y.astype(float))
    np.testing.assert_array_equal(a.predict(X4), b.predict(X4.reshape(96, 16)))


@pytest.mark.parametrize("key", ["module__hidden_sizes", "module_params__hidden_sizes"])
def test_nested_module_params_in_a_grid_search(key):
    X, y = noisy_problem(90)
    given = {"hidden_sizes": (4,), "dropout": 0.0}
    clf = TorchClassifier(module_params=given, max_epochs=2, device="cpu", random_state=0)
    search = GridSearchCV(clf, {key: [(3,), (7,)]}, cv=2).fit(X, y)
    widths = {p[key][0] for p in search.cv_results_["params"]}
    assert widths == {3, 7}
    best = search.best_estimator_
    assert best.module_.layers[0].out_features == search.best_params_[key][0]
    assert best.module_params == {"hidden_sizes": search.best_params_[key], "dropout": 0.0}
    assert given == {"hidden_sizes": (4,), "dropout": 0.0}  # the caller's dict is untouched


def test_optimizer_nested_params_reach_the_optimizer():
    X, y = noisy_problem(64)
    clf = TorchClassifier(**dict(BASE, lr=0.0001), optimizer="sgd", max_epochs=1)
    clf.set_params(optimizer__momentum=0.9)
    assert clf.optimizer_params == {"momentum": 0.9}
    clf.fit(X, y)  # SGD accepts momentum: no error


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"validation_fraction": 1.0}, ValueError, r"validation_fraction=1.0 is out of range: it must be a float in the range \(0.0, 1.0\)"),
        ({"early_stopping": "yes"}, TypeError, r"early_stopping must be True or False; got 'yes'"),
        ({"n_iter_no_change": 0}, ValueError, r"n_iter_no_change=0 is out of range"),
        ({"tol": -1.0}, ValueError, r"tol=-1.0 is out of range"),
        ({"num_workers": -1}, ValueError, r"num_workers=-1 is out of range"),
        ({"module__width": 3}, ValueError, r"module_params has 'width', which MLP does not take; it takes: n_features_in"),
        ({"lr_scheduler": torch.optim.lr_scheduler.StepLR, "lr_scheduler__gama": 0.1}, ValueError,
         r"lr_scheduler_params has 'gama', which StepLR does not take"),
        ({"lr_scheduler_params": [1]}, TypeError, r"lr_scheduler_params must be a dict"),
    ],
)
def test_bad_training_parameters_fail_before_training(params, error, match):
    X, y = noisy_problem(40)
    clf = TorchClassifier(max_epochs=1, device="cpu").set_params(**params)
    with pytest.raises(error, match=match):
        clf.fit(X, y)


def test_too_few_rows_for_a_validation_split():
    with pytest.raises(ValueError, match=r"validation_fraction=0.5 of 1 rows leaves 0 training and 1 validation"):
        TorchRegressor(early_stopping=True, validation_fraction=0.5, device="cpu")._validation_split(1, None, 0)
