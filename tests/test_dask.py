"""Scaling out: joblib's Dask backend gives exactly the serial result for every estimator.

One LocalCluster on loopback (threads, one worker) for the whole module; nothing
leaves 127.0.0.1. Skipped when distributed is not installed.
"""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.neighbors import KNeighborsRegressor
from sklearn.tree import DecisionTreeRegressor

from resample import KFoldCV, LeaveOneOutCV, ValidationSetCV

distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _data(n=48, classes=False):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(n, 3))
    y = X[:, 0] - X[:, 1] + rng.normal(scale=0.5, size=n)
    return X, (y > 0).astype(int) if classes else y


def _estimators():
    from resample import BootstrapCV

    yield "kfold", lambda **kw: KFoldCV(KNeighborsRegressor(4), n_splits=5, shuffle=True, random_state=3, **kw), False
    yield "kfold-refits", lambda **kw: KFoldCV(LinearRegression(), n_splits=4, shortcut=False,
                                               scoring="neg_mean_squared_error", **kw), False
    yield "loocv", lambda **kw: LeaveOneOutCV(DecisionTreeRegressor(max_depth=2, random_state=0), **kw), False
    yield "validation", lambda **kw: ValidationSetCV(KNeighborsRegressor(3), n_repeats=6, random_state=1, **kw), False
    yield "bootstrap632", lambda **kw: BootstrapCV(LogisticRegression(), n_resamples=20, random_state=2,
                                                   scoring="accuracy", **kw), True


CASES = list(_estimators())


@pytest.mark.parametrize("make, classes", [(m, c) for _, m, c in CASES], ids=[n for n, _, _ in CASES])
def test_dask_backend_equals_serial(client, make, classes):
    X, y = _data(classes=classes)
    serial = make().fit(X, y)
    with joblib.parallel_backend("dask"), distributed.get_task_stream(client) as tasks:
        scaled = make(n_jobs=2).fit(X, y)
    assert len(tasks.data) > 0  # the fits ran on the cluster
    np.testing.assert_array_equal(serial.scores_, scaled.scores_)
    assert serial.estimate_ == scaled.estimate_
    assert serial.standard_error_ == scaled.standard_error_ or np.isnan(serial.standard_error_)


def test_dask_backend_with_progress(client, capsys):
    X, y = _data()
    serial = KFoldCV(KNeighborsRegressor(4), n_splits=6).fit(X, y)
    with joblib.parallel_backend("dask"):
        scaled = KFoldCV(KNeighborsRegressor(4), n_splits=6, n_jobs=2, progress=True).fit(X, y)
    assert "splits" in capsys.readouterr().err
    np.testing.assert_array_equal(serial.scores_, scaled.scores_)


def test_dask_backend_bootstrap_estimator(client):
    from resample import BootstrapEstimator

    X, y = _data()
    make = lambda **kw: BootstrapEstimator(DecisionTreeRegressor(max_depth=2, random_state=0), n_resamples=16,  # noqa: E731
                                           attributes=["feature_importances_"], random_state=4, **kw)
    serial = make().fit(X, y)
    with joblib.parallel_backend("dask"):
        scaled = make(n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(
        serial.standard_errors_["feature_importances_"], scaled.standard_errors_["feature_importances_"]
    )
