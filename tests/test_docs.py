"""The documentation site builds in strict mode, and every example in it runs.

The build executes every ``runcode`` block (docs/_ext/runcode.py), so a broken
example fails here. Plain ``python`` code blocks of the Markdown guides are run
separately below, one namespace per page.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("numpydoc")
pytest.importorskip("myst_parser")
pytest.importorskip("matplotlib")

DOCS = Path(__file__).resolve().parent.parent / "docs"

pytestmark = pytest.mark.docs


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / ".doctrees"), str(DOCS), str(out / "html")],
        capture_output=True, text=True, timeout=240, env=env,
    )
    assert proc.returncode == 0, f"strict docs build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    return out / "html"


def test_strict_build_has_every_page(site):
    for page in ["index", "getting_started", "command", "islr_walkthrough", "choosing_a_method",
                 "classification", "randomness", "scaling_out", "api"]:
        assert (site / f"{page}.html").is_file(), page
    for guide in DOCS.glob("*.md"):  # the other guides are linked from the index
        assert (site / f"{guide.stem}.html").is_file(), guide.name
        assert f'href="{guide.stem}.html"' in (site / "index.html").read_text()


def test_numbers_and_figures_are_computed_at_build_time(site):
    walk = (site / "islr_walkthrough.html").read_text()
    for number in ["24.23", "19.25", "19.33", "19.42", "19.03"]:  # ISLR section 5.3.2
        assert number in walk
    assert len(re.findall(r"data:image/png;base64,", walk)) >= 4  # Figures 5.2, 5.4, one-SE, 5.10
    assert "error rate" in (site / "classification.html").read_text()


def test_api_reference_renders_docstrings(site):
    api = (site / "api.html").read_text()
    for name in ["KFoldCV", "LeaveOneOutCV", "ValidationSetCV", "BootstrapCV", "one_standard_error_rule", "compare",
                 "select_one_standard_error", "bootstrap", "plot_family"]:
        assert f'id="resample.{name}"' in api or f'id="resample.plotting.{name}"' in api, name
    assert "Examples" in api and "Parameters" in api


def _python_blocks(text):
    return re.findall(r"^```(?:python|py)\s*\n(.*?)^```", text, flags=re.S | re.M)


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_markdown_python_blocks_run(page):
    text = page.read_text()
    blocks = _python_blocks(text)
    if not blocks:
        pytest.skip(f"{page.name} has no plain python blocks (its runcode blocks run in the build)")
    if "resample_torch" in text and os.environ.get("RESAMPLE_DOCS_TORCH") != "1":
        # the torch guides train models (about 50 s on two busy cores): opt in
        pytest.skip(f"{page.name} trains torch models; set RESAMPLE_DOCS_TORCH=1 to run its examples")
    import matplotlib

    matplotlib.use("Agg")
    namespace = {"__name__": "__docs__"}
    for i, code in enumerate(blocks):
        try:
            exec(compile(code, f"<{page.name} block {i}>", "exec"), namespace)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.split(".")[0] in {"torch", "ray"}:
                pytest.skip(f"{page.name} needs {exc.name}")
            raise
