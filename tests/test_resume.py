"""Runs that survive a crash: a CV killed midway resumes from its cache."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from joblib import Memory

SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    import numpy as np
    from sklearn.base import BaseEstimator, RegressorMixin
    from resample import KFoldCV

    log, cache, kill_after = sys.argv[1], sys.argv[2], int(sys.argv[3])

    class Slow(RegressorMixin, BaseEstimator):
        def __init__(self, k=3):
            self.k = k
        def fit(self, X, y):
            with open(log, "a") as f:
                f.write("fit\\n")
            done = sum(1 for _ in open(log))
            if kill_after and done > kill_after:  # die hard in the middle of the run
                os.kill(os.getpid(), signal.SIGKILL)
            self.coef_ = np.linalg.lstsq(X, y, rcond=None)[0]
            return self
        def predict(self, X):
            return X @ self.coef_

    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3)); y = X @ [1.0, 2.0, 3.0] + rng.normal(size=50)
    cv = KFoldCV(Slow(), n_splits=5, shuffle=True, random_state=0, scoring="neg_mean_squared_error",
                 memory=cache, refit=False).fit(X, y)
    print(repr(cv.scores_.tolist()))
    """
)


def _run(tmp_path, kill_after, cache):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    log = tmp_path / f"log-{kill_after}-{Path(cache).name}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, str(script), str(log), str(cache), str(kill_after)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    fits = sum(1 for _ in open(log)) if log.exists() else 0
    return proc, fits


def test_a_killed_run_resumes_from_its_cache(tmp_path):
    cache = tmp_path / "cache"
    killed, fits = _run(tmp_path, kill_after=3, cache=cache)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert fits == 4  # three finished splits, then the process died inside the fourth fit
    resumed, refits = _run(tmp_path, kill_after=0, cache=cache)
    assert resumed.returncode == 0, resumed.stderr
    assert refits == 2  # only the two splits that had not finished
    fresh, all_fits = _run(tmp_path, kill_after=0, cache=tmp_path / "fresh-cache")
    assert all_fits == 5
    assert resumed.stdout == fresh.stdout  # the identical result


def test_memory_accepts_a_joblib_memory_and_reuses_results(tmp_path):
    from sklearn.linear_model import LogisticRegression

    from resample import KFoldCV

    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int)
    memory = Memory(tmp_path, verbose=0)
    first = KFoldCV(LogisticRegression(), memory=memory).fit(X, y)
    second = KFoldCV(LogisticRegression(), memory=memory).fit(X, y)
    np.testing.assert_array_equal(first.scores_, second.scores_)
    np.testing.assert_array_equal(first.result_.fit_times, second.result_.fit_times)  # served from the cache
    other = KFoldCV(LogisticRegression(C=0.01), memory=memory).fit(X, y)
    assert not np.array_equal(other.result_.fit_times, first.result_.fit_times)  # new parameters, new key


def test_bad_memory_is_refused():
    from sklearn.linear_model import Ridge

    from resample import KFoldCV

    with pytest.raises(ValueError, match=r"memory must be a str or .* or None; got 3"):
        KFoldCV(Ridge(), memory=3).fit(np.zeros((10, 1)), np.zeros(10))
