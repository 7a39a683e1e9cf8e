"""The command on anyone's CSV: separators, standard input, missing values, text columns,
numbers printed by their standard error, bounded statistics and the notes it keeps."""

import io
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resample.cli.main import build_parser, main

pytest.importorskip("matplotlib")


@pytest.fixture(autouse=True)
def _agg():
    import matplotlib

    matplotlib.use("Agg")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def frame():
    rng = np.random.default_rng(7)
    n = 40
    a, b = rng.normal(size=n), rng.normal(size=n)
    return pd.DataFrame({"a": a, "b": b, "y": 1.5 * a - b + rng.normal(scale=0.3, size=n)})


# ------------------------------------------------------------------ reading


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_separator_is_sniffed(capsys, tmp_path, frame, sep):
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False, sep=sep)
    code, out, err = run(capsys, "evaluate", str(path), "--target", "y", "--method", "kfold", "--k", "5")
    assert code == 0, err
    assert "features: a, b" in out


def test_sep_option_and_its_errors(capsys, tmp_path, frame):
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False, sep=";")
    code, out, err = run(capsys, "bootstrap", str(path), "--sep", ";", "--columns", "a", "--n-resamples", "200",
                         "--method", "percentile")
    assert code == 0, err
    # a wrong separator leaves one column, and the message lists it
    code, out, err = run(capsys, "bootstrap", str(path), "--sep", ",", "--columns", "a")
    assert code == 2 and "column 'a' not in" in err and "a;b;y" in err
    code, out, err = run(capsys, "bootstrap", str(path), "--sep", ";;")
    assert code == 2 and "argument --sep: ';;' is not one character" in err


def test_standard_input(capsys, monkeypatch, frame):
    text = frame.to_csv(index=False, sep=";").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    code, out, err = run(capsys, "bootstrap", "-", "--columns", "a", "--n-resamples", "300", "--method", "percentile")
    assert code == 0, err
    assert "data: standard input, 40 rows" in out
    est = re.search(r"estimate (\S+)", out).group(1)
    assert float(est) == pytest.approx(frame["a"].mean(), abs=0.5 * 10.0 ** -len(est.partition(".")[2]))


# ------------------------------------------------------------------ missing values and text columns


def _with_holes(frame):
    holes = frame.copy()
    holes.loc[[1, 5, 9, 20], "a"] = np.nan
    holes.loc[[3, 5], "b"] = np.nan
    return holes


def test_missing_values_note_says_how_to_keep_them(capsys, tmp_path, frame):
    path = tmp_path / "d.csv"
    _with_holes(frame).to_csv(path, index=False)
    code, out, err = run(capsys, "evaluate", str(path), "--target", "y", "--method", "kfold", "--k", "5")
    assert code == 0, err
    assert "left out 5 of 40 rows (12%) with missing values, in a (4), b (2); --impute fills them in" in err
    assert "35 rows" in out


def test_impute_fits_the_imputer_inside_each_fold(tmp_path, frame):
    """LOOCV with --impute equals leave-one-out refits of SimpleImputer + LinearRegression by hand."""
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LinearRegression

    from resample.cli.evaluate import run_evaluate

    holes = _with_holes(frame)
    path = tmp_path / "d.csv"
    holes.to_csv(path, index=False)
    args = build_parser().parse_args(["evaluate", str(path), "--target", "y", "--method", "loocv", "--impute"])
    outcome = run_evaluate(args, warn=lambda m: None)
    X, y = holes[["a", "b"]].to_numpy(), holes["y"].to_numpy()
    errors = []
    for i in range(len(y)):  # the brute-force oracle: the imputer sees only the training rows
        train = np.arange(len(y)) != i
        imp = SimpleImputer(strategy="median").fit(X[train])
        fit = LinearRegression().fit(imp.transform(X[train]), y[train])
        errors.append((fit.predict(imp.transform(X[i : i + 1]))[0] - y[i]) ** 2)
    assert outcome.n_rows == 40
    assert -outcome.results["loocv"][0].estimate == pytest.approx(np.mean(errors), rel=1e-10)
    # imputing the whole table first would give another number: the held-out row would inform the median
    med = np.nanmedian(X, axis=0)
    whole = np.where(np.isnan(X), med, X)
    leaky = [(LinearRegression().fit(whole[np.arange(40) != i], y[np.arange(40) != i]).predict(whole[i:i + 1])[0]
              - y[i]) ** 2 for i in range(40)]
    assert np.mean(leaky) != pytest.approx(np.mean(errors), rel=1e-6)


