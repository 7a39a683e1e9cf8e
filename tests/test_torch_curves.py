"""learning_curves and lr_range_test: shapes, the epochs chosen by CV against a hand computation,
independent recomputation of a held-out loss, the diagnosis, the figures."""

import math

import matplotlib
import numpy as np
import pytest

torch = pytest.importorskip("torch")
matplotlib.use("Agg")

from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import log_loss
from sklearn.model_selection import KFold

from resample.splitters import BlockedKFold
from resample_torch import (
    CharRNNLanguageModel,
    LearningCurves,
    TorchClassifier,
    TorchRegressor,
    learning_curves,
    lr_range_test,
    text_blocks,
)

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def overfitting_problem():
    # 25% flipped labels and a wide net: the held-out loss turns up after a few epochs
    return make_classification(150, 20, n_informative=3, flip_y=0.25, random_state=0)


@pytest.fixture(scope="module")
def curves():
    X, y = overfitting_problem()
    clf = TorchClassifier(module_params={"hidden_sizes": (64,)}, lr=0.02, max_epochs=12, batch_size=32,
                          device="cpu", random_state=0)
    return learning_curves(clf, X, y, cv=KFold(3, shuffle=True, random_state=0), scoring="accuracy"), (X, y, clf)


def test_shapes_and_table(curves):
    c, _ = curves
    assert isinstance(c, LearningCurves)
    assert c.heldout_loss.shape == c.train_loss.shape == c.metric.shape == (3, 12)
    assert c.epochs.tolist() == list(range(1, 13)) and c.unit == "loss"
    frame = c.to_frame()
    assert len(frame) == 36 and list(frame.columns) == ["fold", "epoch", "train_loss", "heldout_loss", "accuracy"]
    assert c.mean.shape == c.standard_error.shape == (12,)


def test_chosen_epochs_by_hand(curves):
    c, _ = curves
    mean = c.heldout_loss.mean(axis=0)
    se = c.heldout_loss.std(axis=0, ddof=1) / math.sqrt(3)
    best = int(np.argmin(mean))
    assert c.best_epoch == best + 1
    assert c.one_se_epoch == int(np.flatnonzero(mean <= mean[best] + se[best])[0]) + 1
    assert c.one_se_epoch <= c.best_epoch < 12  # this problem overfits: the best epoch is not the last
    assert any(s.startswith("overfitting") for s in c.diagnose())


def test_a_fold_curve_equals_an_independent_refit(curves):
    """Fold 0's held-out loss after 4 epochs equals a fresh 4-epoch fit scored by scikit-learn's log_loss."""
    c, (X, y, clf) = curves
    train, test = next(KFold(3, shuffle=True, random_state=0).split(X))
    # the order of the rows depends only on the seed and the epoch, so 4 epochs of a
    # 12-epoch run are 4 epochs of a 4-epoch run
    four = clone(clf).set_params(max_epochs=4).fit(X[train], y[train])
    assert log_loss(y[test], four.predict_proba(X[test]), labels=[0, 1]) == pytest.approx(c.heldout_loss[0, 3], rel=1e-5)
    assert four.score(X[test], y[test]) == pytest.approx(c.metric[0, 3])
    np.testing.assert_allclose(four.history_["train_loss"], c.train_loss[0, :4], rtol=1e-6)


def test_plot_has_both_panels_and_the_diagnosis(curves):
    c, _ = curves
    fig = c.plot()
    assert len(fig.axes) == 2
    texts = " ".join(t.get_text() for t in fig.axes[-1].texts)
    assert "overfitting" in texts
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert f"lowest mean: {c.best_epoch}" in labels


def test_regressor_with_early_stopping_pads_with_nan():
    X, y = make_regression(120, 5, noise=5.0, random_state=0)
    reg = TorchRegressor(lr=0.05, max_epochs=30, early_stopping=True, n_iter_no_change=2, tol=1e9,
                         device="cpu", random_state=0)  # tol huge: every fold stops after 3 epochs
    c = learning_curves(reg, X, y, cv=3)
    assert c.heldout_loss.shape == (3, 30)
    assert np.isnan(c.heldout_loss[:, 3:]).all() and not np.isnan(c.heldout_loss[:, :3]).any()
    assert c.to_frame().shape[0] == 9


def test_language_model_curves_in_bits_per_char():
    X = text_blocks("the cat sat on the mat. " * 40, 48)
    lm = CharRNNLanguageModel(hidden_size=12, embedding_dim=6, bptt=12, batch_size=4, max_epochs=3, lr=0.01,
                              device="cpu", random_state=0)
    splits = list(BlockedKFold(3, gap=1).split(X))
    c = learning_curves(lm, X, cv=splits)
    assert c.unit == "bits per character" and c.heldout_loss.shape == (3, 3)
    # independent: a fresh 3-epoch fit of fold 1, scored through bits_per_char
    train, test = splits[1]
    alone = clone(lm).fit(X[train])
    assert alone.bits_per_char(X[test]) == pytest.approx(c.heldout_loss[1, 2], rel=1e-6)
    np.testing.assert_allclose(c.train_loss[1], alone.history_["train_loss"] / math.log(2), rtol=1e-6)


def test_learning_curves_refuse_other_estimators():
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(TypeError, match="estimator must be a TorchClassifier, TorchRegressor or CharRNNLanguageModel"):
        learning_curves(LogisticRegression(), np.zeros((4, 2)), [0, 1, 0, 1])


def test_lr_range_test_finds_the_rate_where_the_loss_falls():
    X, y = make_classification(400, 10, random_state=0)
    res = lr_range_test(TorchClassifier(batch_size=32, device="cpu", random_state=0), X, y,
                        min_lr=1e-5, max_lr=10.0, num_steps=80)
    assert np.all(np.diff(np.log(res.lr)) > 0)  # geometric, increasing
    np.testing.assert_allclose(np.diff(np.log(res.lr)), np.log(10 / 1e-5) / 79)
    # Adam on this problem: nothing happens below 1e-4, divergence above 1
    assert 1e-4 < res.suggested_lr < 1.0 and res.suggested_lr <= res.min_loss_lr
    assert len(res.lr) < 80  # stopped at divergence
    fig = res.plot()
    assert fig.axes[0].get_xscale() == "log"


def test_lr_range_test_for_a_language_model_and_bad_input():
    X = text_blocks("abcabcabd" * 60, 30)
    lm = CharRNNLanguageModel(hidden_size=12, embedding_dim=6, bptt=10, batch_size=4, device="cpu", random_state=0)
    res = lr_range_test(lm, X, min_lr=1e-4, max_lr=1.0, num_steps=30)
    assert res.unit == "bits per character" and res.loss[0] == pytest.approx(math.log2(257), rel=0.05)
    with pytest.raises(ValueError, match=r"min_lr=1.0 must be below max_lr=0.1"):
        lr_range_test(lm, X, min_lr=1.0, max_lr=0.1)
    with pytest.raises(ValueError, match=r"num_steps=2 is out of range"):
        lr_range_test(lm, X, num_steps=2)
