"""The command's machine-readable output (--format json|csv), --groups and --stratify.

The outputs are parsed with the standard library's json and csv; the numbers are checked
against ISLR's published figures and against scikit-learn's own splitters and refits.
"""

import csv
import io
import json

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


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def grouped(tmp_path):
    """12 subjects of 10 rows, each with its own offset, and a class column."""
    rng = np.random.default_rng(11)
    g = np.repeat(np.arange(12), 10)
    x = rng.normal(size=120)
    u = rng.normal(size=12)[g]
    frame = pd.DataFrame({"subject": g, "x": x, "y": 2 * x + u + 0.3 * rng.normal(size=120),
                          "c": (x + u > 0).astype(int)})
    path = tmp_path / "grouped.csv"
    frame.to_csv(path, index=False)
    return frame, path


# ------------------------------------------------------------------ --format


def test_json_evaluate_reproduces_islr_and_says_how(capsys):
    code, out, err = run(capsys, "evaluate", "--model", "poly:1..5", "--method", "loocv", "kfold", "--format", "json")
    assert code == 0, err
    rec = json.loads(out)  # stdout is one JSON object and nothing else
    assert rec["command"] == "evaluate" and rec["metric"] == "MSE" and rec["scoring"] == "neg_mean_squared_error"
    assert rec["data"]["rows"] == 392 and rec["data"]["target"] == "mpg" and rec["data"]["features"] == ["horsepower"]
    assert rec["model"]["parameter"] == "degree" and rec["model"]["values"] == [1, 2, 3, 4, 5]
    loocv, kfold = rec["methods"]
    assert [m["method"] for m in rec["methods"]] == ["loocv", "kfold"]
    # ISLR section 5.3.2, the published LOOCV errors for d = 1..5
    assert [round(m["estimate"], 2) for m in loocv["models"]] == [24.23, 19.25, 19.33, 19.42, 19.03]
    for m in loocv["models"] + kfold["models"]:
        assert m["score"] == pytest.approx(-m["estimate"])  # the scorer's sign kept beside the error
        low, high = m["confidence_interval"]["low"], m["confidence_interval"]["high"]
        assert low < m["estimate"] < high
        assert m["standard_error"] > 0 and m["computation"] == "closed form"
    assert loocv["models"][0]["n_splits"] == 392 and kfold["models"][0]["n_splits"] == 10
    # exactly one one-SE choice per method, and the top-level choice is k-fold's
    for method in rec["methods"]:
        flags = [m["one_standard_error_choice"] for m in method["models"]]
        assert flags.count(True) == 1
        assert method["one_standard_error_choice"]["model"] == method["models"][flags.index(True)]["model"]
    assert rec["chosen_model"]["by"] == "kfold"
    assert rec["chosen_model"]["model"] == kfold["one_standard_error_choice"]["model"]
    assert all(set(n) == {"kind", "text"} for n in rec["notes"])


def test_csv_evaluate_one_row_per_model_and_method_agrees_with_json(capsys):
    argv = ["evaluate", "--model", "poly:1..3", "--method", "validation", "loocv", "bootstrap", "--n-resamples", "50"]
    code, out, err_csv = run(capsys, *argv, "--format", "csv")
    assert code == 0, err_csv
    table = rows(out)
    assert len(table) == 3 * 3
    assert [r["method"] for r in table] == ["validation"] * 3 + ["loocv"] * 3 + ["bootstrap"] * 3
    assert {r["metric"] for r in table} == {"MSE"}
    code, out, err = run(capsys, *argv, "--format", "json")
    rec = json.loads(out)
    flat = [m for method in rec["methods"] for m in method["models"]]
    for r, m in zip(table, flat):
        assert float(r["estimate"]) == m["estimate"]  # written in full: repr round-trips a float
        assert float(r["ci_low"]) == m["confidence_interval"]["low"]
        assert r["one_standard_error_choice"] == str(m["one_standard_error_choice"])
    # the notes that the text output lists go to stderr with csv, and have their kind in JSON
    assert "note: bootstrap .632+ refits the polynomial on standardized features" in err_csv
    assert "standardized_refit" in {n["kind"] for n in rec["notes"]}


def test_csv_loocv_of_a_csv_matches_refits(capsys, tmp_path):
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import LeaveOneOut, cross_val_predict

    rng = np.random.default_rng(5)
    frame = pd.DataFrame(rng.normal(size=(30, 2)), columns=["a", "b"])
    frame["y"] = frame.a - 2 * frame.b + rng.normal(size=30)
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    code, out, err = run(capsys, "evaluate", str(path), "--target", "y", "--method", "loocv", "--format", "csv")
    assert code == 0, err
    (row,) = rows(out)
    pred = cross_val_predict(LinearRegression(), frame[["a", "b"]], frame.y, cv=LeaveOneOut())
    assert float(row["estimate"]) == pytest.approx(np.mean((pred - frame.y) ** 2), rel=1e-10)
    assert row["model"] == "linear" and row["value"] == "" and row["n_splits"] == "30"


