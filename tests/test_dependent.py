"""Block and stratified bootstraps, and the automatic block length (issue 17)."""

import numpy as np
import pytest
from scipy.signal import lfilter

from resample import bootstrap, optimal_block_length
from resample._bootstrapping.schemes import Blocks, Strata


def ar1(n, phi, rng, burn=200):
    """A stationary AR(1) series with unit-variance normal innovations."""
    return lfilter([1.0], [1.0, -phi], rng.normal(size=n + burn))[burn:]


def test_optimal_block_length_equals_arch():
    arch = pytest.importorskip("arch.bootstrap")
    rng = np.random.default_rng(0)
    series = [ar1(n, phi, rng) for n, phi in [(50, 0.3), (200, 0.6), (500, -0.5), (1000, 0.9), (3000, 0.0)]]
    series.append(np.cumsum(rng.normal(size=400)) + rng.standard_t(3, 400))  # near unit root, heavy tails
    series.append(np.sin(np.arange(250) / 5.0) + 0.1 * rng.normal(size=250))  # periodic
    for x in series:
        theirs = arch.optimal_block_length(x).to_numpy()[0]
        ours = optimal_block_length(x)
        np.testing.assert_allclose([ours.stationary, ours.circular], theirs, rtol=1e-8)
    # several columns at once
    X = np.column_stack([series[1], series[1][::-1] ** 2])
    theirs = arch.optimal_block_length(X).to_numpy()
    ours = optimal_block_length(X)
    np.testing.assert_allclose(np.column_stack(ours), theirs, rtol=1e-8)


def test_optimal_block_length_errors():
    with pytest.raises(ValueError, match="constant"):
        optimal_block_length(np.ones(50))
    with pytest.raises(ValueError, match="at least 9"):
        optimal_block_length(np.arange(5.0))
    with pytest.raises(ValueError, match="shape"):
        optimal_block_length(np.zeros((3, 3, 3)))


def test_stationary_bootstrap_se_of_ar1_mean():
    # The long-run standard error of the mean of an AR(1) with phi = 0.6 and unit
    # innovations is 1 / (1 - phi) / sqrt(n). Over 20 series of n = 1000 the ratio of
    # the stationary bootstrap SE (automatic length) to it averages about 0.93, with a
    # per-series sd of 0.09 (measured over 30 series): the mean of 20 lies below 0.8
    # with probability well under 1e-6. The i.i.d. SE is about half the truth (ratio
    # 0.50, sd 0.02), so it is never within 20%.
    rng = np.random.default_rng(20261201)
    n, phi = 1000, 0.6
    truth = 1 / (1 - phi) / np.sqrt(n)
    block, iid = [], []
    for _ in range(20):
        x = ar1(n, phi, rng)
        block.append(bootstrap((x,), np.mean, block_length="auto", method="percentile", n_resamples=500, rng=rng))
        iid.append(bootstrap((x,), np.mean, method="percentile", n_resamples=500, rng=rng))
    block = np.mean([r.standard_error for r in block]) / truth
    iid = np.mean([r.standard_error for r in iid]) / truth
    assert abs(block - 1) < 0.2, block
    assert abs(iid - 1) > 0.2, iid


@pytest.mark.parametrize("kind", ["stationary", "circular", "moving"])
def test_block_rows_are_blocks(kind):
    n, length = 37, 5
    rows = Blocks(kind, n, float(length)).rows(np.random.default_rng(0), 400, np.int64)
    assert rows.shape == (400, n) and rows.min() >= 0 and rows.max() < n
    steps = np.diff(rows, axis=1)
    breaks = ~((steps == 1) | ((steps == 1 - n) if kind != "moving" else False))
    if kind == "stationary":
        # a new block starts with probability 1/L at each position: the fraction of
        # breaks is about 1/L (a break may also fall by chance on the next row, 1/n).
        # With 400 * 36 positions its sd is 0.003, so 0.03 is 10 sd.
        assert abs(breaks.mean() - 1 / length) < 0.03
    else:  # breaks only between fixed-length blocks
        assert not breaks[:, [j for j in range(n - 1) if (j + 1) % length]].any()
    if kind == "circular":  # every row equally likely: each appears L times per block start
        counts = np.bincount(rows.ravel(), minlength=n) / rows.size
        # sd of each frequency under uniform draws is about sqrt(L / (n * 400 * n)) = 0.0015
        assert np.abs(counts - 1 / n).max() < 0.01


