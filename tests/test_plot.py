"""Plots: error against flexibility with one-SE bands, split scores, bootstrap distribution."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.linear_model import LinearRegression  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import PolynomialFeatures, StandardScaler  # noqa: E402

from resample import KFoldCV, ValidationSetCV, bootstrap  # noqa: E402
from resample._plotting import as_error, plot_bootstrap, plot_cv_result, plot_family  # noqa: E402
from resample.datasets import load_auto  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def auto():
    a = load_auto()
    return a[["horsepower"]], a["mpg"]


def _poly(d):
    return make_pipeline(PolynomialFeatures(d), StandardScaler(), LinearRegression())


def test_family_plot_draws_errors_bands_and_choice(auto):
    X, y = auto
    family = {
        d: KFoldCV(_poly(d), n_splits=5, shuffle=True, random_state=0, scoring="neg_mean_squared_error").fit(X, y)
        for d in range(1, 5)
    }
    ax = plot_family(family, xlabel="degree")
    main = ax.lines[0]
    np.testing.assert_allclose(main.get_ydata(), [-family[d].estimate_ for d in range(1, 5)])
    assert len(ax.collections) == 1  # the one-SE band
    markers = [line.get_marker() for line in ax.lines]
    assert "*" in markers  # the one-SE choice
    star = ax.lines[markers.index("*")]
    assert star.get_xdata()[0] == 2
    assert ax.get_xlabel() == "degree" and ax.get_ylabel() == "mean squared error"


def test_family_plot_repeats_and_given_axes(auto):
    X, y = auto
    family = [
        ValidationSetCV(_poly(d), n_repeats=4, random_state=1, scoring="neg_mean_squared_error").fit(X, y).result_
        for d in (1, 2, 3)
    ]
    fig, ax = plt.subplots()
    out = plot_family(family, values=[1, 2, 3], ax=ax, repeats=True, band=False, mark_choice=False)
    assert out is ax
    assert len(ax.lines) == 4 + 1  # four validation splits, then the mean
    assert len(ax.collections) == 0


def test_accuracy_drawn_as_error_rate():
    f, label = as_error("accuracy")
    assert label == "error rate" and f(0.75) == 0.25
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] > 0).astype(int)
    fam = {k: KFoldCV(KNeighborsClassifier(k), n_splits=4, scoring="accuracy").fit(X, y) for k in (1, 5, 9)}
    ax = plot_family(fam, simpler="higher", flexibility=[1 / k for k in fam], xscale="log", xlabel="1/K")
    assert ax.get_ylabel() == "error rate" and ax.get_xscale() == "log"
    assert all(0 <= v <= 1 for v in ax.lines[0].get_ydata())


def test_cv_result_plot(auto):
    X, y = auto
    res = KFoldCV(LinearRegression(), n_splits=10, scoring="neg_mean_squared_error").fit(X, y).result_
    ax = res.plot()
    assert ax.get_title() == "k-fold: 10 splits"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), -res.scores)
    assert ax.lines[1].get_ydata()[0] == pytest.approx(-res.estimate)
    assert plot_cv_result(res, ax=ax) is ax


def test_bootstrap_plot():
    x = np.random.default_rng(0).normal(size=50)
    res = bootstrap((x,), np.mean, n_resamples=400, method="percentile", rng=0)
    ax = plot_bootstrap(res, label="mean")
    assert sum(p.get_height() for p in ax.patches if hasattr(p, "get_height")) >= 400
    xs = sorted(line.get_xdata()[0] for line in ax.lines)
    low, high = res.confidence_interval
    assert xs[0] == pytest.approx(low) and xs[-1] == pytest.approx(high)
    assert "percentile interval" in ax.get_title()


def test_bootstrap_plot_vector_statistic_needs_index():
    x = np.random.default_rng(0).normal(size=(2, 30))
    res = bootstrap((x,), np.mean, axis=-1, n_resamples=200, method="percentile", rng=0)
    with pytest.raises(ValueError, match="pass index="):
        plot_bootstrap(res)
    plot_bootstrap(res, index=1)


def test_family_plot_errors():
    with pytest.raises(ValueError, match="values is None"):
        plot_family([object()])
    with pytest.raises(ValueError, match="values has 1 entries but results has 2"):
        plot_family([object(), object()], values=[1])


def test_choice_plot_from_results_and_pairs():
    from resample import select_one_standard_error

    choice = select_one_standard_error({1: (-3.0, 0.2), 2: (-2.0, 0.5), 3: (-1.8, 0.5)})
    ax = choice.plot(xlabel="degree")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [-3.0, -2.0, -1.8])  # no scorer: drawn as given
    star = [line for line in ax.lines if line.get_marker() == "*"][0]
    assert star.get_xdata()[0] == 2
    with pytest.raises(ValueError, match="results is empty"):
        plot_family({})


def test_bootstrap_result_plot_method():
    x = np.random.default_rng(1).normal(size=40)
    res = bootstrap((x,), np.mean, n_resamples=300, method="percentile", rng=0)
    ax = res.plot(label="mean")
    assert ax.get_xlabel() == "mean" and "percentile interval" in ax.get_title()
