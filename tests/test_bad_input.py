"""Generated bad input thrown at every public entry point (issue: reliability).

Each entry point must answer bad data or an out-of-range parameter with a
ValueError or TypeError whose message names what was wrong (the parameter, or X /
y / data), before any fit: the wrapped estimators below count their fits, and
torch estimators are checked to raise before any optimizer step (a fit that
started would take far longer than the budget hypothesis allows is not relied
on: their counters are the module constructions).

Entry points covered (keep this list in step with the packages' ``__all__``):
resample: ValidationSetCV, LeaveOneOutCV, KFoldCV, BootstrapCV, BootstrapEstimator,
compare, bootstrap, jackknife, select_one_standard_error, one_standard_error_rule;
resample.splitters: BlockedKFold, BootstrapSplit; the command line (exit status 2);
resample_torch: TorchClassifier, TorchRegressor, CharRNNLanguageModel,
NGramLanguageModel, text_blocks, FrozenFeatures, FineTuneClassifier.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

import resample
from resample import (
    BootstrapCV,
    BootstrapEstimator,
    KFoldCV,
    LeaveOneOutCV,
    ValidationSetCV,
    bootstrap,
    compare,
    jackknife,
)
from resample.splitters import BlockedKFold, BootstrapSplit


class Counter(RegressorMixin, BaseEstimator):
    fits = 0

    def fit(self, X, y):
        type(self).fits += 1
        self.n_features_in_ = np.shape(X)[1]
        self.coef_ = np.zeros(np.shape(X)[1])
        return self

    def predict(self, X):
        return np.zeros(len(X))


class CounterClassifier(ClassifierMixin, Counter):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return super().fit(X, y)

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


KINDS = ["nan_X", "inf_y", "empty", "single", "text_X", "short_y", "short_groups", "bad_param"]


@st.composite
def corrupted(draw):
    """A small regression data set and one way to spoil it."""
    n = draw(st.integers(6, 25))
    p = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.normal(size=(n, p))
    y = rng.normal(size=n)
    kind = draw(st.sampled_from(KINDS))
    groups = None
    if kind == "nan_X":
        X[draw(st.integers(0, n - 1)), draw(st.integers(0, p - 1))] = np.nan
    elif kind == "inf_y":
        y[draw(st.integers(0, n - 1))] = draw(st.sampled_from([np.inf, -np.inf]))
    elif kind == "empty":
        X, y = X[:0], y[:0]
    elif kind == "single":
        X, y = X[:1], y[:1]
    elif kind == "text_X":
        X = np.array([[f"v{i}"] * p for i in range(n)], dtype=object)
    elif kind == "short_y":
        y = y[: draw(st.integers(0, n - 1))]
    elif kind == "short_groups":
        groups = np.zeros(draw(st.integers(1, n - 1)))
    return kind, X, y, groups


# What a message must mention, per kind (any one of the words).
NAMES = {
    "nan_X": ("X", "data"),
    "inf_y": ("y", "data"),
    "empty": ("X", "data", "sample", "observation"),
    "single": ("X", "data", "sample", "observation"),
    "text_X": ("X holds text", "numeric"),
    "short_y": ("y", "X", "data"),
    "short_groups": ("groups",),
}

BAD_PARAMS = {
    "KFoldCV": lambda: KFoldCV(Counter(), n_splits=1),
    "LeaveOneOutCV": lambda: LeaveOneOutCV(Counter(), error_score="ignore"),
    "ValidationSetCV": lambda: ValidationSetCV(Counter(), test_size=1.5),
    "BootstrapCV": lambda: BootstrapCV(Counter(), n_resamples=0),
    "BootstrapEstimator": lambda: BootstrapEstimator(Counter(), n_resamples=0),
}
PARAM_NAMES = {
    "KFoldCV": "n_splits", "LeaveOneOutCV": "error_score", "ValidationSetCV": "test_size",
    "BootstrapCV": "n_resamples", "BootstrapEstimator": "n_resamples",
}

ESTIMATORS = {
    "KFoldCV": lambda base: KFoldCV(base, n_splits=3),
    "LeaveOneOutCV": lambda base: LeaveOneOutCV(base),
    "ValidationSetCV": lambda base: ValidationSetCV(base),
    "BootstrapCV": lambda base: BootstrapCV(base, n_resamples=5, scoring="neg_mean_squared_error"),
    "BootstrapEstimator": lambda base: BootstrapEstimator(base, n_resamples=5, attributes=["coef_"]),
}


def _base(kind):
    """What X may hold defers to the wrapped estimator's tags, and only scikit-learn's
    own tags are trusted: text X is thrown at a scikit-learn model (whose own fit
    would fail differently, so the message proves the refusal came first)."""
    from sklearn.linear_model import LinearRegression

    return LinearRegression() if kind == "text_X" else Counter()


def _check(exc_info, words):
    message = str(exc_info.value) + "".join(getattr(exc_info.value, "__notes__", []))
    assert any(w in message for w in words), f"{message!r} names none of {words}"


SETTINGS = settings(
    max_examples=60, deadline=None,
    # the monkeypatch of the torch test only replaces the training loop with a recorder
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@SETTINGS
@given(case=corrupted(), name=st.sampled_from(sorted(ESTIMATORS)))
def test_estimators_refuse_bad_input_before_any_fit(case, name):
    kind, X, y, groups = case
    Counter.fits = 0
    if kind == "bad_param":
        est, words = BAD_PARAMS[name](), (PARAM_NAMES[name],)
        X, y = X, y
    else:
        est, words = ESTIMATORS[name](_base(kind)), NAMES[kind]
    if kind == "short_groups" and name == "BootstrapEstimator":
        return  # takes no groups
    with pytest.raises((ValueError, TypeError)) as info:
        if kind == "short_groups":
            est.fit(X, y, groups=groups)
        else:
            est.fit(X, y)
    _check(info, words)
    assert Counter.fits == 0


@SETTINGS
@given(case=corrupted())
def test_compare_refuses_bad_input_before_any_fit(case):
    kind, X, y, groups = case
    Counter.fits = 0
    with pytest.raises((ValueError, TypeError)) as info:
        if kind == "bad_param":
            compare(Counter(), Counter(), X, y, confidence_level=2.0)
        else:
            compare(_base(kind), _base(kind), X, y, groups=groups)
    _check(info, ("confidence_level",) if kind == "bad_param" else NAMES[kind])
    assert Counter.fits == 0


@SETTINGS
@given(case=corrupted(), fn=st.sampled_from(["bootstrap", "jackknife"]), paired=st.booleans())
def test_statistic_functions_refuse_bad_data(case, fn, paired):
    kind, X, y, _ = case
    if kind in ("short_groups",):
        return
    if kind == "nan_X":
        x = X[:, np.flatnonzero(np.isnan(X).any(axis=0))[0]]
    elif kind == "text_X":
        x = X[:, 0]
    else:
        x = y
    if kind == "short_y":  # paired samples of unequal length
        data, paired = (X[:, 0], y), True
    else:
        data = (x, x) if paired else (x,)
    calls = {
        "bootstrap": lambda **kw: bootstrap(data, _stat, n_resamples=20, paired=paired, rng=0, **kw),
        "jackknife": lambda **kw: jackknife(data, _stat, paired=paired, **kw),
    }
    with pytest.raises((ValueError, TypeError)) as info:
        if kind == "bad_param":
            calls[fn](confidence_level=1.0)
        else:
            calls[fn]()
    _check(info, ("confidence_level",) if kind == "bad_param" else ("data", "paired", "sample", "observation"))


def _stat(*samples, axis=-1):
    return np.mean(samples[0], axis=axis)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 30), k=st.integers(-2, 40), gap=st.integers(-3, 20), b=st.integers(-3, 5))
def test_splitters_refuse_bad_parameters(n, k, gap, b):
    X = np.zeros((n, 1))
    try:
        list(BlockedKFold(k, gap=gap).split(X))
    except (ValueError, TypeError) as exc:
        assert any(w in str(exc) for w in ("n_splits", "gap", "samples")), exc
    else:
        assert 2 <= k <= n and gap >= 0
    try:
        list(BootstrapSplit(b, random_state=0).split(X))
    except (ValueError, TypeError) as exc:
        assert any(w in str(exc) for w in ("n_resamples", "samples")), exc
    else:
        assert b >= 1 and n >= 2


def test_selection_helpers_refuse_bad_parameters():
    with pytest.raises((ValueError, TypeError), match="simpler"):
        resample.one_standard_error_rule("alpha", simpler="smaller")
    with pytest.raises((ValueError, TypeError), match="results"):
        resample.select_one_standard_error([])


@pytest.mark.parametrize(
    "argv, word",
    [
        (["evaluate", "/nonexistent.csv", "--target", "y"], "nonexistent"),
        (["evaluate", "--model", "nosuchmodel:1..3"], "nosuchmodel"),
        (["bootstrap", "--statistic", "quantile:1.5"], "quantile"),
        (["evaluate", "--target", "no_such_column"], "no_such_column"),
    ],
)
def test_command_line_refuses_bad_input_with_status_2(argv, word, capsys):
    from resample.cli.main import main

    try:
        status = main(argv)
    except SystemExit as exc:
        status = exc.code
    assert status == 2
    assert word in capsys.readouterr().err


# The torch tests below skip on their own without torch (pytest.importorskip inside
# each), so the core and command-line tests above still run on a machine without it.


@SETTINGS
@given(case=corrupted(), name=st.sampled_from(["TorchClassifier", "TorchRegressor"]))
def test_torch_estimators_refuse_bad_input_before_training(case, name, monkeypatch):
    pytest.importorskip("torch")
    import resample_torch
    from resample_torch.tabular import supervised as _estimators

    kind, X, y, _ = case
    if kind == "short_groups" or (kind == "single" and name == "TorchRegressor"):
        return  # no groups; one sample is a legitimate fit for a plain regressor (not a resampler)
    started = []
    monkeypatch.setattr(_estimators, "train_loop", lambda *a, **k: started.append(1) or [])
    monkeypatch.setattr(_estimators, "run_epochs", lambda *a, **k: started.append(1) or (None, None))
    cls = getattr(resample_torch, name)
    if name == "TorchClassifier" and kind not in ("inf_y", "short_y"):
        y = (np.arange(len(y)) % 2) if kind != "single" else y[:1] * 0
    est = cls(max_epochs=1, lr=-1.0) if kind == "bad_param" else cls(max_epochs=1)
    with pytest.raises((ValueError, TypeError)) as info:
        est.fit(X, y)
    words = ("lr",) if kind == "bad_param" else NAMES[kind] + ("input variables", "class", "Input")
    _check(info, words)
    assert not started


@pytest.mark.parametrize(
    "make, word",
    [
        (lambda rt, torch: rt.text_blocks("", block_len=8), "corpus"),
        (lambda rt, torch: rt.text_blocks("abc", block_len=0), "block_len"),
        (lambda rt, torch: rt.CharRNNLanguageModel(bptt=0).fit(rt.text_blocks("abcdefgh" * 4, block_len=8)), "bptt"),
        (lambda rt, torch: rt.CharRNNLanguageModel(cell="transformer").fit(rt.text_blocks("abcdefgh" * 4, block_len=8)), "cell"),
        (lambda rt, torch: rt.CharRNNLanguageModel(device="tpu").fit(rt.text_blocks("abcdefgh" * 4, block_len=8)), "device"),
        (lambda rt, torch: rt.NGramLanguageModel(order=0).fit(rt.text_blocks("abcdefgh" * 4, block_len=8)), "order"),
        (lambda rt, torch: rt.FrozenFeatures(torch.nn.Linear(4, 2), layer="nope").fit(np.zeros((3, 4), np.float32)), "nope"),
        (lambda rt, torch: rt.FineTuneClassifier(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2)),
                                          max_epochs=1).fit(np.zeros((4, 2, 2), np.float32), np.zeros(4)), "class"),
    ],
)
def test_torch_text_and_transfer_entry_points_refuse_bad_input(make, word):
    torch = pytest.importorskip("torch")
    import resample_torch as rt

    with pytest.raises((ValueError, TypeError)) as info:
        make(rt, torch)
    _check(info, (word,))