@pytest.mark.parametrize("kind", ["stationary", "circular", "moving"])
def test_blocks_independent_of_batch(kind):
    x = ar1(300, 0.5, np.random.default_rng(1))
    y = x + np.random.default_rng(2).normal(size=300)
    kw = dict(block_length=7, block=kind, method="percentile", n_resamples=600, paired=True, rng=3)
    stat = lambda a, b, axis=-1: np.mean(a - b, axis=axis)
    ref = bootstrap((x, y), stat, batch=256, **kw).bootstrap_distribution
    for batch in (1, 13, None):
        np.testing.assert_array_equal(bootstrap((x, y), stat, batch=batch, **kw).bootstrap_distribution, ref)


@pytest.mark.filterwarnings("ignore::resample.exceptions.DegenerateWarning")
def test_paired_samples_are_blocked_together():
    # if the two samples were blocked apart, mean(x - x) would vary
    x = ar1(200, 0.5, np.random.default_rng(0))
    res = bootstrap(
        (x, x), lambda a, b, axis=-1: np.mean(a - b, axis=axis), paired=True, block_length=10, method="percentile",
        n_resamples=50, rng=0,
    )
    assert np.all(res.bootstrap_distribution == 0)  # (and a DegenerateWarning says so)


def test_block_length_one_circular_is_iid_in_distribution():
    # circular blocks of length 1 are i.i.d. draws: the SE of a mean agrees with the
    # i.i.d. one (both about sd / sqrt(n); each has Monte Carlo sd 1/sqrt(2 * 4000) = 1.1%)
    x = np.random.default_rng(0).normal(size=100)
    a = bootstrap((x,), np.mean, block_length=1, block="circular", method="percentile", n_resamples=4000, rng=1)
    b = bootstrap((x,), np.mean, method="percentile", n_resamples=4000, rng=2)
    assert abs(a.standard_error / b.standard_error - 1) < 0.06


def test_strata_keep_sizes_and_membership():
    labels = np.array(["a"] * 5 + ["b"] * 12 + ["c"] * 3)
    np.random.default_rng(0).shuffle(labels)
    rows = Strata(labels).rows(np.random.default_rng(1), 300, np.int64)
    assert (labels[rows] == labels).all()  # each row drawn from its own stratum: sizes kept
    for s in "abc":  # and every member of a stratum can be drawn
        members = np.flatnonzero(labels == s)
        assert set(np.unique(rows[:, labels == s])) == set(members)


def test_stratified_se_matches_closed_form():
    # For the overall mean with strata kept, the bootstrap variance is
    # sum_s (n_s / n)^2 * var_s / n_s with var_s the plug-in (ddof=0) variance of
    # stratum s (Davison & Hinkley 1997, section 3.7). With 8000 resamples the SE's
    # Monte Carlo relative sd is 0.8%; 4% is 5 sd.
    rng = np.random.default_rng(5)
    labels = np.repeat([0, 1, 2], [30, 50, 20])
    x = rng.normal(size=100) + 3 * labels
    res = bootstrap((x,), np.mean, strata=labels, method="percentile", n_resamples=8000, rng=0)
    n = len(x)
    var = sum((np.sum(labels == s) / n) ** 2 * np.var(x[labels == s]) / np.sum(labels == s) for s in range(3))
    assert abs(res.standard_error / np.sqrt(var) - 1) < 0.04
    iid = bootstrap((x,), np.mean, method="percentile", n_resamples=2000, rng=0)
    assert iid.standard_error > 2 * res.standard_error  # the strata remove the between-strata variance


def test_stratified_bca_acceleration_from_strata():
    # the mean's influence values within stratum s are x_i - mean_s (closed form)
    rng = np.random.default_rng(2)
    labels = np.repeat([0, 1], [15, 25])
    x = rng.exponential(size=40) * (1 + labels)
    res = bootstrap((x,), np.mean, strata=labels, n_resamples=500, rng=0)
    u = [x[labels == s] - x[labels == s].mean() for s in (0, 1)]
    # the leave-one-out mean over all rows moves by (mean - x_i)/(n - 1), so the
    # influence values are u_i * (n_s - 1) / (n - 1)
    u = [ui * (len(ui) - 1) / 39 for ui in u]
    num = sum((ui**3).sum() / len(ui) ** 3 for ui in u)
    den = sum((ui**2).sum() / len(ui) ** 2 for ui in u)
    assert res.acceleration == pytest.approx(num / (6 * den**1.5), rel=1e-10)
    assert "stratum" in " ".join(res.notes)


