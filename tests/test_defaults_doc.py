"""docs/defaults.rst against the code: every documented default is the real one, and none is missing.

The page is the one place the defaults are written down; this test reads its
tables and checks each row against ``inspect.signature`` (the Python API) or the
command's argparse defaults, so a changed default fails here until the page says so.
"""

import ast
import inspect
import re
from pathlib import Path

import pytest

import resample
from resample.cli.main import build_parser

PAGE = Path(__file__).resolve().parents[1] / "docs" / "defaults.rst"

#: parameters that decide how much resampling is done, how and at what level
KEY = ("n_splits", "n_repeats", "n_resamples", "n_permutations", "nested_repeats", "method", "interval",
       "confidence_level", "test_size", "shuffle", "cv")
#: the public entry points the page covers (every one that takes a key parameter)
ENTRIES = ("KFoldCV", "ValidationSetCV", "BootstrapCV", "BootstrapEstimator", "bootstrap", "poisson_bootstrap",
           "bag_of_little_bootstraps", "jackknife", "permutation_test", "cv_permutation_test", "compare",
           "KFoldCV.confidence_interval")
COMMAND_KEY = ("--k", "--repeats", "--n-resamples", "--confidence", "--seed")


def _rows():
    """``(entry, parameter, default text)`` of every list-table row on the page."""
    rows, cells = [], []
    for line in PAGE.read_text().splitlines():
        m = re.match(r"^   (\*| ) - (.*)$", line)
        if m:
            if m.group(1) == "*" and cells:
                rows.append(cells)
                cells = []
            cells.append(m.group(2))
    rows.append(cells)
    out = []
    for cells in rows:
        if cells[0] == "Entry point":
            continue
        entry, param, default = (re.fullmatch(r"``(.*)``", c).group(1) for c in cells[:3])
        out.append((entry, param, default))
    return out


def _signature_default(entry, param):
    obj = resample
    for part in entry.split("."):
        obj = getattr(obj, part)
    return inspect.signature(obj).parameters[param].default


def _command_default(command, option):
    args = build_parser().parse_args([command])
    return getattr(args, option.lstrip("-").replace("-", "_"))


ROWS = _rows()


def test_the_page_has_rows():
    assert len(ROWS) >= 30


@pytest.mark.parametrize("entry, param, default", ROWS, ids=[f"{e}:{p}" for e, p, _ in ROWS])
def test_documented_default_is_the_real_one(entry, param, default):
    expected = ast.literal_eval(default)
    if entry.startswith("resample "):
        actual = _command_default(entry.split()[1], param)
    else:
        actual = _signature_default(entry, param)
    assert actual == expected and type(actual) is type(expected), f"{entry} {param}: code {actual!r}, page {default}"


def test_no_key_default_is_missing_from_the_page():
    documented = {(e, p) for e, p, _ in ROWS}
    missing = []
    for entry in ENTRIES:
        obj = resample
        for part in entry.split("."):
            obj = getattr(obj, part)
        for name, parameter in inspect.signature(obj).parameters.items():
            if parameter.default is inspect.Parameter.empty:
                continue  # required: no default to document
            if name in KEY and (entry, name) not in documented:
                missing.append(f"{entry}({name}=...)")
    for command in ("evaluate", "bootstrap"):
        args = vars(build_parser().parse_args([command]))
        for option in COMMAND_KEY:
            if option.lstrip("-").replace("-", "_") in args and (f"resample {command}", option) not in documented:
                if command == "bootstrap" and option in ("--k", "--repeats"):
                    continue
                missing.append(f"resample {command} {option}")
    assert not missing, f"docs/defaults.rst lacks: {', '.join(missing)}"


def test_every_confidence_level_defaults_to_095():
    """The one default that is the same everywhere, checked over every public callable."""
    for name in resample.__all__:
        obj = getattr(resample, name)
        if not callable(obj):
            continue
        targets = [obj] + [getattr(obj, m) for m in ("confidence_interval",) if hasattr(obj, m)]
        for target in targets:
            try:
                params = inspect.signature(target).parameters
            except (TypeError, ValueError):
                continue
            default = params["confidence_level"].default if "confidence_level" in params else None
            # None: a fitted object's method that uses the level the object was built with
            assert default in (None, inspect.Parameter.empty, 0.95), name
