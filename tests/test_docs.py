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


def _public_names(package):
    """A package's ``__all__``, read from its source (so the check needs no torch)."""
    import ast

    tree = ast.parse((DOCS.parent / package / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{package}/__init__.py has no __all__")


def test_api_reference_lists_every_public_name(site):
    api = (site / "api.html").read_text()
    missing = [n for n in _public_names("resample") if f'id="resample.{n}"' not in api
               and f'id="resample.plotting.{n}"' not in api]
    missing += [f"resample_torch.{n}" for n in _public_names("resample_torch") if f'id="resample_torch.{n}"' not in api]
    assert not missing, f"public names with no entry in docs/api.rst: {missing}"


def test_api_page_builds_strictly_without_torch(tmp_path):
    """With the ``docs`` extra alone (no torch) the plugin's API is documented, with no warning."""
    import shutil

    src = tmp_path / "src"
    src.mkdir()
    for name in ["conf.py", "api.rst"]:
        shutil.copy(DOCS / name, src / name)
    for name in ["_ext", "_static"]:
        shutil.copytree(DOCS / name, src / name)
    (src / "index.rst").write_text("resample\n========\n\n.. toctree::\n\n   api\n")
    hide = tmp_path / "hide"  # first on the path: `import torch` fails as where torch is not installed
    hide.mkdir()
    (hide / "torch.py").write_text('raise ModuleNotFoundError("No module named \'torch\'", name="torch")\n')
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore::DeprecationWarning",
           "PYTHONPATH": os.pathsep.join([str(hide), str(DOCS.parent)])}
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(src), str(tmp_path / "html")],
        capture_output=True, text=True, timeout=240, env=env, cwd=tmp_path,
    )
    assert proc.returncode == 0, f"strict build without torch failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    api = (tmp_path / "html" / "api.html").read_text()
    for n in _public_names("resample_torch"):
        assert f'id="resample_torch.{n}"' in api, n
    assert "Parameters" in api[api.index('id="resample_torch.TorchClassifier"'):]
