"""The ``memory=`` cache: it runs nothing it did not write, and serves nothing that no longer applies."""

import importlib
import json
import os
import pickle
import shutil
import stat
import sys
import textwrap
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import LinearRegression

from resample import KFoldCV, LeaveOneOutCV
from resample.exceptions import CacheWarning


class Counting(RegressorMixin, BaseEstimator):
    """Predicts the training mean; counts its fits (a class attribute: not a parameter)."""

    fits = 0
    fail_on = ()  # training-set sizes on which fit raises MemoryError

    def __init__(self, shift=0.0):
        self.shift = shift

    def fit(self, X, y):
        type(self).fits += 1
        if len(X) in type(self).fail_on:
            raise MemoryError("transient")
        self.mean_ = float(np.mean(y)) + self.shift
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


@pytest.fixture(autouse=True)
def _reset():
    Counting.fits, Counting.fail_on = 0, ()
    yield
    Counting.fits, Counting.fail_on = 0, ()


def _data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, X @ [1.0, -2.0] + rng.normal(size=n)


def _cv(memory, **kw):
    return KFoldCV(Counting(), n_splits=4, shuffle=True, random_state=0, refit=False, memory=memory,
                   scoring="neg_mean_squared_error", **kw)


def _entries(memory):
    root = memory / "resample-splits"
    return sorted(p for p in root.iterdir() if not p.name.startswith("."))