def test_errors_name_the_parameter():
    x = np.arange(30.0)
    with pytest.raises(ValueError, match="method='bca' is not valid with block_length"):
        bootstrap((x,), np.mean, block_length=3)
    with pytest.raises(ValueError, match="block="):
        bootstrap((x,), np.mean, block_length=3, block="tapered", method="percentile")
    with pytest.raises(ValueError, match="fixed length need an int"):
        bootstrap((x,), np.mean, block_length=2.5, block="circular", method="percentile")
    with pytest.raises(ValueError, match="between 1 and n = 30"):
        bootstrap((x,), np.mean, block_length=31, method="percentile")
    with pytest.raises(ValueError, match="'auto'"):
        bootstrap((x,), np.mean, block_length="optimal", method="percentile")
    with pytest.raises(ValueError, match="cannot be combined"):
        bootstrap((x,), np.mean, block_length=3, strata=x > 5, method="percentile")
    with pytest.raises(ValueError, match="one label per observation"):
        bootstrap((x,), np.mean, strata=[0, 1])
    with pytest.raises(ValueError, match="unpaired samples"):
        bootstrap((x, x), lambda a, b: a.mean() - b.mean(), strata=x > 5)
    with pytest.raises(ValueError, match="studentized"):
        bootstrap((x,), np.mean, strata=x > 5, method="studentized")
    with pytest.raises(ValueError, match="acceleration='regression'"):
        bootstrap((x,), np.mean, strata=x > 5, acceleration="regression", n_resamples=100)
    first = bootstrap((x,), np.mean, block_length=3, method="percentile", n_resamples=10, rng=0)
    with pytest.raises(ValueError, match="same block_length"):
        bootstrap((x,), np.mean, method="percentile", n_resamples=10, bootstrap_result=first, rng=0)
    more = bootstrap((x,), np.mean, block_length=3, method="percentile", n_resamples=10, bootstrap_result=first, rng=1)
    assert more.n_resamples == 20


def test_extending_a_block_bootstrap_equals_one_run():
    x = ar1(120, 0.5, np.random.default_rng(4))
    kw = dict(block_length=6, block="stationary", method="percentile")
    first = bootstrap((x,), np.mean, n_resamples=300, rng=9, **kw)
    more = bootstrap((x,), np.mean, n_resamples=300, rng=9, bootstrap_result=first, **kw)
    once = bootstrap((x,), np.mean, n_resamples=600, rng=9, **kw)
    np.testing.assert_array_equal(more.bootstrap_distribution, once.bootstrap_distribution)


def test_language_model_perplexity_uses_core_blocks():
    pytest.importorskip("torch")
    from resample_torch import block_bootstrap_perplexity
    from resample_torch.lm.model import BlockLogLikelihood

    # per-row NLL with a slow drift (a topic that runs over many rows): runs of rows
    # resampled together give a wider interval than independent rows
    rng = np.random.default_rng(0)
    nll = -(20 + ar1(200, 0.9, rng))
    ll = BlockLogLikelihood(nll, np.full(200, 16))
    iid = block_bootstrap_perplexity(ll, unit="nats_per_char", n_resamples=1000, rng=1)
    runs = block_bootstrap_perplexity(ll, unit="nats_per_char", n_resamples=1000, block_length="auto", rng=1)
    assert runs.resampling.startswith("stationary block bootstrap")
    # AR(1) with phi = 0.9: the long-run SE is sqrt((1 + phi) / (1 - phi)) = 4.4 times the
    # i.i.d. one; the block bootstrap recovers much of it (a factor 2 is far inside)
    assert runs.standard_error > 2 * iid.standard_error


def test_bootstrap_cv_strata_keep_class_counts():
    from sklearn.datasets import load_iris
    from sklearn.neighbors import KNeighborsClassifier

    from resample import BootstrapCV

    X, y = load_iris(return_X_y=True)
    X, y = X[:110], y[:110]  # 50, 50, 10: unbalanced
    cv = BootstrapCV(KNeighborsClassifier(3), n_resamples=30, scoring="accuracy", random_state=0)
    cv.fit(X, y, strata=y)
    for i in range(len(cv.result_.splits)):
        train, _ = cv.result_.splits[i]
        np.testing.assert_array_equal(np.bincount(y[train]), [50, 50, 10])
    assert 0.8 < cv.estimate_ <= 1
    same = BootstrapCV(KNeighborsClassifier(3), n_resamples=30, scoring="accuracy", random_state=0).fit(X, y, strata=y)
    assert same.estimate_ == cv.estimate_
    with pytest.raises(ValueError, match="one label per row"):
        cv.fit(X, y, strata=y[:5])