def test_text_columns_are_named_with_an_example(capsys, tmp_path, frame):
    path = tmp_path / "d.csv"
    frame.assign(city=["Oslo", "Rome"] * 20).to_csv(path, index=False)
    code, out, err = run(capsys, "evaluate", str(path), "--target", "y", "--method", "kfold", "--k", "5")
    assert code == 0, err
    assert "left out 1 text column (the models take numbers): city (2 distinct, e.g. 'Oslo')" in err


# ------------------------------------------------------------------ what is printed


def test_long_feature_lists_are_abbreviated(capsys, tmp_path):
    rng = np.random.default_rng(1)
    wide = pd.DataFrame(rng.normal(size=(50, 30)), columns=[f"feature {i}" for i in range(30)])
    wide["y"] = wide.sum(axis=1) + rng.normal(size=50)
    path = tmp_path / "wide.csv"
    wide.to_csv(path, index=False)
    code, out, err = run(capsys, "evaluate", str(path), "--target", "y", "--method", "kfold", "--k", "5")
    assert code == 0, err
    first = out.splitlines()[0]
    assert first == "Estimated test MSE of y ~ linear(30 features)"
    assert "features: 30 (feature 0, feature 1, feature 2, ..., feature 28, feature 29)" in out


def test_no_negative_zero_and_digits_follow_the_standard_error(capsys, tmp_path):
    centred = np.random.default_rng(2).normal(size=200)
    centred -= centred.mean()  # the mean is 0 up to rounding, and may be -1e-17
    path = tmp_path / "c.csv"
    pd.DataFrame({"x": centred}).to_csv(path, index=False)
    code, out, err = run(capsys, "bootstrap", str(path), "--n-resamples", "500", "--method", "percentile")
    assert code == 0, err
    m = re.search(r"estimate (\S+)\s+standard error (\S+)", out)
    assert not m.group(1).startswith("-")
    se = m.group(2)  # two significant digits, e.g. 0.072
    assert len(se.partition(".")[2].lstrip("0")) == 2, se


def test_notes_the_command_cannot_act_on_are_left_out(capsys, tmp_path, frame):
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    code, out, err = run(capsys, "evaluate", str(path), "--target", "y", "--method", "kfold", "--k", "5")
    assert code == 0, err
    assert "Davison-Hinkley" not in out
    code, out, err = run(capsys, "bootstrap", str(path), "--columns", "a", "--n-resamples", "300")
    assert "BCa acceleration" not in out


# ------------------------------------------------------------------ bounded statistics


def test_correlation_intervals_stay_in_range(capsys, tmp_path):
    """The issue's case: stackloss, corr 0.92 on 21 rows, where basic gave [0.85, 1.08] and normal [0.81, 1.04]."""
    sm = pytest.importorskip("statsmodels.api")
    path = tmp_path / "stackloss.csv"
    sm.datasets.stackloss.load_pandas().data.to_csv(path, index=False)
    code, out, err = run(capsys, "bootstrap", str(path), "--statistic", "corr", "--columns", "STACKLOSS", "AIRFLOW",
                         "--n-resamples", "2000")
    assert code == 0, err
    assert "the statistic lies in [-1, 1]" in out
    for low, high in re.findall(r"\[(-?[\d.]+), (-?[\d.]+)\]", out.split("95% interval")[1]):
        assert -1 <= float(low) <= float(high) <= 1
    assert "(clipped)" in out


