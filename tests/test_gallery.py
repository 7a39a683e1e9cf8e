"""The gallery: the command and its report on real data sets the package does not bundle.

Each case writes a CSV in the test from scikit-learn's or statsmodels' bundled data
(regression, binary and multi-class classification, missing values, a text column, a
semicolon separator, groups, a bounded statistic), runs ``resample ... --report DIR`` on
it, and checks that the page is well formed: it parses, its tables are full, every figure
is a PNG that decodes at a readable size, and the numbers it prints are finite.

``scripts/gallery.py`` runs the same cases, renders each page in headless Chromium and
makes the thumbnail sheet ``docs/_static/gallery.png`` (see ``docs/gallery.rst``).
"""

import base64
import html.parser
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")


def _sklearn(name, target="target", classes=False):
    from sklearn import datasets

    bunch = getattr(datasets, f"load_{name}")(as_frame=True)
    frame = bunch.frame.copy()
    if classes:  # class names, as a CSV from the field would hold them
        frame[target] = np.asarray(bunch.target_names)[bunch.target]
    return frame


def _statsmodels(name):
    import statsmodels.api as sm

    return getattr(sm.datasets, name).load_pandas().data.copy()


def _fertility():
    """World Bank fertility rates 1960-2015 by country (statsmodels); many years are missing."""
    frame = _statsmodels("fertility")
    return frame[["Country Name", "1960", "1970", "1980", "1990", "2000", "2011"]]


@dataclass(frozen=True)
class Case:
    """One data set of the gallery: how to make its CSV, how to write it, and the command to run."""

    name: str
    what: str
    frame: Callable
    argv: tuple
    sep: str = ","


#: The cases, in the order of the thumbnail sheet.
CASES = [
    Case("diabetes", "regression: ridge over 10 penalties (scikit-learn's diabetes)",
         lambda: _sklearn("diabetes"),
         ("evaluate", "--target", "target", "--model", "ridge:alpha=0.01..100", "--method", "validation", "kfold")),
    Case("breast_cancer", "binary classes: one logistic model, three methods (scikit-learn's breast cancer)",
         lambda: _sklearn("breast_cancer"),
         ("evaluate", "--target", "target", "--model", "logistic", "--method", "validation", "kfold", "bootstrap",
          "--n-resamples", "50")),
    Case("wine", "three classes named in a text target: K nearest neighbours, stratified (scikit-learn's wine)",
         lambda: _sklearn("wine", classes=True),
         ("evaluate", "--target", "target", "--model", "knn:1..25", "--method", "validation", "kfold", "--stratify")),
    Case("fertility", "missing values, imputed inside each fold (statsmodels' World Bank fertility)",
         _fertility,
         ("evaluate", "--target", "2011", "--model", "poly:1..3", "--method", "validation", "kfold", "--impute")),
    Case("grunfeld", "a text column left out with a note (statsmodels' Grunfeld investment)",
         lambda: _statsmodels("grunfeld"),
         ("evaluate", "--target", "invest", "--model", "poly:1..4", "--method", "validation", "loocv", "kfold")),
    Case("longley", "a semicolon-separated file, sniffed (statsmodels' Longley)",
         lambda: _statsmodels("longley"),
         ("evaluate", "--target", "TOTEMP", "--features", "GNP", "--model", "poly:1..5", "--method", "validation",
          "loocv", "kfold"), sep=";"),
    Case("modechoice", "groups: rows of one traveller kept together (statsmodels' mode choice)",
         lambda: _statsmodels("modechoice"),
         ("evaluate", "--target", "choice", "--features", "ttme", "invc", "invt", "gc", "--model", "logistic",
          "--groups", "individual", "--method", "validation", "loocv", "kfold")),
    Case("stackloss", "a bounded statistic: the bootstrap of a correlation (statsmodels' stack loss)",
         lambda: _statsmodels("stackloss"),
         ("bootstrap", "--statistic", "corr", "--columns", "AIRFLOW", "STACKLOSS", "--n-resamples", "2000")),
]


def write_csv(case, directory):
    """The case's CSV in ``directory`` (as a user would have it: no index column)."""
    path = directory / f"{case.name}.csv"
    case.frame().to_csv(path, index=False, sep=case.sep)
    return path


def run_case(case, directory, *, capsys=None):
    """Write the CSV and the report of ``case`` under ``directory``; returns (exit status, report dir)."""
    from resample.cli.main import main

    path = write_csv(case, directory)
    report = directory / case.name
    argv = [case.argv[0], str(path), *case.argv[1:], "--report", str(report), "--no-progress"]
    return main(argv), report


# ------------------------------------------------------------------ well-formed pages


