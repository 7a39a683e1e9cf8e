"""FrozenFeatures: computed once per CV run, equal to the uncached run, never changes the backbone."""

import numpy as np
import pytest
torch = pytest.importorskip("torch")  # the torch-only module skips on its own; the rest of the suite runs

from _transfer_nets import images, make_net, same_state, state
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from resample import KFoldCV
from resample._model_selection.stateless import is_stateless
from resample_torch import FrozenFeatures

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py: one torch and BLAS thread


def _cv(net, cache, n_splits=5):
    pipe = make_pipeline(FrozenFeatures(net, cache=cache, batch_size=16), LogisticRegression(max_iter=500))
    return KFoldCV(pipe, n_splits=n_splits, shuffle=True, random_state=0).fit(*images(50))


def test_backbone_sees_each_image_once_per_cv_run_and_matches_uncached():
    net = make_net()
    cached = _cv(net, cache=True)
    assert net.seen == 50  # five folds and the final refit, one pass over the images
    assert any("frozenfeatures" in note for note in cached.result_.notes)
    net.seen = 0
    plain = _cv(net, cache=False)
    # every fold re-extracts its rows, and the refit again (the core also rescores the fold
    # models on all rows for its Davison-Hinkley adjusted estimate: more passes still)
    assert net.seen >= 6 * 50
    # Same numbers: features do not depend on which batch an image is in (see below),
    # up to float32 rounding of the convolution.
    np.testing.assert_allclose(cached.scores_, plain.scores_, atol=1e-6)
    assert cached.estimate_ == pytest.approx(plain.estimate_, abs=1e-6)
    np.testing.assert_allclose(cached.predict_proba(images(50)[0]), plain.predict_proba(images(50)[0]), atol=1e-5)


def test_weights_buffers_and_mode_unchanged():
    net = make_net()
    net.train()  # the caller's mode, restored afterwards
    before = state(net)
    FrozenFeatures(net).fit_transform(images(30)[0])
    assert same_state(before, state(net)) and net.training and net.bn.training
    _cv(net, cache=True)
    assert same_state(before, state(net))


def test_features_independent_of_batch_size_and_order():
    X, _ = images(37)
    ref = FrozenFeatures(make_net(), batch_size=64).fit_transform(X)
    for batch_size in (1, 5, 16):
        np.testing.assert_allclose(FrozenFeatures(make_net(), batch_size=batch_size).fit_transform(X), ref, atol=1e-6)
    perm = np.random.default_rng(1).permutation(len(X))
    np.testing.assert_allclose(FrozenFeatures(make_net(), batch_size=8).fit_transform(X[perm]), ref[perm], atol=1e-6)


def test_layers_penultimate_named_and_output():
    X, _ = images(6)
    net = make_net()
    pen = FrozenFeatures(net).fit_transform(X)
    with torch.no_grad():
        h = net.pool(torch.relu(net.bn(net.conv(torch.as_tensor(X))))).flatten(1).numpy()
        out = net(torch.as_tensor(X)).numpy()
    np.testing.assert_allclose(pen, h, atol=1e-6)
    assert FrozenFeatures(net, layer="conv").fit_transform(X).shape == (6, 4 * 6 * 6)
    np.testing.assert_allclose(FrozenFeatures(net, layer=None).fit_transform(X), out, atol=1e-6)


def test_clone_shares_the_backbone_and_factories_build_per_fit():
    net = make_net()
    f = FrozenFeatures(net, random_state=np.random.default_rng(0))
    g = clone(f)
    assert g.backbone is net and g.random_state is not f.random_state
    assert clone(make_pipeline(f, LogisticRegression())).steps[0][1].backbone is net
    built = FrozenFeatures(make_net).fit(images(4)[0]).backbone_
    assert isinstance(built, torch.nn.Module) and built is not FrozenFeatures(make_net).fit(images(4)[0]).backbone_


def test_augmentation_turns_caching_off():
    net = make_net()
    assert is_stateless(FrozenFeatures(net))
    assert not is_stateless(FrozenFeatures(net, augment=lambda b: b + 0.1 * torch.randn_like(b)))
    assert not is_stateless(FrozenFeatures(net, cache=False))
    X, y = images(20)
    f = FrozenFeatures(net, augment=lambda b: b + 0.1 * torch.randn_like(b), random_state=0)
    a, b = f.fit_transform(X), clone(f).fit_transform(X)
    np.testing.assert_array_equal(a, b)  # seeded
    assert not np.allclose(a, f.transform(X))  # test rows are never augmented
    net.seen = 0
    pipe = make_pipeline(f, LogisticRegression(max_iter=300))
    KFoldCV(pipe, n_splits=4).fit(X, y)
    assert net.seen >= 5 * 20  # recomputed per fold


def test_transform_runs_before_the_backbone():
    X, _ = images(5, channels=1)
    net3 = make_net(channels=3)
    to_rgb = lambda b: b.expand(-1, 3, -1, -1)
    assert FrozenFeatures(net3, preprocess=to_rgb).fit_transform(X).shape == (5, 16)
