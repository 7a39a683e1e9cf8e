"""The command cannot be turned against its user: every failure is one line and status 2, and
nothing is written outside ``--report DIR``.

The matrix below is the issue's tally: each case is a hostile or careless command line. Each
must exit with status 2, print exactly one line on stderr that names the problem (the regular
expression), show no traceback, and leave every file outside the report directory as it was.
"""

import os
import subprocess
import sys

import pytest

from resample.cli.main import main

TABLE = "y,x,z,label,const,text\n" + "".join(
    f"{i * 1.5 + (i % 3)},{i},{(i * 7) % 5},{'ab'[i % 2]},1,t{i}\n" for i in range(24)
)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A working directory with the input files the matrix uses; the command runs inside it."""
    (tmp_path / "d.csv").write_text(TABLE)
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("a,b\n")
    (tmp_path / "one.csv").write_text("a,b\n1,2\n")
    (tmp_path / "binary.csv").write_bytes(b"a,b\n\xff\xfe\x00\x81,\x92\n" * 5)
    (tmp_path / "ragged.csv").write_text('a,b\n1,2\n3,"4\n')
    (tmp_path / "afile").write_text("not a directory")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "index.html").write_text("precious")
    (tmp_path / "victim.txt").write_text("outside the report directory")
    (tmp_path / "linked").mkdir()
    (tmp_path / "linked" / "index.html").symlink_to(tmp_path / "victim.txt")
    (tmp_path / "pagedir").mkdir()
    (tmp_path / "pagedir" / "index.html").mkdir()
    (tmp_path / "evilmod.py").write_text("open('EVIL-RAN', 'w').close()\nclass Evil:\n    def fit(self, X, y): pass\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _snapshot(root):
    return {p.relative_to(root).as_posix(): (p.is_symlink(), p.read_bytes() if p.is_file() and not p.is_symlink() else None)
            for p in sorted(root.rglob("*"))}


EV = ["evaluate", "d.csv", "--target", "y", "--features", "x", "z", "--method", "kfold", "--k", "3"]
BS = ["bootstrap", "d.csv", "--columns", "x", "--n-resamples", "30", "--method", "percentile"]

# (id, argv, what the one line must say)
MATRIX = [
    # usage
    ("no-such-subcommand", ["frobnicate"], r"invalid choice: 'frobnicate'"),
    ("unknown-option", ["evaluate", "--frob"], r"unrecognized arguments: --frob"),
    ("k-zero", [*EV, "--k", "0"], r"--k: value=0 is out of range"),
    ("k-text", [*EV, "--k", "ten"], r"--k: 'ten' is not an integer"),
    ("k-above-n", [*EV, "--k", "500"], r"--k 500 is out of range"),
    ("confidence-high", [*EV, "--confidence", "1.5"], r"value=1.5 is out of range: it must be a float in the range \(0.0, 1.0\)"),
    ("confidence-nan", [*EV, "--confidence", "nan"], r"--confidence"),
    ("seed-negative", [*EV, "--seed", "-1"], r"value=-1 is out of range: it must be an int in the range \[0, inf\)"),
    ("seed-huge", [*EV, "--seed", "1e400"], r"--seed: '1e400' is not a non-negative integer"),
    ("n-resamples-zero", [*BS, "--n-resamples", "0"], r"--n-resamples"),
    ("method-unknown", ["evaluate", "--method", "jackknife"], r"invalid choice: 'jackknife'"),
    ("n-jobs-text", [*EV, "--n-jobs", "two"], r"--n-jobs: 'two' is not an integer"),
    ("task-unknown", [*EV, "--task", "clustering"], r"--task: invalid choice"),
    ("simpler-unknown", [*EV, "--simpler", "smaller"], r"--simpler: invalid choice"),
    ("bootstrap-method-unknown", [*BS, "--method", "bootstrap-t"], r"invalid choice: 'bootstrap-t'"),
    ("scoring-unknown", [*EV, "--scoring", "accuracy_of_doom"], r"--scoring 'accuracy_of_doom' is not"),
    ("bootstrap-scoring", [*EV[:-4], "--method", "bootstrap", "--scoring", "r2"], r"--method bootstrap"),
    ("repeats-zero", ["evaluate", "--method", "validation", "--repeats", "0"], r"--repeats: value=0 is out of range"),
    ("kfold-runs-zero", [*EV, "--kfold-runs", "0"], r"--kfold-runs: value=0 is out of range"),
    ("max-refits-zero", [*EV, "--max-refits", "0"], r"--max-refits: value=0 is out of range"),
    ("n-resamples-huge", [*BS, "--n-resamples", "1000000000000000"], r"--n-resamples: .*out of range"),
    ("evaluate-n-resamples-text", [*EV, "--n-resamples", "many"], r"--n-resamples: 'many' is not an integer"),
    ("bootstrap-seed-text", [*BS, "--seed", "x"], r"--seed: 'x' is not a non-negative integer"),
    ("bootstrap-confidence-zero", [*BS, "--confidence", "0"], r"--confidence"),
    ("bootstrap-sep-long", [*BS, "--sep", "abc"], r"--sep"),
    ("n-jobs-zero", [*EV, "--n-jobs", "0"], r"--n-jobs: value=0 is out of range"),
    ("impute-unknown", [*EV, "--impute", "zero"], r"--impute: invalid choice: 'zero'"),
    ("sep-long", [*EV, "--sep", ";;"], r"--sep"),
    ("features-empty", [*EV[:4], "--features", ","], r"--features"),
    ("columns-missing-value", ["bootstrap", "d.csv", "--columns"], r"--columns: expected at least one argument"),
    # data
    ("csv-missing", ["evaluate", "nope.csv", "--target", "y"], r"no such file: 'nope.csv'"),
    ("csv-directory", ["evaluate", "full", "--target", "y"], r"'full' is a directory"),
    ("csv-empty", ["evaluate", "empty.csv", "--target", "y"], r"'empty.csv' is empty"),
    ("csv-header-only", ["evaluate", "header.csv", "--target", "a"], r"has 0 data rows"),
    ("csv-one-row", ["bootstrap", "one.csv", "--columns", "a"], r"has 1 data rows"),
    ("csv-binary", ["evaluate", "binary.csv", "--target", "a"], r"binary.csv"),
    ("csv-ragged", ["evaluate", "ragged.csv", "--target", "a"], r"ragged.csv"),
    ("target-missing", ["evaluate", "d.csv"], r"--target is required"),
    ("target-unknown", ["evaluate", "d.csv", "--target", "nope"], r"--target: column 'nope' not in"),
    ("target-constant", ["evaluate", "d.csv", "--target", "const", "--features", "x"], r"--target 'const' has one value"),
    ("target-text-regression", ["evaluate", "d.csv", "--target", "text", "--features", "x", "--model", "ridge"], r"--target 'text'"),
    ("target-singleton-classes", ["evaluate", "d.csv", "--target", "text", "--features", "x", "--model", "logistic"], r"class 't\d+' has only 1 row"),
    ("features-unknown", [*EV, "--features", "nope"], r"--features: column 'nope' not in"),
    ("features-target", [*EV, "--features", "y"], r"--features includes the target"),
    ("features-twice", [*EV, "--features", "x", "x"], r"--features names a column twice"),
    ("features-text", [*EV, "--features", "text"], r"--features: column 'text' .* is not numeric"),
    ("columns-unknown", ["bootstrap", "d.csv", "--columns", "nope"], r"--columns: column 'nope' not in"),
    ("columns-text", ["bootstrap", "d.csv", "--columns", "label"], r"--columns: column 'label' .* is not numeric"),
    ("columns-twice", ["bootstrap", "d.csv", "--statistic", "corr", "--columns", "x", "x"], r"names a column twice"),
    ("columns-count", ["bootstrap", "d.csv", "--statistic", "corr", "--columns", "x"], r"corr takes two columns"),
    ("columns-constant", ["bootstrap", "d.csv", "--columns", "const"], r"'const' .* has one value"),
    ("statistic-unknown", ["bootstrap", "d.csv", "--statistic", "mode", "--columns", "x"], r"unknown statistic"),
    ("statistic-quantile", ["bootstrap", "d.csv", "--statistic", "quantile:1.5", "--columns", "x"], r"Q=1.5 is out of range"),
    # model
    ("model-working-directory", [*EV, "--model", "evilmod.Evil"], r"'evilmod' is not an installed distribution"),
    ("model-stdlib-side-effect", [*EV, "--model", "this.x"], r"'this' is not an installed distribution"),
    ("model-os-system", [*EV, "--model", "os.system"], r"'os' is not an installed distribution"),
    ("model-subprocess", [*EV, "--model", "subprocess.Popen"], r"'subprocess' is not an installed"),
    ("model-eval", [*EV, "--model", "builtins.eval"], r"'builtins' is not an installed"),
    ("model-pipeline", [*EV, "--model", "sklearn.pipeline.Pipeline"], r"needs the argument\(s\) steps"),
    ("model-meta-estimator", [*EV, "--model", "resample.KFoldCV"], r"KFoldCV needs the argument\(s\) estimator"),
    ("model-clusterer", [*EV, "--model", "sklearn.cluster.KMeans"], r"KMeans is a clusterer: not a regressor or classifier"),
    ("model-transformer", [*EV, "--model", "sklearn.preprocessing.StandardScaler"], r"is a transformer: not a regressor"),
    ("model-not-estimator", [*EV, "--model", "numpy.linalg.LinAlgError"], r"is not a scikit-learn estimator class"),
    ("model-module", [*EV, "--model", "sklearn.tree"], r"sklearn.tree is not a scikit-learn estimator class"),
    ("model-bad-path", [*EV, "--model", "sklearn..tree"], r"is not a dotted class path"),
    ("model-no-class", [*EV, "--model", "sklearn.tree.NoTree"], r"has no 'NoTree'"),
    ("model-no-module", [*EV, "--model", "sklearn.nosuch.Thing"], r"cannot import module 'sklearn.nosuch'"),
    ("model-overflow", [*EV, "--model", "sklearn.tree.DecisionTreeRegressor:max_depth=1e400"], r"'1e400' is not a finite"),
    ("model-huge-int", [*EV, "--model", "sklearn.tree.DecisionTreeRegressor:max_depth=1e300"], r"too large"),
    ("model-invalid-param", [*EV, "--model", "sklearn.tree.DecisionTreeRegressor:max_depth=0"],
     r"'max_depth' parameter of DecisionTreeRegressor must be"),
    ("model-unknown-param", [*EV, "--model", "sklearn.tree.DecisionTreeRegressor:depth=1..3"], r"has no parameter 'depth'"),
    ("model-param-text", [*EV, "--model", "sklearn.tree.DecisionTreeRegressor:max_depth=a..b"], r"cannot read the values"),
    ("model-wrong-task", [*EV, "--model", "sklearn.linear_model.LogisticRegression", "--task", "regression"],
     r"does classification, but the target asks for regression"),
    ("model-unknown-name", [*EV, "--model", "nosuchmodel:1..3"], r"unknown model 'nosuchmodel'"),
    ("model-empty", [*EV, "--model", ""], r"--model is empty"),
    ("model-degree-zero", [*EV, "--model", "poly:0..3"], r"degree must be at least 1"),
    ("model-alpha-negative", [*EV, "--model", "ridge:alpha=-1"], r"alpha must be positive"),
    ("model-range-backwards", [*EV, "--model", "poly:3..1"], r"runs backwards"),
    ("model-range-huge", [*EV, "--model", "knn:1..100000"], r"at most 501"),
    ("model-simpler-named", [*EV, "--model", "knn:1..3", "--simpler", "lower"], r"--simpler"),
    # output
    ("report-at-file", [*BS, "--report", "afile"], r"--report 'afile' is a file, not a directory"),
    ("report-below-file", [*BS, "--report", "afile/out"], r"--report 'afile/out' lies below a file"),
    ("report-not-empty", [*BS, "--report", "full"], r"--report 'full' is not empty .*--overwrite"),
    ("report-symlink-inside", [*BS, "--report", "linked"], r"--report 'linked' is not empty"),
    ("report-empty-name", [*BS, "--report", " "], r"--report is empty"),
    ("report-page-is-dir", [*BS, "--report", "pagedir", "--overwrite"], r"is a directory"),
    ("report-top-level-not-empty", ["--report", "full"], r"--report 'full' is not empty"),
    ("report-bad-data-first", ["evaluate", "nope.csv", "--target", "y", "--report", "fresh"], r"no such file"),
    ("format-unknown", [*EV, "--format", "xml"], r"--format: invalid choice: 'xml'"),
    ("bootstrap-format-unknown", [*BS, "--format", "yaml"], r"--format: invalid choice: 'yaml'"),
    ("groups-unknown", [*EV, "--groups", "site"], r"--groups: column 'site' not in"),
    ("groups-is-a-feature", [*EV, "--groups", "z"], r"--features includes the --groups column 'z'"),
    ("groups-too-few-for-k", [*EV, "--groups", "label"], r"--k 3 is more folds than --groups 'label' has groups \(2\)"),
    ("stratify-continuous", [*EV, "--stratify"], r"--stratify needs classes"),
]


@pytest.mark.parametrize("argv, message", [c[1:] for c in MATRIX], ids=[c[0] for c in MATRIX])
def test_every_failure_is_one_line_and_status_2(workdir, capsys, argv, message):
    import re

    before = _snapshot(workdir)
    status = main(list(argv))
    out = capsys.readouterr()
    assert status == 2, out.err
    assert out.err.count("\n") == 1, out.err  # exactly one line
    assert "Traceback" not in out.err
    assert re.search(message, out.err), out.err
    assert out.err.startswith("resample")
    assert _snapshot(workdir) == before  # nothing written, nothing left behind (not even an empty DIR)
    assert not (workdir / "EVIL-RAN").exists()


def _options():
    """Every option of the command that takes a value, as (subcommand, option string)."""
    import argparse

    from resample.cli.main import build_parser

    out = set()

    def walk(parser, name):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, subparser in action.choices.items():
                    walk(subparser, sub)
            elif action.option_strings and action.nargs != 0:
                out.add((name, action.option_strings[-1]))
    walk(build_parser(), "top")
    return sorted(out)


def test_every_option_that_takes_a_value_has_a_bad_case():
    tried = {(argv[0] if argv[0] in ("evaluate", "bootstrap") else "top", a)
             for _, argv, _ in MATRIX for a in argv if a.startswith("--")}
    flat = {a for _, a in tried}
    missing = [(sub, opt) for sub, opt in _options() if (sub, opt) not in tried and not (sub == "top" and opt in flat)]
    assert not missing, f"options with no bad input in the matrix: {missing}"


def test_the_matrix_is_large_enough():
    assert len(MATRIX) >= 60
    assert len({c[0] for c in MATRIX}) == len(MATRIX)


def test_debug_shows_the_traceback(workdir, capsys):
    assert main(["evaluate", "nope.csv", "--target", "y", "--debug"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and err.strip().splitlines()[-1].startswith("resample evaluate: error: no such file")


def test_an_unexpected_failure_is_one_line_too(workdir, capsys, monkeypatch):
    from resample.cli import bootstrap as cli_bootstrap

    def boom(*a, **k):
        raise RuntimeError("something\nthe library did not foresee")

    monkeypatch.setattr(cli_bootstrap, "run_bootstrap", boom)
    monkeypatch.setattr("resample.cli.main.run_bootstrap", boom)
    assert main(BS) == 2
    err = capsys.readouterr().err
    assert err == "resample bootstrap: error: RuntimeError: something the library did not foresee (run with --debug for the traceback)\n"


def test_overwrite_replaces_a_planted_symlink_instead_of_following_it(workdir, capsys):
    assert main([*BS, "--report", "linked", "--overwrite"]) == 0
    page = workdir / "linked" / "index.html"
    assert not page.is_symlink() and "<html" in page.read_text()
    assert (workdir / "victim.txt").read_text() == "outside the report directory"
    assert sorted(p.name for p in (workdir / "linked").iterdir()) == ["index.html"]  # no temporary left over


def test_overwrite_keeps_the_other_files(workdir, capsys):
    (workdir / "full" / "notes.txt").write_text("mine")
    assert main([*BS, "--report", "full", "--overwrite"]) == 0
    assert (workdir / "full" / "notes.txt").read_text() == "mine"
    assert (workdir / "full" / "index.html").read_text() != "precious"


def test_a_dollar_column_name_in_the_bootstrap_report(workdir, capsys):
    (workdir / "money.csv").write_text("$x$,$y\n" + "".join(f"{i},{i % 4}\n" for i in range(12)))
    assert main(["bootstrap", "money.csv", "--columns", "$x$", "--n-resamples", "30", "--report", "r1"]) == 0
    assert main(["bootstrap", "money.csv", "--columns", "$y", "--n-resamples", "30", "--report", "r2"]) == 0
    assert "$x$" in (workdir / "r1" / "index.html").read_text()


def _python_m(args, cwd):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    return subprocess.run([sys.executable, "-m", "resample", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def test_python_m_does_not_import_a_module_of_the_working_directory(workdir):
    """Under ``python -m resample`` the working directory is sys.path[0]: a local module must not run."""
    proc = _python_m([*EV, "--model", "evilmod.Evil"], workdir)
    assert proc.returncode == 2
    assert not (workdir / "EVIL-RAN").exists()
    assert proc.stderr.count("\n") == 1 and "not an installed distribution" in proc.stderr


def test_python_m_ignores_a_local_shadow_of_an_installed_package(workdir):
    """A local ``tqdm.py``: the name of an installed package the command has not imported yet."""
    (workdir / "tqdm.py").write_text("open('EVIL-RAN', 'w').close()\nclass tqdm:\n    pass\n")
    proc = _python_m([*EV, "--model", "tqdm.tqdm"], workdir)
    assert proc.returncode == 2, proc.stderr
    assert not (workdir / "EVIL-RAN").exists()
    assert "is not a scikit-learn estimator class" in proc.stderr  # the real tqdm was imported, and refused
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


def test_a_stdlib_side_effect_does_not_run(workdir):
    proc = _python_m([*EV, "--model", "this.x"], workdir)
    assert proc.returncode == 2 and "Beautiful is better" not in proc.stdout + proc.stderr
