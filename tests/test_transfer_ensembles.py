"""Fold, snapshot and weight-averaged ensembles."""

import numpy as np
import pytest
torch = pytest.importorskip("torch")  # the torch-only module skips on its own; the rest of the suite runs

from _transfer_nets import images, make_net, same_state, state
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from torch import nn

from resample import KFoldCV
from resample_torch import (
    AveragedFineTuneClassifier,
    FineTuneClassifier,
    FoldEnsembleClassifier,
    SnapshotEnsembleClassifier,
)

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py: one torch and BLAS thread


def _members_and_ensemble(estimator, X, y, n_splits=4):
    cv = KFoldCV(estimator, n_splits=n_splits, return_estimator=True).fit(X, y)
    return cv.estimators_, FoldEnsembleClassifier.from_cv(cv)


@pytest.mark.parametrize("kind", ["logistic", "finetune"])
def test_fold_ensemble_log_loss_at_most_members_mean(kind):
    # Exact, not statistical: -log(mean_k p_k) <= mean_k -log(p_k) row by row (Jensen),
    # so the inequality holds on any rows, held out or not.
    X, y = images(48, seed=1)
    X_new, y_new = images(40, seed=2)
    if kind == "logistic":
        est, X, X_new = LogisticRegression(C=10.0, max_iter=500), X.reshape(48, -1), X_new.reshape(40, -1)
    else:
        est = FineTuneClassifier(make_net(), max_epochs=3, lr_backbone=1e-2, random_state=0)
    members, ens = _members_and_ensemble(est, X, y)
    for rows, labels in ((X_new, y_new), (X, y)):
        member_losses = [log_loss(labels, m.predict_proba(rows), labels=ens.classes_) for m in members]
        assert log_loss(labels, ens.predict_proba(rows), labels=ens.classes_) <= np.mean(member_losses) + 1e-12
    np.testing.assert_allclose(ens.predict_proba(X_new), np.mean([m.predict_proba(X_new) for m in members], axis=0))


def test_fold_ensemble_needs_fold_models_with_the_same_classes():
    X, y = images(30)
    cv = KFoldCV(LogisticRegression(), n_splits=3).fit(X.reshape(30, -1), y)
    with pytest.raises(ValueError, match="return_estimator=True"):
        FoldEnsembleClassifier.from_cv(cv)
    a = LogisticRegression().fit(X.reshape(30, -1), y)
    b = LogisticRegression().fit(X.reshape(30, -1), np.where(y == 1, 2, 0))
    with pytest.raises(ValueError, match="classes"):
        FoldEnsembleClassifier([a, b]).fit()


class BNNet(nn.Module):
    """Linear -> BatchNorm1d -> ReLU -> Linear, for checking the recomputed statistics."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(64, 8)
        self.bn = nn.BatchNorm1d(8)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):  # x: (n, 1, 8, 8) -> (n, 10)
        return self.fc(torch.relu(self.bn(self.lin(x.flatten(1)))))


def _bn_net():
    with torch.random.fork_rng():
        torch.manual_seed(0)
        return BNNet().eval()


def test_ema_recomputes_batchnorm_statistics_for_the_averaged_weights():
    X, y = images(48)
    clf = AveragedFineTuneClassifier(_bn_net(), batchnorm="train", ema_decay=0.9, max_epochs=3, batch_size=16,
                                     random_state=0).fit(X, y)
    body = clf.module_.body
    with torch.no_grad():
        h = body.lin(torch.as_tensor(X).flatten(1))  # what the BatchNorm sees, with the averaged weights
    # update_bn averages the batch means (equal batches here): the mean over all rows
    np.testing.assert_allclose(body.bn.running_mean.numpy(), h.mean(0).numpy(), atol=1e-5)
    frozen = AveragedFineTuneClassifier(_bn_net(), batchnorm="frozen", max_epochs=2, random_state=0).fit(X, y)
    pre = state(_bn_net())
    assert torch.equal(frozen.module_.body.bn.running_mean, pre["bn.running_mean"])


def test_ema_with_decay_zero_is_the_last_iterate_and_swa_averages():
    X, y = images(40)
    plain = FineTuneClassifier(_bn_net(), max_epochs=2, random_state=0).fit(X, y)
    last = AveragedFineTuneClassifier(_bn_net(), ema_decay=0.0, max_epochs=2, random_state=0).fit(X, y)
    for (k, a), b in zip(state(plain.module_).items(), state(last.module_).values()):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6, msg=k)
    # SWA from epoch 0: the mean of the weights at the end of epochs 0 and 1 (the first
    # epoch of a 2-epoch run is a 1-epoch run: same seed, same draws)
    one = FineTuneClassifier(_bn_net(), max_epochs=1, random_state=0).fit(X, y)
    swa = AveragedFineTuneClassifier(_bn_net(), averaging="swa", max_epochs=2, random_state=0).fit(X, y)
    for name, p in swa.module_.named_parameters():
        expected = (dict(one.module_.named_parameters())[name] + dict(plain.module_.named_parameters())[name]) / 2
        torch.testing.assert_close(p, expected, rtol=0, atol=1e-6, msg=name)


def test_snapshot_ensemble_averages_cycle_end_snapshots():
    X, y = images(40)
    clf = SnapshotEnsembleClassifier(make_net(), n_snapshots=2, max_epochs=4, lr_backbone=1e-2, random_state=0).fit(X, y)
    assert len(clf.snapshots_) == 2 and len(clf.history_) == 4
    assert not same_state(state(clf.snapshots_[0]), state(clf.snapshots_[1]))
    probas = [FineTuneClassifier.predict_proba(_with_module(clf, s), X) for s in clf.snapshots_]
    np.testing.assert_allclose(clf.predict_proba(X), np.mean(probas, axis=0))


def _with_module(clf, net):
    single = FineTuneClassifier(clf.backbone)
    single.module_, single.device_, single.classes_, single.input_shape_ = net, clf.device_, clf.classes_, clf.input_shape_
    return single
