"""Sphinx configuration of the resample documentation.

Built in strict mode (``-W``: every warning fails) by ``tests/test_docs.py``. Every
example on the user-guide pages runs during the build (``docs/_ext/runcode.py``), so
the numbers and figures are computed from the bundled data each time.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))

import resample  # noqa: E402

project = "resample"
author = "the resample developers"
copyright = "the resample developers, BSD-3-Clause"
version = release = resample.__version__

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",
    "myst_parser",
    "runcode",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store"]
templates_path = []

# numpydoc renders the docstrings; class members are listed by autodoc, not by
# autosummary stubs (which would need generated files)
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
autodoc_default_options = {"members": False}
autodoc_typehints = "none"
# Without torch (the `docs` extra alone) autodoc imports the plugin against a mock of torch,
# so its API page is complete and the strict build passes; with torch installed (CI, the
# `tests` extra) the real one is imported.
try:
    import torch  # noqa: F401
except ImportError:
    autodoc_mock_imports = ["torch"]

# MyST for the Markdown guides written beside this site (bootstrap, honest CV, torch)
myst_enable_extensions = []
myst_heading_anchors = 3

html_theme = "alabaster"
html_static_path = ["_static"]
html_theme_options = {"description": "resampling methods for scikit-learn", "page_width": "1100px",
                      "sidebar_width": "230px"}
html_css_files = ["custom.css"]
html_show_sourcelink = False

#: Markdown guides other parts of the project keep in docs/, listed in the index
#: when present (the page is built either way).
GUIDES = ["bootstrap", "honest_cv", "approximate_loo", "torch", "torch_language_models", "torch_transfer", "benchmarks"]


def _guides_toctree(app, docname, source):
    if docname != "index":
        return
    present = sorted({p.stem for p in HERE.glob("*.md")})
    ordered = [g for g in GUIDES if g in present] + [p for p in present if p not in GUIDES]
    entries = "\n".join(f"   {name}" for name in ordered) or ""
    block = (".. toctree::\n   :maxdepth: 1\n   :caption: More guides\n\n" + entries + "\n") if entries else ""
    source[0] = source[0].replace(".. guides-toctree (filled in by conf.py)\n", block)


def setup(app):
    app.connect("source-read", _guides_toctree)