def test_bootstrap_bounds_clip_basic_and_keep_percentile():
    from resample import bootstrap

    rng = np.random.default_rng(5)
    x = rng.normal(size=15)
    y = x + 0.3 * rng.normal(size=15)

    def corr(a, b, axis=-1):
        ac, bc = a - a.mean(axis, keepdims=True), b - b.mean(axis, keepdims=True)
        return (ac * bc).sum(axis) / np.sqrt((ac**2).sum(axis) * (bc**2).sum(axis))

    kw = dict(paired=True, n_resamples=2000, rng=3)
    free = bootstrap((x, y), corr, method="basic", **kw)
    assert free.confidence_interval.high > 1  # the failure the bounds are for
    bounded = bootstrap((x, y), corr, method="basic", bounds=(-1, 1), **kw)
    assert bounded.confidence_interval.high == 1.0
    assert bounded.confidence_interval.low == free.confidence_interval.low
    assert bounded.bounds == (-1.0, 1.0) and any("clipped" in n for n in bounded.notes)
    pct = bootstrap((x, y), corr, method="percentile", bounds=(-1, 1), **kw)
    same = bootstrap((x, y), corr, method="percentile", **kw)
    assert tuple(pct.confidence_interval) == tuple(same.confidence_interval)
    assert not any("clipped" in n for n in pct.notes)
    with pytest.raises(ValueError, match="bounds must satisfy low < high"):
        bootstrap((x, y), corr, bounds=(1, -1), **kw)


def test_proportion_mean_is_bounded(capsys, tmp_path):
    path = tmp_path / "p.csv"
    pd.DataFrame({"hit": [1] * 19 + [0]}).to_csv(path, index=False)
    code, out, err = run(capsys, "bootstrap", str(path), "--n-resamples", "1000", "--method", "normal", "percentile")
    assert code == 0, err
    assert "the statistic lies in [0, 1]" in out
    for low, high in re.findall(r"\[(-?[\d.]+), (-?[\d.]+)\]", out.split("95% interval")[1]):
        assert 0 <= float(low) <= float(high) <= 1


# ------------------------------------------------------------------ --report and run.sh


def test_report_without_matplotlib_fails_before_the_work(capsys, monkeypatch, tmp_path):
    import resample._plotting as plotting
    import resample.cli.evaluate as evaluate

    def no_pyplot():
        raise ImportError("Plots need matplotlib, an optional dependency: pip install 'resample-ml[plot]'")

    def never(*a, **k):  # pragma: no cover - reaching it is the failure
        raise AssertionError("the work started before --report was checked")

    monkeypatch.setattr(plotting, "import_pyplot", no_pyplot)
    monkeypatch.setattr(evaluate, "run_evaluate", never)
    code, out, err = run(capsys, "evaluate", "--report", str(tmp_path / "r"))
    assert code == 2 and out == ""
    assert "--report needs matplotlib" in err and "resample-ml[plot]" in err


def test_run_script_installs_the_plot_extra():
    script = (Path(__file__).parents[1] / "scripts" / "run.sh").read_text()
    assert re.search(r'pip install .*-e "\.\[plot\]"', script)


# ------------------------------------------------------------------ figures on any data