def test_json_has_no_nan_and_keeps_the_input_notes(capsys, tmp_path):
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"x": rng.normal(size=20), "city": ["Oslo", "Rome"] * 10})
    frame["y"] = frame.x + rng.normal(size=20)
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    # one random half: no spread of split scores, so the standard error is undefined (NaN)
    code, out, err = run(capsys, "evaluate", str(path), "--target", "y", "--method", "validation", "--repeats", "1",
                         "--format", "json")
    assert code == 0, err
    assert "NaN" not in out and "Infinity" not in out
    rec = json.loads(out)
    (model,) = rec["methods"][0]["models"]
    assert model["standard_error"] is None and model["confidence_interval"] == {"low": None, "high": None}
    assert np.isfinite(model["estimate"])
    kinds = {n["kind"] for n in rec["notes"]}
    assert "input" in kinds and any("city" in n["text"] for n in rec["notes"] if n["kind"] == "input")


def test_json_and_csv_bootstrap(capsys, tmp_path):
    rng = np.random.default_rng(9)
    values = rng.exponential(size=200)
    path = tmp_path / "v.csv"
    pd.DataFrame({"v": values}).to_csv(path, index=False)
    code, out, err = run(capsys, "bootstrap", str(path), "--columns", "v", "--statistic", "mean", "--format", "json",
                         "--n-resamples", "2000")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["command"] == "bootstrap" and rec["statistic"]["name"] == "mean" and rec["n_resamples"] == 2000
    assert rec["estimate"] == pytest.approx(values.mean(), rel=1e-12)
    # the bootstrap SE of a mean is close to s / sqrt(n); with 2000 resamples its relative
    # Monte Carlo error is about 1/sqrt(2 * 2000) = 1.6%, so 8% fails by chance far below 1e-6
    assert rec["standard_error"] == pytest.approx(values.std(ddof=1) / np.sqrt(200), rel=0.08)
    assert [i["method"] for i in rec["intervals"]] == ["percentile", "basic", "normal", "BCa", "studentized"]
    assert all(i["low"] < rec["estimate"] < i["high"] for i in rec["intervals"])
    code, out, err = run(capsys, "bootstrap", str(path), "--columns", "v", "--statistic", "mean", "--format", "csv",
                         "--n-resamples", "2000")
    table = rows(out)
    assert [r["method"] for r in table] == [i["method"] for i in rec["intervals"]]
    assert [float(r["ci_low"]) for r in table] == [i["low"] for i in rec["intervals"]]


def test_format_with_report_keeps_stdout_parseable(capsys, tmp_path):
    code, out, err = run(capsys, "evaluate", "--model", "poly:1..2", "--method", "loocv", "--format", "json",
                         "--report", str(tmp_path / "r"))
    assert code == 0, err
    json.loads(out)
    assert "report written to" in err and (tmp_path / "r" / "index.html").is_file()


def test_format_is_checked(capsys):
    code, out, err = run(capsys, "evaluate", "--format", "xml")
    assert code == 2 and "--format" in err and "'xml'" in err and "json" in err


# ------------------------------------------------------------------ --groups


def _grouped_json(capsys, path, *extra):
    code, out, err = run(capsys, "evaluate", str(path), "--target", "y", "--groups", "subject", "--format", "json",
                         *extra)
    assert code == 0, err
    return json.loads(out), err


def test_groups_match_scikit_learns_group_splitters(capsys, grouped):
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import GroupKFold, LeaveOneGroupOut

    frame, path = grouped
    rec, err = _grouped_json(capsys, path, "--method", "loocv", "kfold", "--k", "4", "--seed", "3")
    assert rec["data"]["features"] == ["x", "c"]  # the group column is not a feature
    assert rec["data"]["groups"] == "subject"
    X, y, g = frame[["x", "c"]], frame.y, frame.subject

    def pooled(splitter):  # the oracle: refit on each training set, pool the held-out squared errors
        sq = np.empty(len(y))
        for tr, te in splitter.split(X, y, g):
            assert not set(g.iloc[tr]) & set(g.iloc[te])  # no group on both sides
            sq[te] = (LinearRegression().fit(X.iloc[tr], y.iloc[tr]).predict(X.iloc[te]) - y.iloc[te]) ** 2
        return sq.mean()

    logo, kfold = (m["models"][0] for m in rec["methods"])
    assert logo["n_splits"] == 12 and kfold["n_splits"] == 4
    assert logo["estimate"] == pytest.approx(pooled(LeaveOneGroupOut()), rel=1e-9)
    assert kfold["estimate"] == pytest.approx(pooled(GroupKFold(4, shuffle=True, random_state=3)), rel=1e-9)
    assert "leave one group out" in rec["methods"][0]["title"]


def test_groups_validation_halves_keep_groups_together(grouped):
    from resample.cli.evaluate import run_evaluate

    frame, path = grouped
    args = build_parser().parse_args(["evaluate", str(path), "--target", "y", "--features", "x", "--groups", "subject",
                                      "--method", "validation"])
    outcome = run_evaluate(args, warn=lambda m: None)
    res = outcome.results["validation"][0]
    g = frame.subject.to_numpy()
    assert res.n_splits == 10
    for i in range(res.n_splits):
        test = np.asarray(res.splits.test(i))
        assert len(set(g[test])) == 6  # half of the 12 groups
        assert set(g[test]).isdisjoint(set(g[np.setdiff1d(np.arange(len(g)), test)]))


