"""The one-standard-error rule: constructed families, the Auto polynomial degree, GridSearchCV."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from resample import KFoldCV, LeaveOneOutCV, one_standard_error_rule, select_one_standard_error
from resample.datasets import load_auto
from resample.exceptions import ShortcutWarning


def test_constructed_family_lower_is_simpler():
    # best is 4 (-10.0, se 1.0); within one SE: estimates >= -11.0 -> {2, 3, 4}; simplest 2
    family = {1: (-15.0, 1.0), 2: (-10.9, 0.4), 3: (-10.5, 0.3), 4: (-10.0, 1.0), 5: (-10.2, 0.2)}
    choice = select_one_standard_error(family)
    assert (choice.value, choice.best_value, choice.threshold) == (2, 4, -11.0)
    assert choice.within.tolist() == [False, True, True, True, True]
    frame = choice.to_frame()
    assert frame.loc[frame.chosen, "value"].item() == 2 and frame.loc[frame.best, "value"].item() == 4
    assert "value=2" in repr(choice)


def test_constructed_family_higher_is_simpler():
    # a ridge penalty: more alpha is simpler
    choice = select_one_standard_error(
        [(-5.0, 0.5), (-5.2, 0.1), (-5.4, 0.1), (-6.0, 0.1)], values=[0.1, 1.0, 10.0, 100.0], simpler="higher"
    )
    assert choice.value == 10.0 and choice.best_value == 0.1


def test_ties_on_value_and_nan_estimates():
    choice = select_one_standard_error([(np.nan, np.nan), (-1.0, 0.1), (-1.05, 0.1)], values=[0, 1, 2])
    assert choice.value == 1 and choice.best_value == 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-100, 0, allow_nan=False), st.floats(0, 10, allow_nan=False)), min_size=1, max_size=12
    )
)
def test_rule_property(pairs):
    """The choice is within one SE of the best and nothing simpler is."""
    values = list(range(len(pairs)))
    choice = select_one_standard_error(pairs, values=values)
    est = np.array([p[0] for p in pairs])
    best = int(np.argmax(est))
    assert est[choice.index] >= est[best] - pairs[best][1]
    assert not (est[: choice.index] >= choice.threshold).any()
    assert choice.index <= best


def test_auto_polynomial_degree_loocv():
    auto = load_auto()
    X, y = auto[["horsepower"]], auto["mpg"]
    family = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShortcutWarning)
        for d in range(1, 11):
            model = make_pipeline(PolynomialFeatures(d), LinearRegression())
            family[d] = LeaveOneOutCV(model, scoring="neg_mean_squared_error", refit=False).fit(X, y).result_
    choice = select_one_standard_error(family)
    # ISLR Figure 5.4: the big drop is from d = 1 to 2, nothing after it is worth the flexibility
    assert choice.value == 2
    assert choice.best_value > 2
    # fitted estimators work as well as results
    fitted = {
        d: KFoldCV(make_pipeline(PolynomialFeatures(d), StandardScaler(), LinearRegression()), n_splits=10,
                   shuffle=True, random_state=0, scoring="neg_mean_squared_error").fit(X, y)
        for d in (1, 2, 3)
    }
    assert select_one_standard_error(fitted).value == 2


def test_gridsearch_refit_callable():
    auto = load_auto()
    X, y = auto[["horsepower"]], auto["mpg"]
    model = make_pipeline(PolynomialFeatures(), StandardScaler(), LinearRegression())
    grid = {"polynomialfeatures__degree": list(range(1, 8))}
    rule = one_standard_error_rule("polynomialfeatures__degree")
    search = GridSearchCV(model, grid, scoring="neg_mean_squared_error", cv=10, refit=rule).fit(X, y)
    assert search.best_params_ == {"polynomialfeatures__degree": 2}
    # the same choice as the helper on the same numbers
    res = search.cv_results_
    pairs = list(zip(res["mean_test_score"], res["std_test_score"] / np.sqrt(10)))
    assert select_one_standard_error(pairs, values=grid["polynomialfeatures__degree"]).value == 2
    assert search.predict(X[:3]).shape == (3,)


def test_gridsearch_multimetric_and_higher():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5))
    y = X[:, 0] + rng.normal(size=60)
    alphas = [0.01, 0.1, 1.0, 10.0, 1000.0]
    rule = one_standard_error_rule("alpha", simpler="higher", metric="mse")
    search = GridSearchCV(Ridge(), {"alpha": alphas}, cv=5,
                          scoring={"mse": "neg_mean_squared_error", "r2": "r2"}, refit=rule).fit(X, y)
    assert search.best_params_["alpha"] in alphas
    assert search.best_params_["alpha"] >= alphas[int(np.argmax(search.cv_results_["mean_test_mse"]))]


def test_errors():
    with pytest.raises(ValueError, match="simpler='simplest' is not allowed"):
        select_one_standard_error({1: (0, 1)}, simpler="simplest")
    with pytest.raises(ValueError, match="values is None"):
        select_one_standard_error([(0, 1)])
    with pytest.raises(ValueError, match="values has 2 entries but results has 1"):
        select_one_standard_error([(0, 1)], values=[1, 2])
    with pytest.raises(ValueError, match="values must be None"):
        select_one_standard_error({1: (0, 1)}, values=[1])
    with pytest.raises(ValueError, match="results is empty"):
        select_one_standard_error({})
    with pytest.raises(TypeError, match=r"results\[0\] must be a CVResult"):
        select_one_standard_error(["x"], values=[1])
    with pytest.raises(ValueError, match="no model in the family has a finite estimate"):
        select_one_standard_error([(np.nan, 1.0)], values=[1])
    with pytest.raises(TypeError, match="cannot be ordered"):
        select_one_standard_error([(0.0, 1.0), (0.0, 1.0)], values=["a", 1])
    with pytest.raises(TypeError, match="param must be the name"):
        one_standard_error_rule(3)
    with pytest.raises(ValueError, match="simpler='down' is not allowed"):
        one_standard_error_rule("alpha", simpler="down")
    with pytest.raises(TypeError, match="metric must be"):
        one_standard_error_rule("alpha", metric=1)
    rule = one_standard_error_rule("alpha")
    with pytest.raises(ValueError, match="is not a parameter of every candidate"):
        rule({"params": [{"beta": 1}], "mean_test_score": [0.0], "std_test_score": [0.0]})
    with pytest.raises(ValueError, match=r"pass metric= one of \['a', 'b'\]"):
        rule({"params": [{"alpha": 1}], "mean_test_a": [0.0], "mean_test_b": [0.0]})
