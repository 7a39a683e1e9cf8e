"""Early, clear errors for the inputs that used to fail late with a foreign message (issue 14, point 7).

Each case was found failing inside the first fit (scikit-learn's or numpy's message), or
not at all. Now each is refused before any fit, with a message that names the parameter or
column and what to do. The counting estimators prove "before any fit".
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from resample import KFoldCV, LeaveOneOutCV, bootstrap


class Fits(RegressorMixin, BaseEstimator):
    count = 0

    def fit(self, X, y, sample_weight=None):
        type(self).count += 1
        self.m_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.m_)


def _frame(n=30, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)}), pd.Series(rng.normal(size=n))


@pytest.mark.parametrize(
    "column, match",
    [
        (pd.Categorical(["x", "y", "z"] * 10), r"X column 'c' is categorical .* OneHotEncoder"),
        (np.array(["x", "y", "z"] * 10, dtype=object), r"X column 'c' holds text .* e\.g\. 'x'"),
        (pd.array(["x", None, "z"] * 10, dtype="string"), r"X column 'c' holds text"),
        (pd.array([1, None, 3] * 10, dtype="Int64"), r"missing values|NaN"),
        (np.array([1.0, None, 3.0] * 10, dtype=object), r"X column 'c' contains 10 missing values"),
    ],
    ids=["categorical", "object-text", "string-NA", "Int64-NA", "object-None"],
)
def test_pandas_columns_a_model_cannot_take_are_refused_before_any_fit(column, match):
    X, y = _frame()
    X["c"] = column
    with pytest.raises((TypeError, ValueError), match=match):
        KFoldCV(LinearRegression(), n_splits=3).fit(X, y)


def test_pd_na_for_a_model_that_takes_nan_names_the_conversion():
    X, y = _frame()
    X["c"] = pd.array([1, None, 3] * 10, dtype="Int64")
    with pytest.raises(TypeError, match=r"X = X.astype\(\{'c': float\}\)"):
        KFoldCV(RandomForestRegressor(n_estimators=2), n_splits=3).fit(X, y)
    # and the conversion the message gives works
    KFoldCV(RandomForestRegressor(n_estimators=2, random_state=0), n_splits=3).fit(X.astype({"c": float}), y)


def test_models_that_take_text_or_categories_are_left_alone():
    X, y = _frame()
    X["c"] = pd.Categorical(["x", "y", "z"] * 10)
    encode = make_column_transformer((OneHotEncoder(), ["c"]), remainder="passthrough")
    KFoldCV(make_pipeline(encode, LinearRegression()), n_splits=3).fit(X, y)
    KFoldCV(HistGradientBoostingRegressor(max_iter=5), n_splits=3).fit(X, y)


def test_missing_target_values_are_refused():
    X, y = _frame()
    y = pd.Series(pd.array([1.0, None, 2.0] * 10, dtype="Float64"))
    with pytest.raises(ValueError, match="y contains"):
        KFoldCV(LinearRegression(), n_splits=3).fit(X, y)
    y = pd.Series([1.0, None, 2.0] * 10, dtype=object)
    with pytest.raises(ValueError, match="y contains"):
        KFoldCV(LinearRegression(), n_splits=3).fit(X, y)


@pytest.mark.parametrize(
    "weight, match",
    [
        (np.ones(29), r"sample_weight has shape \(29,\), but X has 30 samples"),
        (-np.ones(30), r"sample_weight holds 30 negative values"),
        (np.zeros(30), r"sample_weight is zero for every sample"),
        (np.full(30, np.nan), r"sample_weight contains NaN or infinity"),
        (np.array(["a"] * 30), r"sample_weight must hold numbers"),
        (np.ones((30, 2)), r"sample_weight has shape \(30, 2\)"),
    ],
)
def test_bad_sample_weight_is_refused_before_any_fit(weight, match):
    X, y = _frame()
    Fits.count = 0
    with pytest.raises((TypeError, ValueError), match=match):
        KFoldCV(Fits(), n_splits=3).fit(X, y, sample_weight=weight)
    assert Fits.count == 0


def test_sample_weight_to_a_model_or_pipeline_that_cannot_take_it():
    X, y = _frame()

    class NoWeights(Fits):
        def fit(self, X, y):
            return super().fit(X, y)

    with pytest.raises(TypeError, match="NoWeights.fit takes no sample_weight"):
        KFoldCV(NoWeights(), n_splits=3).fit(X, y, sample_weight=np.ones(30))
    with pytest.raises(TypeError, match="pass linearregression__sample_weight"):
        KFoldCV(make_pipeline(StandardScaler(), LinearRegression()), n_splits=3).fit(X, y, sample_weight=np.ones(30))
    # a good weight still works, and changes the fit as weighted least squares should
    w = np.arange(1, 31, dtype=float)
    weighted = LeaveOneOutCV(LinearRegression(), shortcut=False).fit(X, y, sample_weight=w)
    plain = LeaveOneOutCV(LinearRegression(), shortcut=False).fit(X, y)
    assert weighted.estimate_ != plain.estimate_


def test_memory_at_a_file_is_refused_before_any_fit(tmp_path):
    X, y = _frame()
    (tmp_path / "f").write_text("")
    Fits.count = 0
    with pytest.raises(ValueError, match=r"memory=.* is a file, not a directory"):
        KFoldCV(Fits(), n_splits=3, memory=tmp_path / "f").fit(X, y)
    assert Fits.count == 0


class WrongLength(Fits):
    def predict(self, X):
        return np.zeros(len(X) + 1)


@pytest.mark.parametrize("scoring", [None, "neg_mean_squared_error", "r2", "neg_median_absolute_error"])
def test_predict_of_the_wrong_length_is_named(scoring):
    X, y = _frame()
    with pytest.raises(ValueError, match=r"WrongLength.predict returned 11 values for 10 test rows") as info:
        KFoldCV(WrongLength(), n_splits=3, scoring=scoring if scoring != "r2" else "r2").fit(X, y)
    if scoring is not None:
        assert "split 0 of 3" in "".join(getattr(info.value, "__notes__", [])) + str(info.value)


@pytest.mark.parametrize("a", [float("nan"), 5.0, -1.0, float("inf")])
def test_a_given_acceleration_must_be_finite_and_below_one(a):
    with pytest.raises(ValueError, match=r"acceleration=.* is out of range"):
        bootstrap((np.arange(10.0),), np.mean, method="BCa", acceleration=a, rng=0)


def test_a_small_given_acceleration_is_used():
    x = np.random.default_rng(0).normal(size=40)
    zero = bootstrap((x,), np.mean, method="BCa", acceleration=0.0, rng=0, n_resamples=500)
    some = bootstrap((x,), np.mean, method="BCa", acceleration=0.1, rng=0, n_resamples=500)
    assert zero.confidence_interval != some.confidence_interval


torch = pytest.importorskip("torch")


class _Flat(torch.nn.Module):
    def __init__(self, n_features_in=3, n_outputs=1):
        super().__init__()
        self.layer = torch.nn.Linear(n_features_in, 5)

    def forward(self, x):  # (batch, 3) -> (5 * batch,): the bug of the report
        return self.layer(x).reshape(-1)


class _CountingSGD(torch.optim.SGD):
    steps = 0

    def step(self, *args, **kwargs):
        type(self).steps += 1
        return super().step(*args, **kwargs)


@pytest.mark.parametrize("name", ["TorchRegressor", "TorchClassifier"])
def test_a_torch_module_of_the_wrong_output_shape_is_refused_at_the_first_batch(name):
    import resample_torch

    _CountingSGD.steps = 0
    X = np.random.default_rng(0).normal(size=(100, 3)).astype(np.float32)
    y = X.sum(axis=1) if name == "TorchRegressor" else (X[:, 0] > 0).astype(int)
    est = getattr(resample_torch, name)(module=_Flat, max_epochs=1, batch_size=20, optimizer=_CountingSGD)
    width = 1 if name == "TorchRegressor" else 2
    with pytest.raises(ValueError, match=rf"module output has shape \(100,\) .* 20 rows, .* needs \(20, {width}\)"):
        est.fit(X, y)
    assert _CountingSGD.steps == 0  # refused before any optimizer step


def test_the_output_check_does_not_change_training(monkeypatch):
    """The check reads the first batch's output inside the loss: no extra forward, no random numbers drawn."""
    import resample_torch
    from resample_torch.tabular import supervised

    class Net(torch.nn.Module):
        def __init__(self, n_features_in=3, n_outputs=1):
            super().__init__()
            self.body = torch.nn.Sequential(torch.nn.Linear(n_features_in, 8), torch.nn.BatchNorm1d(8),
                                            torch.nn.Dropout(0.5), torch.nn.Linear(8, n_outputs))

        def forward(self, x):
            return self.body(x)

    X = np.random.default_rng(1).normal(size=(64, 3)).astype(np.float32)
    y = X @ np.array([1.0, -1.0, 2.0], dtype=np.float32)
    checked = resample_torch.TorchRegressor(module=Net, max_epochs=3, random_state=0).fit(X, y)
    monkeypatch.setattr(supervised, "check_module_output", lambda criterion, *a, **k: criterion)
    unchecked = resample_torch.TorchRegressor(module=Net, max_epochs=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(checked.predict(X), unchecked.predict(X))


@pytest.mark.parametrize(
    "corpus, match",
    [
        ("abc\udc80def", r"lone surrogate U\+DC80 at character 3"),
        (["fine", "x\ud800"], r"corpus document 1 holds a lone surrogate U\+D800"),
        (b"abc\xff", r"corpus is bytes; decode it"),
        ({"a": b"\xff\xfe"}, r"corpus document 'a' is bytes"),
    ],
)
def test_language_model_text_with_lone_surrogates_or_bytes(corpus, match):
    import resample_torch as rt

    with pytest.raises((TypeError, ValueError), match=match):
        rt.text_blocks(corpus, block_len=4)


def test_a_language_model_refuses_a_lone_surrogate_in_its_rows():
    import resample_torch as rt

    with pytest.raises(ValueError, match="lone surrogate"):
        rt.CharRNNLanguageModel(max_epochs=1).fit(np.array(["ab\ud800cd"] * 8, dtype=object))
