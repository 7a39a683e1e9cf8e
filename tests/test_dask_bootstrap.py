"""The one-pass bootstraps on Dask: the NumPy result for any chunking, on a real LocalCluster.

One LocalCluster on 127.0.0.1 (two in-process workers, tcp between them) for the
module, started and closed here. "Identical" means: the same Poisson weights and
subsets (they depend on the seed and the global row only), hence the same result up
to the order of floating-point additions (a relative 1e-12 covers it).
"""

import numpy as np
import pandas as pd
import pytest

from resample import poisson_bootstrap

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _data(n=3001):
    g = np.random.default_rng(11)
    b = g.poisson(3.0, size=n) + 1.0
    return np.column_stack([b * g.gamma(2.0, 0.5, size=n), b])


def ratio(m):
    return m[0] / m[1]


# three chunkings: one block, equal blocks, and irregular ones that start mid-tile
CHUNKINGS = [(3001,), (1000, 1000, 1000, 1), (1, 700, 77, 1500, 723)]


@pytest.mark.parametrize("chunks", CHUNKINGS, ids=["one", "equal", "irregular"])
def test_poisson_dask_array_equals_numpy(client, chunks):
    x = _data()
    ref = poisson_bootstrap(x, ratio, n_resamples=200, rng=3)
    with distributed.get_task_stream(client) as tasks:
        res = poisson_bootstrap(da.from_array(x, chunks=(chunks, 2)), ratio, n_resamples=200, rng=3)
    assert len(tasks.data) >= len(chunks)  # the blocks ran on the cluster
    np.testing.assert_allclose(res.bootstrap_distribution, ref.bootstrap_distribution, rtol=1e-12)
    assert res.estimate == pytest.approx(ref.estimate, rel=1e-12)
    assert res.standard_error == pytest.approx(ref.standard_error, rel=1e-9)
    np.testing.assert_allclose(res.confidence_interval, ref.confidence_interval, rtol=1e-12)
    assert res.computation == "poisson"


def test_poisson_dask_dataframe_and_unknown_chunks(client):
    dd = pytest.importorskip("dask.dataframe")
    x = _data()
    ref = poisson_bootstrap(x, ratio, n_resamples=100, rng=8)
    frame = dd.from_pandas(pd.DataFrame(x, columns=["revenue", "clicks"]), npartitions=5)
    res = poisson_bootstrap(frame, ratio, n_resamples=100, rng=8)
    np.testing.assert_allclose(res.bootstrap_distribution, ref.bootstrap_distribution, rtol=1e-12)
    assert any("extra pass" in note for note in res.notes)
    unknown = frame.to_dask_array()  # chunk sizes NaN
    again = poisson_bootstrap(unknown, ratio, n_resamples=100, rng=8)
    np.testing.assert_allclose(again.bootstrap_distribution, ref.bootstrap_distribution, rtol=1e-12)


def test_poisson_dask_errors(client):
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.from_pandas(pd.DataFrame({"x": [1.0, 2.0, 3.0], "city": ["a", "b", "c"]}), npartitions=2)
    with pytest.raises(TypeError, match="numeric or boolean columns only.*'city'"):
        poisson_bootstrap(frame, "mean")
    with pytest.raises(ValueError, match="empty: it has no rows"):
        poisson_bootstrap(da.zeros((0, 2), chunks=(1, 2)), "mean")
    x = _data(100)
    x[57, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinite values \(first in row 57\)"):
        poisson_bootstrap(da.from_array(x, chunks=(30, 2)), "mean")


def wls(v, w):
    X = np.column_stack([np.ones(len(v)), v[:, 0]])
    sw = np.sqrt(w)
    return np.linalg.lstsq(X * sw[:, None], v[:, 1] * sw, rcond=None)[0]


@pytest.mark.parametrize("chunks", CHUNKINGS, ids=["one", "equal", "irregular"])
def test_blb_dask_array_equals_numpy(client, chunks):
    from resample import bag_of_little_bootstraps

    x = _data()
    ref = bag_of_little_bootstraps(x, wls, n_subsets=4, n_resamples=20, rng=5)
    with distributed.get_task_stream(client) as tasks:
        res = bag_of_little_bootstraps(da.from_array(x, chunks=(chunks, 2)), wls, n_subsets=4, n_resamples=20, rng=5)
    assert len(tasks.data) >= len(chunks) + 4  # the pass and the four subsets ran on the cluster
    # same subsets in the same order, same weights: the same numbers exactly
    np.testing.assert_array_equal(res.bootstrap_distribution, ref.bootstrap_distribution)
    np.testing.assert_array_equal(res.subset_estimates, ref.subset_estimates)
    np.testing.assert_array_equal(res.standard_error, ref.standard_error)
    # the Dask estimate is the mean of the subset estimates (a note says so)
    np.testing.assert_allclose(res.estimate, ref.subset_estimates.mean(axis=0), rtol=1e-12)
    assert any("mean of the subset estimates" in note for note in res.notes)


def test_blb_dask_dataframe_one_column(client):
    dd = pytest.importorskip("dask.dataframe")
    from resample import bag_of_little_bootstraps

    x = _data()[:, 0]
    ref = bag_of_little_bootstraps(x, lambda v, w: np.average(v, weights=w), n_subsets=3, n_resamples=10, rng=1)
    frame = dd.from_pandas(pd.Series(x, name="revenue"), npartitions=4)
    res = bag_of_little_bootstraps(frame, lambda v, w: np.average(v, weights=w), n_subsets=3, n_resamples=10, rng=1)
    # a Series is 1-D, like a 1-D array: the statistic sees rows of shape (b,)
    np.testing.assert_allclose(res.bootstrap_distribution, ref.bootstrap_distribution, rtol=1e-12)
