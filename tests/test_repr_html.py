"""``_repr_html_`` of the results: well-formed HTML (html.parser), the numbers shown, text escaped."""

from html.parser import HTMLParser

import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.linear_model import LinearRegression, Ridge

from resample import KFoldCV, bag_of_little_bootstraps, bootstrap, compare, jackknife
from resample._utils.formatting import decimals_for, format_number

VOID = {"br", "hr", "img", "meta", "input", "link"}


class _Reader(HTMLParser):
    """Checks that every tag closes in order and collects the cells' text."""

    def __init__(self):
        super().__init__()
        self.stack, self.cells, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
        if tag in ("td", "th", "li", "strong", "summary"):
            self.text = []

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()
        if tag in ("td", "th", "li", "strong", "summary"):
            self.cells.append("".join(self.text))

    def handle_data(self, data):
        self.text.append(data)


def _read(html):
    reader = _Reader()
    reader.feed(html)
    reader.close()
    assert reader.stack == [], f"unclosed tags {reader.stack}"
    return reader.cells


def _shown(value, se):
    return format_number(value, decimals_for(se))


def _regression():
    return make_regression(50, 3, noise=5.0, random_state=0)


def test_cv_result_table_shows_estimate_se_interval_and_computation():
    X, y = _regression()
    r = KFoldCV(LinearRegression(), scoring="neg_mean_squared_error").fit(X, y).result_
    cells = _read(r._repr_html_())
    se = r.standard_error
    for value in (r.estimate, se, *r.confidence_interval):
        assert _shown(value, se) in cells
    assert "closed form" in cells and "neg_mean_squared_error" in cells
    assert "95% CI (naive) low" in cells


def test_text_is_escaped_names_and_notes():
    X, y = _regression()
    name = "<b>mse & co</b>"
    cv = KFoldCV(LinearRegression(), scoring={name: "neg_mean_squared_error", "r2": "r2"}).fit(X, y)
    html = cv.results_[name]._repr_html_()
    assert "<b>mse" not in html and "&lt;b&gt;mse &amp; co&lt;/b&gt;" in html
    assert name in _read(html)  # the parser gives back the name as typed
    multi = _read(cv.results_._repr_html_())
    assert f"{name} (primary)" in multi and "r2" in multi
    for r in cv.results_.values():
        assert _shown(r.estimate, r.standard_error) in multi
    notes = [n for r in cv.results_.values() for n in r.notes]
    assert all(str(n) in multi for n in notes)


@pytest.mark.parametrize("make", [
    lambda: bootstrap((np.arange(30.0),), np.mean, n_resamples=999, rng=0),
    lambda: jackknife((np.arange(30.0),), np.mean),
    lambda: bag_of_little_bootstraps(np.arange(200.0), lambda x, w: np.average(x, weights=w), n_subsets=4,
                                     n_resamples=50, rng=0),
    lambda: compare(LinearRegression(), Ridge(alpha=10.0), *_regression(), n_repeats=2, random_state=0),
    lambda: KFoldCV(LinearRegression(), interval="nested", nested_repeats=2, random_state=0,
                    scoring="neg_mean_squared_error").fit(*_regression()).nested_,
], ids=["bootstrap", "jackknife", "blb", "compare", "nested"])
def test_every_result_family_has_a_table(make):
    r = make()
    cells = _read(r._repr_html_())
    estimate = getattr(r, "estimate", getattr(r, "difference", None))
    assert _shown(float(estimate), float(r.standard_error)) in cells
    low, high = r.confidence_interval
    assert _shown(float(low), float(r.standard_error)) in cells
    assert _shown(float(high), float(r.standard_error)) in cells


def test_vector_statistic_gets_a_row_per_component():
    data = np.random.default_rng(0).normal(size=(40, 2))
    r = bootstrap((data,), lambda d, axis=-1: d.mean(axis=axis), n_resamples=999, rng=0, method="percentile")
    cells = _read(r._repr_html_())
    assert "estimate[0]" in cells and "estimate[1]" in cells
