"""The ``resample`` command: bundled-data numbers, every usage error, the HTML report."""

import base64
import io
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from resample.cli.main import main

pytest.importorskip("matplotlib")


@pytest.fixture(autouse=True)
def _agg(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _half_unit(text):
    """Half a unit in the last printed decimal of ``text`` (the rounding error of printing)."""
    decimals = len(text.partition(".")[2])
    return 0.5 * 10.0**-decimals + 1e-12


def _block(text, title):
    """The lines of the table under ``title``."""
    start = text.index(title)
    return text[start:].split("\n\n")[0]


# ------------------------------------------------------------------ bundled data


def test_evaluate_bundled_reproduces_islr_loocv(capsys):
    code, out, err = run(capsys, "evaluate", "--method", "loocv", "kfold", "--kfold-runs", "1")
    assert code == 0, err
    loocv = _block(out, "LOOCV")
    assert re.search(r"^\s+1\s+24\.23\s", loocv, re.M)
    assert re.search(r"^\s+2\s+19\.25\s.*<- one-SE choice", loocv, re.M)
    assert "one-standard-error rule: degree 2" in out
    assert "mpg ~ poly(horsepower, d)" in out and "392 rows" in out
    assert err == ""  # no progress bars, no warnings unless asked


def test_bootstrap632_on_high_degrees_agrees_with_loocv(capsys):
    # the refits use a well-conditioned design: raw powers made LinearRegression's training error 43 at d = 10
    code, out, err = run(capsys, "evaluate", "--model", "poly:9..10", "--method", "bootstrap", "loocv",
                         "--n-resamples", "40")
    assert code == 0, err
    boot = [float(v) for v in re.findall(r"^\s+(?:9|10)\s+(\S+)", _block(out, "bootstrap .632+"), re.M)]
    loo = [float(v) for v in re.findall(r"^\s+(?:9|10)\s+(\S+)", _block(out, "LOOCV"), re.M)]
    assert len(boot) == len(loo) == 2
    assert np.allclose(boot, loo, rtol=0.1), (boot, loo)
    assert "refits the polynomial on standardized features" in out


def test_python_dash_m_runs_the_walkthrough():
    # the README's main job: `python -m resample` with nothing else
    proc = subprocess.run(
        [sys.executable, "-m", "resample", "evaluate", "--method", "loocv", "--model", "poly:1..2"],
        capture_output=True, text=True, timeout=120, env={"MPLBACKEND": "Agg", "PATH": ""},
    )
    assert proc.returncode == 0, proc.stderr
    assert "24.23" in proc.stdout and "19.25" in proc.stdout


def test_walkthrough_without_subcommand(capsys, monkeypatch):
    import resample.cli.main as cli

    calls = []
    monkeypatch.setattr(cli, "_evaluate", lambda args, report: calls.append(("evaluate", args.csv, args.model)))
    monkeypatch.setattr(cli, "_bootstrap", lambda args, report: calls.append(("bootstrap", args.csv, args.statistic)))
    assert main([]) == 0
    assert calls == [("evaluate", None, None), ("bootstrap", None, None)]
    assert "ISLR chapter 5" in capsys.readouterr().out


def test_bootstrap_bundled_portfolio_alpha(capsys):
    code, out, err = run(capsys, "bootstrap", "--n-resamples", "1000")
    assert code == 0, err
    m = re.search(r"estimate (\S+)\s+standard error (\S+)", out)
    # printed to the digits its standard error supports (two significant digits of 0.09)
    assert float(m.group(1)) == pytest.approx(0.5758, abs=_half_unit(m.group(1)))
    assert float(m.group(2)) == pytest.approx(0.09, abs=0.01)  # ISLR: 0.0897
    for method in ("percentile", "basic", "normal", "BCa", "studentized"):
        assert re.search(rf"^\s+{method}\s+\[", out, re.M), method


@pytest.mark.parametrize(
    "statistic, columns",
    [("mean", ["X"]), ("median", ["Y"]), ("std", ["X"]), ("quantile:0.9", ["Y"]), ("corr", ["X", "Y"])],
)
def test_bootstrap_statistics(capsys, statistic, columns):
    code, out, err = run(capsys, "bootstrap", "--statistic", statistic, "--columns", *columns,
                         "--n-resamples", "300", "--method", "percentile", "bca")
    assert code == 0, err
    assert f"Bootstrap of {statistic} of {', '.join(columns)}" in out


def test_bootstrap_mean_matches_numpy(capsys, tmp_path):
    x = np.random.default_rng(3).normal(5, 2, size=60)
    path = tmp_path / "x.csv"
    pd.DataFrame({"x": x}).to_csv(path, index=False)
    code, out, err = run(capsys, "bootstrap", str(path), "--n-resamples", "500", "--method", "normal")
    assert code == 0, err
    est = re.search(r"estimate (\S+)", out).group(1)
    assert float(est) == pytest.approx(x.mean(), abs=_half_unit(est))


# ------------------------------------------------------------------ own CSV files


@pytest.fixture
def csv(tmp_path):
    rng = np.random.default_rng(0)
    n = 60
    a, b = rng.normal(size=n), rng.normal(size=n)
    frame = pd.DataFrame({
        "a": a, "b": b, "y": 2 * a - b + rng.normal(scale=0.5, size=n),
        "label": np.where(a + rng.normal(scale=0.5, size=n) > 0, "yes", "no"),
        "name": [f"row{i}" for i in range(n)], "const": 1.0,
    })
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


def test_evaluate_csv_regression_family(capsys, csv):
    code, out, err = run(capsys, "evaluate", str(csv), "--target", "y", "--model", "knn:1..4",
                         "--method", "kfold", "validation", "--k", "5", "--repeats", "3")
    assert code == 0, err
    assert "left out 2 text columns (the models take numbers): label (2 distinct, e.g. 'yes'); name" in err
    assert "one-standard-error rule: K " in out and "higher K is simpler" in out


def test_evaluate_csv_classification_and_single_model(capsys, csv):
    code, out, err = run(capsys, "evaluate", str(csv), "--target", "label", "--features", "a", "b",
                         "--model", "logistic", "--method", "kfold", "loocv", "--k", "5")
    assert code == 0, err
    assert "error rate" in out and "classification" in out
    assert re.search(r"^\s+LOOCV.*\s0\.\d+\s", out, re.M)


def test_binary_numeric_target_gets_a_note(capsys, tmp_path):
    rng = np.random.default_rng(1)
    path = tmp_path / "b.csv"
    pd.DataFrame({"x": rng.normal(size=40), "y": rng.integers(0, 2, size=40)}).to_csv(path, index=False)
    code, out, err = run(capsys, "evaluate", str(path), "--target", "y", "--method", "kfold", "--k", "4")
    assert code == 0 and "treated as a number (regression)" in err
    code, out, err = run(capsys, "evaluate", str(path), "--target", "y", "--method", "kfold", "--k", "4",
                         "--task", "classification")
    assert code == 0 and err == "" and "error rate" in out


def test_evaluate_dotted_path_and_features_with_commas(capsys, csv):
    code, out, err = run(capsys, "evaluate", str(csv), "--target", "y", "--features", "a,b",
                         "--model", "sklearn.tree.DecisionTreeRegressor:max_depth=1..3", "--method", "kfold",
                         "--k", "4")
    assert code == 0, err
    assert "max_depth" in out


def test_progress_only_when_asked(capsys, csv):
    args = ["evaluate", str(csv), "--target", "y", "--features", "a", "--model", "knn:3", "--method", "kfold", "--k", "4"]
    code, _, err = run(capsys, *args)
    assert code == 0 and err == ""
    code, _, err = run(capsys, *args, "--progress")
    assert code == 0 and "splits" in err


# ------------------------------------------------------------------ usage errors (exit 2)

ERRORS = [
    (["evaluate", "{missing}"], "no such file"),
    (["evaluate", "{dir}", "--target", "y"], "is a directory"),
    (["evaluate", "{empty}", "--target", "y"], "is empty"),
    (["evaluate", "{csv}"], "--target is required with a CSV file: name the column to predict; the columns of"),
    (["evaluate", "{csv}", "--target", "nope"], "--target: column 'nope' not in .*; its columns are: a, b, y, label, name, const"),
    (["evaluate", "{csv}", "--target", "y", "--features", "a", "zz"], "--features: column 'zz' not in"),
    (["evaluate", "{csv}", "--target", "y", "--features", "a", "name"], "column 'name' of .* is not numeric \\(e.g. 'row0'\\)"),
    (["evaluate", "{csv}", "--target", "const", "--features", "a"], "--target 'const' has one value \\(1.0\\) in all 60 rows"),
    (["evaluate", "{csv}", "--target", "name", "--features", "a", "--model", "knn:1..2"], "class 'row0' has only 1 row"),
    (["evaluate", "{csv}", "--target", "y", "--features", "a", "--model", "logistic", "--task", "regression"], "'logistic' does classification, but the target asks for regression"),
    (["evaluate", "{csv}", "--target", "y", "--features", "a", "--model", "logistic"], "distinct non-integer numbers, not classes"),
    (["evaluate", "{csv}", "--target", "label", "--features", "a", "--task", "regression"], "--target 'label' .* is not numeric"),
    (["evaluate", "{csv}", "--target", "y", "--features", "y"], "--features includes the target"),
    (["evaluate", "{csv}", "--target", "y", "--features", "a", "a"], "names a column twice"),
    (["evaluate", "--model", "tree:1..3"], "unknown model 'tree'. Allowed: linear, poly, logistic, ridge, knn"),
    (["evaluate", "--model", "poly:5..1"], "runs backwards"),
    (["evaluate", "--model", "poly:x"], "cannot read the values 'x'"),
    (["evaluate", "--model", "poly:0..2"], "degree must be at least 1"),
    (["evaluate", "--model", "poly:1.5..3"], "must have integer ends"),
    (["evaluate", "--model", "ridge:alpha=-1,1"], "alpha must be positive"),
    (["evaluate", "--model", "ridge:beta=1"], "has parameter 'alpha', not 'beta'"),
    (["evaluate", "--model", "linear:3"], "linear takes no parameter"),
    (["evaluate", "--model", "nosuchmodule.Thing"], "'nosuchmodule' is not an installed distribution"),
    (["evaluate", "--model", "sklearn.tree.NoTree"], "has no 'NoTree'"),
    (["evaluate", "--model", "sklearn.tree.DecisionTreeRegressor:depth=1..3"], "has no parameter 'depth'; its parameters are"),
    (["evaluate", "--model", "knn:1..3", "--simpler", "lower"], "--simpler is for dotted-path models"),
    (["evaluate", "--scoring", "mse"], "--scoring 'mse' is not a scikit-learn scorer name"),
    (["evaluate", "--method", "bootstrap", "--scoring", "r2"], "--method bootstrap \\(.632\\+\\) needs a loss"),
    (["evaluate", "--k", "500", "--method", "kfold"], "--k 500 is out of range: k-fold needs between 2 and 392"),
    (["bootstrap", "--statistic", "mode"], "unknown statistic. Allowed: mean, median"),
    (["bootstrap", "--statistic", "quantile:1.5"], "Q=1.5 is out of range"),
    (["bootstrap", "--statistic", "quantile:x"], "write quantile:Q"),
    (["bootstrap", "--statistic", "mean:2"], "mean takes no argument"),
    (["bootstrap", "--statistic", "corr", "--columns", "X"], "corr takes two columns"),
    (["bootstrap", "--columns", "Q", "Y"], "--columns: column 'Q' not in .*; its columns are: X, Y"),
    (["bootstrap", "{csv}"], "--columns is needed: mean takes one column and .* has 4 numeric columns"),
    (["bootstrap", "{csv}", "--columns", "label"], "column 'label' of .* is not numeric \\(e.g. '(yes|no)'\\)"),
    (["bootstrap", "{csv}", "--columns", "const"], "has one value in every row"),
    (["bootstrap", "{csv}", "--statistic", "corr", "--columns", "a", "a"], "names a column twice"),
]


@pytest.mark.parametrize("argv, message", ERRORS, ids=[" ".join(a)[:60] for a, _ in ERRORS])
def test_usage_errors(capsys, tmp_path, csv, argv, message):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    names = {"missing": str(tmp_path / "nope.csv"), "dir": str(tmp_path), "empty": str(empty), "csv": str(csv)}
    argv = [a.format(**names) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert re.search(message, err), err
    assert err.startswith(f"resample {argv[0]}: error: ")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["evaluate", "--k", "0"], "argument --k: value=0 is out of range: it must be an int in the range [1, inf)"),
        (["evaluate", "--confidence", "1.5"], "value=1.5 is out of range: it must be a float in the range (0.0, 1.0)"),
        (["evaluate", "--seed", "-3"], "argument --seed: value=-3 is out of range: it must be an int in the range [0, inf)"),
        (["evaluate", "--method", "jackknife"], "argument --method: invalid choice: 'jackknife'"),
        (["evaluate", "--n-jobs", "two"], "argument --n-jobs: 'two' is not an integer"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_argparse_errors_exit_2(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "usage:" not in err  # one line, not argparse's usage block


# ------------------------------------------------------------------ the HTML report


def _images(html):
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)]


def _check_pngs(pngs):
    from matplotlib import image as mpimg

    assert pngs
    for png in pngs:
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        img = mpimg.imread(io.BytesIO(png), format="png")  # decodes, or raises
        assert img.shape[0] > 100 and img.shape[1] > 200
        assert img[..., :3].std() > 0.01  # not a blank image


def test_report_evaluate_images_load(capsys, tmp_path):
    out_dir = tmp_path / "rep"
    code, out, err = run(capsys, "evaluate", "--model", "poly:1..4", "--method", "validation", "loocv", "kfold",
                         "--kfold-runs", "3", "--report", str(out_dir))
    assert code == 0, err
    page = (out_dir / "index.html").read_text()
    assert f"report written to {out_dir / 'index.html'}" in out
    assert page.startswith("<!DOCTYPE html>") and "</html>" in page
    assert "http://" not in page and "https://" not in page  # self-contained
    pngs = _images(page)
    assert len(pngs) == 3  # all methods; Figure 5.2; Figure 5.4
    _check_pngs(pngs)
    assert "19.25" in page and 'class="chosen"' in page


def test_report_bootstrap_images_load(capsys, tmp_path):
    out_dir = tmp_path / "b"
    code, out, err = run(capsys, "bootstrap", "--n-resamples", "300", "--report", str(out_dir))
    assert code == 0, err
    pngs = _images((out_dir / "index.html").read_text())
    assert len(pngs) == 2  # Figure 5.10; intervals by method
    _check_pngs(pngs)


def test_report_single_model(capsys, tmp_path, csv):
    out_dir = tmp_path / "s"
    code, _, err = run(capsys, "evaluate", str(csv), "--target", "y", "--features", "a", "b", "--method", "kfold",
                       "loocv", "--report", str(out_dir))
    assert code == 0, err
    _check_pngs(_images((out_dir / "index.html").read_text()))


def test_report_option_before_the_subcommand(capsys, tmp_path):
    code, out, err = run(capsys, "--report", str(tmp_path / "r"), "bootstrap", "--n-resamples", "200",
                         "--method", "percentile")
    assert code == 0, err
    assert (tmp_path / "r" / "index.html").is_file()