def test_groups_errors_and_the_bootstrap(capsys, grouped):
    frame, path = grouped
    base = ["evaluate", str(path), "--target", "y"]
    rec, err = _grouped_json(capsys, path, "--features", "x")
    assert [m["method"] for m in rec["methods"]] == ["validation", "loocv", "kfold"]
    assert "bootstrap .632+ left out: it resamples rows, not the groups" in err
    code, out, err = run(capsys, *base, "--groups", "subject", "--method", "bootstrap")
    assert code == 2 and "cannot honour --groups" in err
    code, out, err = run(capsys, *base, "--groups", "subject", "--k", "13")
    assert code == 2 and "--k 13 is more folds than --groups 'subject' has groups (12)" in err
    code, out, err = run(capsys, *base, "--groups", "subject", "--features", "x", "subject")
    assert code == 2 and "--features includes the --groups column 'subject'" in err
    code, out, err = run(capsys, *base, "--groups", "y")
    assert code == 2 and "--groups 'y' is the target" in err
    code, out, err = run(capsys, *base, "--groups", "site")
    assert code == 2 and "site" in err and "--groups" in err


# ------------------------------------------------------------------ --stratify


@pytest.fixture
def imbalanced(tmp_path):
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"x": rng.normal(size=100)})
    frame["label"] = np.r_[np.zeros(80, int), np.ones(20, int)]
    path = tmp_path / "imb.csv"
    frame.to_csv(path, index=False)
    return frame, path


def _kfold_test_counts(path, *flags):
    from resample.cli.evaluate import run_evaluate

    args = build_parser().parse_args(["evaluate", str(path), "--target", "label", "--model", "logistic", "--method",
                                      "kfold", "--k", "10", *flags])
    outcome = run_evaluate(args, warn=lambda m: None)
    res = outcome.results["kfold"][0]
    y = pd.read_csv(path)["label"].to_numpy()
    return outcome, [int(y[np.asarray(res.splits.test(i))].sum()) for i in range(res.n_splits)]


def test_stratify_keeps_the_class_share_in_every_fold(imbalanced):
    frame, path = imbalanced
    outcome, counts = _kfold_test_counts(path, "--stratify")
    assert counts == [2] * 10  # 20 of 100 rows are class 1: exactly 2 in each fold of 10
    assert "stratified by class" in outcome.titles["kfold"]
    outcome, counts = _kfold_test_counts(path, "--no-stratify")
    assert counts != [2] * 10 and sum(counts) == 20  # plain KFold on shuffled rows (seed 1)
    assert "stratified" not in outcome.titles["kfold"]


def test_stratify_bootstrap_samples_keep_the_class_counts(imbalanced):
    from resample.cli.evaluate import run_evaluate

    frame, path = imbalanced
    args = build_parser().parse_args(["evaluate", str(path), "--target", "label", "--model", "logistic", "--method",
                                      "bootstrap", "--n-resamples", "20", "--stratify"])
    res = run_evaluate(args, warn=lambda m: None).results["bootstrap"][0]
    y = frame.label.to_numpy()
    for i in range(res.n_splits):
        assert int(y[np.asarray(res.splits[i][0])].sum()) == 20  # drawn within classes: 20 of class 1


def test_stratify_refuses_a_continuous_target_and_rare_classes(capsys, grouped, imbalanced):
    frame, path = grouped
    code, out, err = run(capsys, "evaluate", str(path), "--target", "y", "--stratify")
    assert code == 2 and "--stratify needs classes, but --target 'y' is continuous" in err
    frame, path = imbalanced
    code, out, err = run(capsys, "evaluate", str(path), "--target", "label", "--model", "logistic", "--k", "25",
                         "--method", "kfold", "--stratify")
    assert code == 2 and "class 1" in err and "has 20 rows, fewer than 25" in err and "--no-stratify" in err


def test_intervals_of_an_error_rate_stay_in_its_range(capsys, imbalanced):
    from scipy.stats import norm

    frame, path = imbalanced
    x = frame.label.to_numpy(dtype=float, copy=True)  # x gives the label away, but for one row: one error in 100
    x[0] = 1.0
    frame.assign(x=x).to_csv(path, index=False)
    code, out, err = run(capsys, "evaluate", str(path), "--target", "label", "--model", "logistic", "--method",
                         "kfold", "--k", "5", "--format", "json")
    assert code == 0, err
    rec = json.loads(out)
    (m,) = rec["methods"][0]["models"]
    naive_low = m["estimate"] - norm.ppf(0.975) * m["standard_error"]
    assert m["standard_error"] > 0 and naive_low < 0  # the case this test is about
    assert m["confidence_interval"]["low"] == 0.0
    assert m["confidence_interval"]["high"] == pytest.approx(m["estimate"] + norm.ppf(0.975) * m["standard_error"])
    assert "cut to the range of the error rate, [0, 1]" in rec["interval"]
