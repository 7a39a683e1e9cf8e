"""FineTuneClassifier: every fit starts from the pretrained weights; freezing and BatchNorm as asked."""

import numpy as np
import pytest
torch = pytest.importorskip("torch")  # the torch-only module skips on its own; the rest of the suite runs

from _transfer_nets import images, make_net, same_state, state
from sklearn.base import clone

from resample import KFoldCV
from resample_torch import FineTuneClassifier

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py: one torch and BLAS thread


def _storages(module):
    return {t.untyped_storage().data_ptr() for t in list(module.parameters()) + list(module.buffers()) if t.numel()}


def test_every_fold_starts_from_the_same_pretrained_weights_and_shares_no_storage():
    net = make_net()
    pretrained = state(net)
    X, y = images(48)
    cv = KFoldCV(FineTuneClassifier(net, max_epochs=2, lr_backbone=1e-2, random_state=0), n_splits=3,
                 return_estimator=True).fit(X, y)
    assert same_state(pretrained, state(net))  # the shared backbone is never trained
    models = [m.module_ for m in cv.estimators_] + [cv.estimator_.module_]
    seen = _storages(net)
    for m in models:
        ptrs = _storages(m)
        assert not ptrs & seen  # no fold model shares a tensor with the backbone or another fold
        seen |= ptrs
    # Order does not matter: fold 2 fitted after folds 0 and 1 equals fold 2 fitted alone.
    (train, _) = list(cv.result_.splits)[2]
    alone = clone(cv.estimator).fit(X[train], y[train])
    assert same_state(state(alone.module_), state(cv.estimators_[2].module_))


def test_fit_is_reproducible_and_leaves_global_rng_alone():
    X, y = images(32)
    before = torch.random.get_rng_state()
    a = FineTuneClassifier(make_net(), max_epochs=2, random_state=3).fit(X, y)
    b = FineTuneClassifier(make_net(), max_epochs=2, random_state=3).fit(X, y)
    assert torch.equal(before, torch.random.get_rng_state())
    assert same_state(state(a.module_), state(b.module_))
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_head_is_new_and_learning_rates_are_grouped():
    net = make_net()
    clf = FineTuneClassifier(net, lr_head=0.05, lr_backbone=0.001)
    ft = clf._build(3)
    assert ft.head().out_features == 3 and ft.head() is not net.fc
    groups = clf._optimizer(ft).param_groups
    assert [g["lr"] for g in groups] == [0.05, 0.001]
    assert {id(p) for p in groups[0]["params"]} == {id(p) for p in ft.head().parameters()}
    n_all = sum(1 for _ in ft.parameters())
    assert len(groups[0]["params"]) + len(groups[1]["params"]) == n_all


def test_freeze_then_unfreeze_and_batchnorm_policy():
    X, y = images(32)
    net = make_net()
    pre = state(net)
    frozen = FineTuneClassifier(net, max_epochs=2, freeze_epochs=2, lr_backbone=1e-2, random_state=0).fit(X, y)
    body = frozen.module_.body
    for k in pre:  # everything but the head is untouched while frozen, BatchNorm statistics included
        if not k.startswith("fc."):
            assert torch.equal(pre[k], body.state_dict()[k]), k
    assert all(p.requires_grad for p in body.parameters())  # unfrozen again after fit
    tuned = FineTuneClassifier(net, max_epochs=2, freeze_epochs=1, lr_backbone=1e-2, random_state=0).fit(X, y)
    b = tuned.module_.body
    assert not torch.equal(pre["conv.weight"], b.conv.weight.detach())  # trained after unfreezing
    assert torch.equal(pre["bn.running_mean"], b.bn.running_mean)  # batchnorm="frozen": statistics kept
    trained = FineTuneClassifier(net, max_epochs=1, batchnorm="train", random_state=0).fit(X, y)
    assert not torch.equal(pre["bn.running_mean"], trained.module_.body.bn.running_mean)


def test_preprocess_and_classes():
    X, y = images(30, channels=1)
    labels = np.array(["a", "b"])[y]
    clf = FineTuneClassifier(make_net(channels=3), preprocess=lambda b: b.expand(-1, 3, -1, -1), max_epochs=1,
                             random_state=0).fit(X, labels)
    assert set(clf.predict(X)) <= {"a", "b"} and clf.predict_proba(X).shape == (30, 2)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)


def test_fitted_estimators_pickle_for_joblib_workers():
    import pickle

    from resample_torch import FrozenFeatures, imagenet_normalizer

    X, y = images(20, channels=1)
    frozen = FrozenFeatures(make_net(channels=3), preprocess=imagenet_normalizer(8)).fit(X)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(frozen)).transform(X), frozen.transform(X))
    clf = FineTuneClassifier(make_net(channels=3), preprocess=imagenet_normalizer(8), max_epochs=1, random_state=0)
    clf.fit(X, y)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).predict_proba(X), clf.predict_proba(X))