def _overlap(a, b):
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _check_layout(fig):
    """Tick labels never collide, and no legend covers the data of any axes."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    axes = [ax for ax in fig.axes if ax.get_visible()]
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            boxes = [t.get_window_extent(renderer) for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
            for i in range(len(boxes)):
                for j in range(i + 1, len(boxes)):
                    assert not _overlap(boxes[i], boxes[j]), (ax.get_title(), [t.get_text() for t in axis.get_ticklabels()])
    legends = list(fig.legends) + [ax.get_legend() for ax in axes if ax.get_legend() is not None]
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in axes:
            assert not _overlap(box, ax.get_window_extent(renderer)), ax.get_title()


@pytest.mark.parametrize("model, methods", [
    ("logistic", ["kfold", "validation", "bootstrap"]),  # one model: the three slivers
    ("logistic", ["kfold"]),
    ("ridge:alpha=0.01..100", ["kfold", "loocv", "validation"]),
    ("knn:1..30", ["kfold", "loocv"]),
    ("poly:1..25", ["kfold"]),
])
def test_report_figures_fit_on_wide_data(tmp_path, model, methods):
    import matplotlib.pyplot as plt

    from resample.cli.evaluate import run_evaluate
    from resample.cli.evaluate_figures import figures as _figures
    from resample.cli.evaluate_text import headline as _headline

    rng = np.random.default_rng(3)
    wide = pd.DataFrame(rng.normal(size=(80, 12)), columns=[f"a long feature name {i}" for i in range(12)])
    is_class = model == "logistic"
    wide["y"] = (wide.iloc[:, 0] > 0).astype(int) if is_class else wide.iloc[:, 0] + rng.normal(size=80)
    path = tmp_path / "w.csv"
    wide.to_csv(path, index=False)
    features = [] if not model.startswith("poly") else ["--features", "a long feature name 0"]
    args = build_parser().parse_args(["evaluate", str(path), "--target", "y", "--model", model, "--method", *methods,
                                      "--n-resamples", "20", "--k", "5", "--repeats", "3", *features])
    outcome = run_evaluate(args, warn=lambda m: None)
    assert len(_headline(outcome)) < 100  # no list of 12 features, no list of 10 alphas
    for fig, caption in _figures(outcome):
        _check_layout(fig)
        for ax in fig.axes:
            assert "1 runs" not in ax.get_title()
        if outcome.family.kind.simpler == "higher":
            assert all(ax.xaxis_inverted() for ax in fig.axes if ax.get_visible() and ax.get_xlabel())
        plt.close(fig)


# ------------------------------------------------------------------ long runs, grid edges, zero SE


def test_edge_of_grid_and_zero_standard_error_notes(capsys, tmp_path, frame):
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    # y is linear in a and b: the least penalty of the grid is best, at its edge
    code, out, err = run(capsys, "evaluate", str(path), "--target", "y", "--model", "ridge:alpha=1,10,100,1000",
                         "--method", "kfold", "--k", "5")
    assert code == 0, err
    assert "10-fold CV" not in out and "5-fold CV: the lowest estimate is at the edge of the grid (alpha=1, the smallest" in out
    # a constant prediction on balanced stratified folds: every fold has error rate 1/2 exactly
    two = pd.DataFrame({"x": np.r_[np.zeros(20), np.ones(20)], "c": np.tile([0, 1], 20)})
    path = tmp_path / "two.csv"
    two.to_csv(path, index=False)
    code, out, err = run(capsys, "evaluate", str(path), "--target", "c", "--model", "sklearn.dummy.DummyClassifier",
                         "--method", "kfold", "--k", "4", "--task", "classification")
    assert code == 0, err
    assert "the standard error is exactly 0 because every split scored the same" in out
    assert "0.0000000" not in out  # rounding noise of the zero SE does not set the digits


def test_progress_by_default_only_on_a_terminal_for_long_runs():
    from resample.cli.evaluate import LONG_RUN_FITS, show_progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert show_progress(None, LONG_RUN_FITS, Terminal()) is True
    assert show_progress(None, LONG_RUN_FITS - 1, Terminal()) is False
    assert show_progress(None, 10**6, io.StringIO()) is False  # a pipe or a file: never by default
    assert show_progress(False, 10**6, Terminal()) is False


def test_no_rows_left_after_missing_values_says_so(capsys, tmp_path, frame):
    path = tmp_path / "d.csv"
    frame.assign(y=np.nan).to_csv(path, index=False)  # a target column that is empty (statsmodels' fertility, 2013)
    code, out, err = run(capsys, "evaluate", str(path), "--target", "y", "--method", "kfold")
    assert code == 2
    assert "left out 40 of 40 rows (100%)" in err
    assert "no rows are left of" in err and "every row has a missing value in --target 'y'" in err
