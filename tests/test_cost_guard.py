"""The cost guard: long runs time their first fits and warn; the command never starts a huge LOOCV silently.

Thresholds are lowered for the tests (``cost.DEFAULT``, ``--max-refits``), so nothing here is slow.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.neighbors import KNeighborsRegressor

from resample import KFoldCV, LeaveOneOutCV
from resample._model_selection import cost
from resample.cli.main import main
from resample.exceptions import NoteKind, ResampleWarning


def _cost_warnings(caught):
    return [w.message for w in caught if isinstance(w.message, ResampleWarning) and w.message.kind is NoteKind.COST]


def _data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, X @ [1.0, -1.0] + rng.normal(size=n)


@pytest.fixture
def low_threshold(monkeypatch):
    monkeypatch.setattr(cost, "DEFAULT", cost.CostGuard(min_fits=10, pilot=3, warn_seconds=0.0))


def test_a_long_run_warns_with_its_estimate_and_keeps_identical_results(low_threshold):
    X, y = _data()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        guarded = LeaveOneOutCV(KNeighborsRegressor(), scoring="neg_mean_squared_error").fit(X, y)
    (w,) = _cost_warnings(caught)
    assert "60 fits of KNeighborsRegressor" in str(w) and "the other 57 will take about" in str(w)
    assert "n_jobs=-1" in str(w)
    cost.DEFAULT = cost.CostGuard(min_fits=10**9)  # the fixture restores it
    plain = LeaveOneOutCV(KNeighborsRegressor(), scoring="neg_mean_squared_error").fit(X, y)
    np.testing.assert_array_equal(guarded.scores_, plain.scores_)
    assert guarded.estimate_ == plain.estimate_


def test_the_pilot_fits_are_not_repeated(low_threshold, monkeypatch):
    X, y = _data(30)
    calls = []
    fit = KNeighborsRegressor.fit
    monkeypatch.setattr(KNeighborsRegressor, "fit", lambda self, *a, **k: calls.append(1) or fit(self, *a, **k))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        LeaveOneOutCV(KNeighborsRegressor(), scoring="neg_mean_squared_error", refit=False).fit(X, y)
    assert len(calls) == 30


def test_parallel_and_repeated_runs_are_guarded_too(low_threshold):
    X, y = _data(40)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cv = KFoldCV(KNeighborsRegressor(), n_splits=4, n_repeats=5, shuffle=True, random_state=0, n_jobs=2,
                     scoring="neg_mean_squared_error").fit(X, y)
    (w,) = _cost_warnings(caught)
    assert "20 fits" in str(w) and "2 workers" in str(w)
    assert len(cv.scores_) == 20


def test_short_runs_and_default_thresholds_say_nothing():
    X, y = _data(30)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LeaveOneOutCV(KNeighborsRegressor(), scoring="neg_mean_squared_error").fit(X, y)
    assert not _cost_warnings(caught)


def test_estimate_is_the_median_pilot_time_over_the_workers():
    assert cost.estimate_seconds([1.0, 3.0, 2.0], 100, 1) == 200.0
    assert cost.estimate_seconds([1.0], 100, 4) == 25.0
    assert cost.estimate_seconds([1.0], 2, 8) == 1.0  # never more workers than fits
    guard = cost.CostGuard(warn_seconds=1e9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cost.warn_if_long(KNeighborsRegressor(), [1.0], 11, 1, guard) == 10.0


# ------------------------------------------------------------------ the command
@pytest.fixture
def csv(tmp_path):
    rng = np.random.default_rng(0)
    n = 120
    X = rng.normal(size=(n, 2))
    table = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "label": (X @ [1, -1] + rng.logistic(size=n) > 0).astype(int),
                          "value": X @ [1, -1] + rng.normal(size=n)})
    path = tmp_path / "data.csv"
    table.to_csv(path, index=False)
    return str(path)


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_command_uses_the_approximate_loocv_above_max_refits(csv, capsys):
    code, out, err = _run(capsys, "evaluate", csv, "--target", "label", "--model", "logistic",
                          "--method", "loocv", "--max-refits", "50", "--format", "json")
    assert code == 0
    import json

    result = json.loads(out)
    text = json.dumps(result)
    assert "approximate" in text and "--max-refits 120" in text


def test_command_leaves_out_loocv_it_cannot_approximate_and_says_how_to_force_it(csv, capsys):
    code, out, err = _run(capsys, "evaluate", csv, "--target", "value", "--model", "knn:1..3",
                          "--method", "loocv", "kfold", "--max-refits", "100")
    assert code == 0
    assert "LOOCV left out: it needs 360 refits" in err and "--max-refits 360" in err
    assert "LOOCV: leave-one-out" not in out and "10-fold CV" in out


def test_command_refuses_when_loocv_was_the_only_method(csv, capsys):
    code, out, err = _run(capsys, "evaluate", csv, "--target", "value", "--model", "knn:1..3",
                          "--method", "loocv", "--max-refits", "100")
    assert code != 0 and "--max-refits 360" in err


def test_command_keeps_exact_loocv_and_small_runs(csv, capsys):
    # the closed form needs no refits, so a tiny --max-refits changes nothing
    code, out, err = _run(capsys, "evaluate", csv, "--target", "value", "--model", "linear", "--method", "loocv",
                          "--max-refits", "1")
    assert code == 0 and "LOOCV: leave-one-out" in out and "left out" not in err
    code, out, err = _run(capsys, "evaluate", csv, "--target", "label", "--model", "logistic", "--method", "loocv")
    assert code == 0 and "approximate" not in out  # 120 refits: under the default, refitted exactly
