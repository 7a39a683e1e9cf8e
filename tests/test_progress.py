"""Progress bars: shown on stderr only when asked, also with n_jobs > 1, same numbers."""

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsRegressor

from resample import KFoldCV, LeaveOneOutCV, ValidationSetCV
from resample._utils.progress import check_progress

pytest.importorskip("tqdm")


def _data(n=40):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 2))
    return X, X[:, 0] + rng.normal(size=n)


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: KFoldCV(KNeighborsRegressor(3), n_splits=5, **kw),
        lambda **kw: LeaveOneOutCV(KNeighborsRegressor(3), **kw),
        lambda **kw: ValidationSetCV(KNeighborsRegressor(3), n_repeats=4, random_state=0, **kw),
    ],
    ids=["kfold", "loocv", "validation"],
)
def test_bar_only_when_asked(make, capsys):
    X, y = _data()
    quiet = make().fit(X, y)
    assert capsys.readouterr().err == ""
    loud = make(progress=True).fit(X, y)
    err = capsys.readouterr().err
    assert "splits" in err and "%" in err
    np.testing.assert_array_equal(quiet.scores_, loud.scores_)


def test_bar_under_n_jobs(capsys):
    X, y = _data()
    serial = KFoldCV(KNeighborsRegressor(3), n_splits=4).fit(X, y)
    capsys.readouterr()
    par = KFoldCV(KNeighborsRegressor(3), n_splits=4, n_jobs=2, progress=True).fit(X, y)
    err = capsys.readouterr().err
    assert "splits" in err
    assert "/4 [" in err  # a bar over the 4 splits
    np.testing.assert_array_equal(serial.scores_, par.scores_)


def test_progress_is_a_parameter():
    cv = KFoldCV(KNeighborsRegressor(), progress=True)
    assert cv.get_params()["progress"] is True
    with pytest.raises(Exception, match="progress"):
        KFoldCV(KNeighborsRegressor(), progress="yes").fit(*_data())
    with pytest.raises(TypeError, match="progress must be True or False"):
        check_progress("yes")


def test_bootstrap_cv_bar(capsys):
    from resample import BootstrapCV

    X, y = _data()
    quiet = BootstrapCV(KNeighborsRegressor(3), n_resamples=8, random_state=0,
                        scoring="neg_mean_squared_error").fit(X, y)
    assert capsys.readouterr().err == ""
    loud = BootstrapCV(KNeighborsRegressor(3), n_resamples=8, random_state=0, scoring="neg_mean_squared_error",
                       progress=True).fit(X, y)
    assert "/8 [" in capsys.readouterr().err
    assert quiet.estimate_ == loud.estimate_