class _Marker:
    """A pickle that, when loaded, creates a file: the proof that something unpickled it."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def test_nothing_is_pickled_unless_fold_models_are_kept(tmp_path):
    X, y = _data()
    _cv(tmp_path).fit(X, y)
    names = {p.name for e in _entries(tmp_path) for p in e.iterdir()}
    assert names == {"meta.json", "values.npy", "predictions.npy", "entry.hmac"}
    for e in _entries(tmp_path):  # plain .npy: readable without pickles
        np.load(e / "values.npy", allow_pickle=False)


def test_a_planted_malicious_pickle_is_never_loaded(tmp_path):
    X, y = _data()
    first = _cv(tmp_path, return_estimator=True).fit(X, y)
    assert Counting.fits == 4
    marker = tmp_path / "pwned"
    entries = _entries(tmp_path)
    # replace the fold model of one entry, and plant a pickle in another that had a valid signature
    (entries[0] / "estimator.pkl").write_bytes(pickle.dumps(_Marker(marker)))
    (entries[1] / "output.pkl").write_bytes(pickle.dumps(_Marker(marker)))
    # and a joblib.Memory-style output.pkl anywhere else in the directory
    (tmp_path / "output.pkl").write_bytes(pickle.dumps(_Marker(marker)))
    Counting.fits = 0
    with pytest.warns(CacheWarning, match="signature does not match"):
        again = _cv(tmp_path, return_estimator=True).fit(X, y)
    assert not marker.exists()
    assert Counting.fits == 2  # the two tampered splits were recomputed, the others served
    np.testing.assert_array_equal(again.scores_, first.scores_)
    # the recomputed entries are whole again: a third run fits nothing
    Counting.fits = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        _cv(tmp_path, return_estimator=True).fit(X, y)
    assert Counting.fits == 0 and not marker.exists()


def test_an_edited_score_is_refused_and_recomputed(tmp_path):
    X, y = _data()
    first = _cv(tmp_path).fit(X, y)
    entries = _entries(tmp_path)
    meta = json.loads((entries[2] / "meta.json").read_text())
    meta["score"] = -1e6
    (entries[2] / "meta.json").write_text(json.dumps(meta))
    values = np.load(entries[3] / "values.npy")
    np.save(entries[3] / "values.npy", np.full_like(values, -1e6))
    Counting.fits = 0
    with pytest.warns(CacheWarning):
        again = _cv(tmp_path).fit(X, y)
    assert Counting.fits == 2
    assert again.estimate_ == first.estimate_
    assert again.estimate_ > -100  # not the planted -1e6


def test_an_entry_copied_under_another_key_is_refused(tmp_path):
    X, y = _data()
    first = _cv(tmp_path).fit(X, y)
    a, b = _entries(tmp_path)[:2]
    shutil.rmtree(b)
    shutil.copytree(a, b)  # a validly signed entry, but for another split
    Counting.fits = 0
    with pytest.warns(CacheWarning):
        again = _cv(tmp_path).fit(X, y)
    assert Counting.fits == 1
    np.testing.assert_array_equal(again.scores_, first.scores_)


def test_a_symlinked_or_truncated_entry_is_refused(tmp_path):
    X, y = _data()
    _cv(tmp_path).fit(X, y)
    a, b = _entries(tmp_path)[:2]
    shutil.rmtree(a)
    os.symlink(b, a)
    (b / "entry.hmac").unlink()
    Counting.fits = 0
    with pytest.warns(CacheWarning):
        _cv(tmp_path).fit(X, y)
    assert Counting.fits == 2


def test_edited_estimator_source_recomputes(tmp_path, monkeypatch):
    source = textwrap.dedent(
        """
        import numpy as np
        from sklearn.base import BaseEstimator, RegressorMixin

        class Centre(RegressorMixin, BaseEstimator):
            fits = 0
            def fit(self, X, y):
                type(self).fits += 1
                self.c_ = float(np.mean(y))
                return self
            def predict(self, X):
                return np.full(len(X), self.c_)
        """
    )
    module = tmp_path / "centre_mod.py"
    module.write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = importlib.import_module("centre_mod")
    X, y = _data()
    y = y ** 3  # skewed: the median and the mean differ
    cache = tmp_path / "cache"

    def run():
        return KFoldCV(mod.Centre(), n_splits=4, refit=False, memory=cache).fit(X, y)

    mean_run = run()
    assert mod.Centre.fits == 4
    assert run().estimate_ == mean_run.estimate_ and mod.Centre.fits == 4  # same code: served
    module.write_text(source.replace("np.mean(y)", "np.median(y)"))
    mod = importlib.reload(mod)
    median_run = run()
    assert mod.Centre.fits == 4  # recomputed (a new class object: its counter started at 0)
    fresh = KFoldCV(mod.Centre(), n_splits=4, refit=False).fit(X, y)
    assert median_run.estimate_ == fresh.estimate_ != mean_run.estimate_
    sys.modules.pop("centre_mod", None)


def test_other_package_versions_recompute(tmp_path, monkeypatch):
    X, y = _data()
    _cv(tmp_path).fit(X, y)
    from resample._model_selection import fingerprint as fp_module

    real = fp_module._versions
    monkeypatch.setattr(fp_module, "_versions", lambda objs: {**real(objs), "scikit-learn": "0.0.1"})
    Counting.fits = 0
    _cv(tmp_path).fit(X, y)
    assert Counting.fits == 4


def test_other_parameters_data_or_scorer_recompute(tmp_path):
    X, y = _data()
    _cv(tmp_path).fit(X, y)
    Counting.fits = 0
    KFoldCV(Counting(shift=1.0), n_splits=4, shuffle=True, random_state=0, refit=False, memory=tmp_path,
            scoring="neg_mean_squared_error").fit(X, y)
    assert Counting.fits == 4
    Counting.fits = 0
    _cv(tmp_path).fit(X, y + 1e-9)
    assert Counting.fits == 4
    Counting.fits = 0
    KFoldCV(Counting(), n_splits=4, shuffle=True, random_state=0, refit=False, memory=tmp_path,
            scoring="neg_mean_absolute_error").fit(X, y)
    assert Counting.fits == 4


def test_failed_splits_are_retried(tmp_path):
    X, y = _data(n=40)
    # 3 folds of 40 rows hold out 14, 13 and 13: training sets of 26, 27 and 27 rows. A
    # "transient" MemoryError on the two of 27 rows, as in the report.
    Counting.fail_on = (27,)
    with pytest.warns(UserWarning, match="2 of 3 fits failed"):
        partial = KFoldCV(Counting(), n_splits=3, refit=False, error_score=np.nan, memory=tmp_path).fit(X, y)
    assert np.isnan(partial.scores_).sum() == 2
    assert len(_entries(tmp_path)) == 1  # only the finished split was stored
    Counting.fits, Counting.fail_on = 0, ()
    retried = KFoldCV(Counting(), n_splits=3, refit=False, error_score=np.nan, memory=tmp_path).fit(X, y)
    assert Counting.fits == 2  # the two failed splits ran again; the finished one was served
    fresh = KFoldCV(Counting(), n_splits=3, refit=False).fit(X, y)
    np.testing.assert_array_equal(retried.scores_, fresh.scores_)


def test_kept_fold_models_come_back_from_the_cache(tmp_path):
    X, y = _data()
    first = _cv(tmp_path, return_estimator=True).fit(X, y)
    Counting.fits = 0
    again = _cv(tmp_path, return_estimator=True).fit(X, y)
    assert Counting.fits == 0
    assert [m.mean_ for m in again.estimators_] == [m.mean_ for m in first.estimators_]


def test_class_labels_and_probabilities_round_trip(tmp_path):
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 2))
    y = np.where(X[:, 0] + rng.normal(size=60) > 0, "yes", "no").astype(object)
    for scoring in ("accuracy", "neg_log_loss"):
        first = KFoldCV(LogisticRegression(), n_splits=3, memory=tmp_path, scoring=scoring, refit=False).fit(X, y)
        again = KFoldCV(LogisticRegression(), n_splits=3, memory=tmp_path, scoring=scoring, refit=False).fit(X, y)
        np.testing.assert_array_equal(again.scores_, first.scores_)
        np.testing.assert_array_equal(again.result_.fit_times, first.result_.fit_times)  # served


def test_the_key_file_is_private_and_outside_the_cache(tmp_path, monkeypatch):
    key = tmp_path / "config" / "cache-key"
    monkeypatch.setenv("RESAMPLE_CACHE_KEY_FILE", str(key))
    X, y = _data()
    _cv(tmp_path / "cache").fit(X, y)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_bytes()) == 32
    key.chmod(0o644)
    with pytest.raises(ValueError, match="chmod 600"):
        _cv(tmp_path / "cache").fit(X, y)
    monkeypatch.setenv("RESAMPLE_CACHE_KEY_FILE", str(tmp_path / "cache" / "key"))
    with pytest.raises(ValueError, match="outside the cache"):
        _cv(tmp_path / "cache").fit(X, y)
    assert Counting.fits == 4  # only the first run fitted


def test_a_new_key_invalidates_every_entry(tmp_path, monkeypatch):
    X, y = _data()
    _cv(tmp_path / "cache").fit(X, y)
    monkeypatch.setenv("RESAMPLE_CACHE_KEY_FILE", str(tmp_path / "other-key"))
    Counting.fits = 0
    with pytest.warns(CacheWarning):
        _cv(tmp_path / "cache").fit(X, y)
    assert Counting.fits == 4


def test_memory_at_a_file_fails_before_any_fit(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    X, y = _data()
    with pytest.raises(ValueError, match=r"memory=.*a-file.*is a file, not a directory"):
        _cv(target).fit(X, y)
    with pytest.raises(ValueError, match=r"memory=.*cannot be used"):
        _cv(target / "below").fit(X, y)
    assert Counting.fits == 0


def test_a_joblib_memory_uses_its_location_and_none_caches_nothing(tmp_path):
    X, y = _data()
    _cv(joblib.Memory(tmp_path, verbose=0)).fit(X, y)
    assert len(_entries(tmp_path)) == 4
    Counting.fits = 0
    _cv(joblib.Memory(None, verbose=0)).fit(X, y)
    assert Counting.fits == 4


def test_the_cache_serves_parallel_and_progress_runs_alike(tmp_path):
    X, y = _data()
    plain = LeaveOneOutCV(LinearRegression(), shortcut=False, memory=tmp_path, n_jobs=2).fit(X[:12], y[:12])
    served = LeaveOneOutCV(LinearRegression(), shortcut=False, memory=tmp_path, progress=True).fit(X[:12], y[:12])
    np.testing.assert_array_equal(plain.scores_, served.scores_)
    np.testing.assert_array_equal(plain.result_.fit_times, served.result_.fit_times)