class _Page(html.parser.HTMLParser):
    """The parts of a report page the checks look at."""

    def __init__(self):
        super().__init__()
        self.stack, self.images, self.captions, self.cells, self.rows, self.text = [], [], [], [], 0, []
        self.h1 = ""

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        if tag == "img":
            self.images.append(dict(attrs))
        if tag == "tr":
            self.rows += 1

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.stack.pop()

    def handle_data(self, data):
        where = self.stack[-1] if self.stack else ""
        if where == "td":
            self.cells.append(data)
        if where == "figcaption":
            self.captions.append(data)
        if where == "h1":
            self.h1 += data
        self.text.append(data)


_VOID = {"meta", "img", "br", "hr", "link", "input"}


def _parse(text):
    page = _Page()
    # void elements have no end tag: drop them from the stack as they come
    orig = page.handle_starttag

    def start(tag, attrs):
        orig(tag, attrs)
        if tag in _VOID:
            page.stack.pop()

    page.handle_starttag = start
    page.feed(text)
    page.close()
    assert page.stack == [], f"unclosed tags: {page.stack}"
    return page


def png_size(data):
    """Width and height of a PNG, checking its signature, its header chunk's CRC and its end chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    header = data[16:29]
    assert struct.unpack(">I", data[29:33])[0] == zlib.crc32(b"IHDR" + header), "IHDR CRC"
    assert data[-12:] == b"\x00\x00\x00\x00IEND\xaeB`\x82", "no IEND chunk: truncated"
    return struct.unpack(">II", header[:8])


def check_report(report, case):
    """The page of one case is well formed; returns its parsed parts."""
    index = report / "index.html"
    assert index.is_file(), f"{case.name}: no {index}"
    assert [p.name for p in report.iterdir()] == ["index.html"]  # one self-contained page, nothing else
    page = _parse(index.read_text(encoding="utf-8"))
    assert page.h1
    assert page.rows >= 2 and page.cells, f"{case.name}: no table"
    assert len(page.images) >= 1 and len(page.captions) == len(page.images), f"{case.name}: figures without captions"
    for img in page.images:
        src = img.get("src", "")
        assert src.startswith("data:image/png;base64,"), f"{case.name}: a figure is not embedded"
        w, h = png_size(base64.b64decode(src.split(",", 1)[1], validate=True))
        # readable: no sliver (the squashed panels of issue 15 were ~60 px high), no absurd aspect
        assert w >= 400 and h >= 150 and w / h < 6, f"{case.name}: a {w}x{h} px figure"
        assert img.get("alt")
    for cell in page.cells:  # every printed number is finite; a missing SE reads "n/a"
        assert cell.strip().lower() not in {"nan", "inf", "-inf", "[nan, nan]"}, f"{case.name}: cell {cell!r}"
    body = " ".join(page.text)
    assert "Traceback" not in body and not re.search(r"\bnan\b", body, flags=re.I), f"{case.name}: nan in the page"
    return page


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_gallery_case_writes_a_well_formed_report(tmp_path, capsys, case):
    import matplotlib

    matplotlib.use("Agg")
    status, report = run_case(case, tmp_path)
    out = capsys.readouterr()
    assert status == 0, out.err
    assert "report written to" in out.out
    page = check_report(report, case)
    checks = _CASE_CHECKS.get(case.name)
    if checks:
        checks(out.out, out.err, " ".join(page.text))


def _grunfeld(out, err, page):
    assert "left out 1 text column (the models take numbers): firm (11 distinct" in err


def _fertility_checks(out, err, page):
    assert "SimpleImputer(strategy='median') fitted on each training set" in page
    assert "left out 17 of 219 rows (8%) with missing values, in 2011 (17)" in err  # the target is never imputed


def _longley(out, err, page):
    assert "16 rows" in out and "features: GNP" in out  # the ; file was read as columns, not one


def _modechoice(out, err, page):
    assert "leave one group out: each of the 210 groups of individual" in out
    assert "by group (individual, 210 groups)" in out


def _wine(out, err, page):
    assert "target target (classification)" in out and "stratified by class" in out


def _stackloss(out, err, page):
    assert "the statistic lies in [-1, 1]" in out


_CASE_CHECKS = {"grunfeld": _grunfeld, "fertility": _fertility_checks, "longley": _longley,
                "modechoice": _modechoice, "wine": _wine, "stackloss": _stackloss}


def test_the_gallery_covers_what_the_issue_asks():
    kinds = {c.name for c in CASES}
    assert len(CASES) >= 6 and len(kinds) == len(CASES)
    assert any(c.sep == ";" for c in CASES)
    frames = {c.name: c.frame() for c in CASES}
    assert any(f.isna().any().any() for f in frames.values())  # missing values
    assert any((f.dtypes == object).any() or any(pd.api.types.is_string_dtype(t) for t in f.dtypes)
               for f in frames.values())  # a text column


def test_png_size_rejects_a_truncated_file():
    import io

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    assert png_size(buf.getvalue()) == (400, 300)
    with pytest.raises(AssertionError, match="truncated"):
        png_size(buf.getvalue()[:-20])
