"""The import graph and the public import paths (issue 11).

The graph is read with ``ast`` from the source files, imports inside functions
included, so a cycle cannot hide behind a deferred import. Three rules:

* no cycle among the modules of ``resample`` (nor among those of ``resample_torch``);
* ``resample`` never imports torch;
* ``resample_torch`` imports from ``resample`` only public modules (no part of the
  path starts with ``_``) and the documented protocol module ``resample._protocol``.
"""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules(package):
    return {_module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def _imports(name, path, known):
    """Every module ``name`` imports (``from a.b import c`` counts as ``a.b.c`` where that is a module)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = name.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            submodules = {f"{module}.{alias.name}" for alias in node.names} & known
            found |= submodules
            if len(submodules) < len(node.names):  # a name defined in ``module`` itself
                found.add(module)
    return found


def _graph(package):
    modules = _modules(package)
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _internal_edges(graph):
    """Edges to modules of the same graph.

    ``import a.b.c`` also runs ``a`` and ``a.b``: those count, except where they are
    packages above the importing module (Python has them running already); a name
    taken from such a package (``from resample import bootstrap`` inside resample) counts.
    """
    edges = {}
    for name, targets in graph.items():
        deps = set()
        for t in targets:
            if t in graph and t != name:  # also an ancestor package a name is taken from
                deps.add(t)
            parts = t.split(".")
            for k in range(1, len(parts)):  # the packages Python imports on the way
                prefix = ".".join(parts[:k])
                if prefix in graph and not name.startswith(prefix + "."):
                    deps.add(prefix)
        edges[name] = deps
    return edges


def _cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


@pytest.mark.parametrize("package", ["resample", "resample_torch"])
def test_no_import_cycle(package):
    cycles = _cycles(_internal_edges(_graph(package)))
    assert cycles == [], f"import cycles in {package}: {cycles}"


def test_the_cycle_finder_finds_a_cycle():
    # the check above cannot pass vacuously: a two-module and a three-module cycle are found
    edges = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert sorted(_cycles(edges)) == [["a", "b"], ["c", "d", "e"]]


def test_core_never_imports_torch():
    offenders = {
        name: sorted(t for t in targets if t.split(".")[0] in ("torch", "torchvision", "resample_torch"))
        for name, targets in _graph("resample").items()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def _private(module):
    return any(part.startswith("_") for part in module.split(".")[1:])


def test_plugin_imports_only_public_resample_and_the_protocol():
    offenders = {}
    for name, targets in _graph("resample_torch").items():
        bad = sorted(
            t for t in targets if t.split(".")[0] == "resample" and _private(t) and not t.startswith("resample._protocol")
        )
        if bad:
            offenders[name] = bad
    assert offenders == {}


def test_private_means_a_leading_underscore():
    assert _private("resample._utils.random") and _private("resample.cli._x")
    assert not _private("resample.splitters") and not _private("resample")


def test_only_the_compat_module_imports_private_scikit_learn_names():
    offenders = {}
    for name, path in _modules("resample").items():
        if name == "resample._utils.sklearn_compat":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sklearn":
                bad = [a.name for a in node.names if a.name.startswith("_")]
                if _private(node.module) or bad:
                    offenders.setdefault(name, []).append(f"{node.module}: {', '.join(bad) or '*'}")
    assert offenders == {}


# The public names as they were on main before the reorganisation of issue 11
# (``git show 87f698d:resample/__init__.py`` and friends): each must stay importable.
OLD_PUBLIC = {
    "resample": [
        "ValidationSetCV", "LeaveOneOutCV", "KFoldCV", "compare", "ComparisonResult", "NestedCVResult",
        "CVResult", "ConfidenceInterval", "bootstrap", "BootstrapResult", "jackknife", "JackknifeResult",
        "BootstrapEstimator", "BootstrapCV", "select_one_standard_error", "one_standard_error_rule",
        "OneStandardErrorChoice",
    ],
    "resample.splitters": ["BlockedKFold", "BootstrapSplit"],
    "resample.plotting": ["plot_family", "plot_cv_result", "plot_bootstrap", "as_error"],
    "resample.exceptions": ["ResampleWarning", "ShortcutWarning", "FitFailedError", "DegenerateWarning"],
    "resample.datasets": ["load_auto", "load_portfolio", "load_default", "data_path"],
    "resample._protocol": ["supports_fit_folds", "fit_folds"],
}
OLD_PUBLIC_TORCH = [
    "CharRNNLanguageModel", "text_blocks", "NGramLanguageModel", "TextBlock", "block_bootstrap_perplexity",
    "cross_val_block_log_likelihood", "Vocabulary", "CharRNN", "BlockLogLikelihood", "MLP", "TorchClassifier",
    "TorchRegressor", "FrozenFeatures", "FineTuneClassifier", "FoldEnsembleClassifier",
    "SnapshotEnsembleClassifier", "AveragedFineTuneClassifier", "efficientnet_lite0", "imagenet_normalizer",
]


@pytest.mark.parametrize("module,name", [(m, n) for m, names in OLD_PUBLIC.items() for n in names])
def test_old_public_name_still_imports(module, name):
    mod = importlib.import_module(module)
    assert getattr(mod, name) is not None
    assert name in getattr(mod, "__all__", [name])


@pytest.mark.parametrize("name", OLD_PUBLIC_TORCH)
def test_old_public_torch_name_still_imports(name):
    resample_torch = pytest.importorskip("resample_torch")  # only this test needs torch
    assert getattr(resample_torch, name) is not None and name in resample_torch.__all__


# --- sizes: one idea per module, functions a reader can hold at once ----------------
#: "about 400 lines" per module and "about 60" per function (issue 11), with a margin.
MAX_MODULE_LINES = 430
MAX_FUNCTION_LINES = 60
#: A function may be longer when a comment beside it says why, in the comment lines
#: right above its ``def`` (or its first decorator): ``# Long: <the reason>``.
LONG_MARK = "# Long:"


def _says_why(lines, first):
    """Whether the comment block right above line ``first`` (1-based) holds a LONG_MARK."""
    i = first - 2
    while i >= 0 and lines[i].strip().startswith("#"):
        if lines[i].strip().startswith(LONG_MARK):
            return True
        i -= 1
    return False


def _function_lengths(path):
    """``(name, first line, body lines without the docstring)`` of every function in ``path``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            has_doc = isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str)
            start = body[0].end_lineno + 1 if has_doc and len(body) > 1 else body[0].lineno
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            yield node.name, first, node.end_lineno - start + 1


@pytest.mark.parametrize("package", ["resample", "resample_torch"])
def test_modules_stay_small(package):
    long = {name: n for name, path in _modules(package).items()
            if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES}
    assert long == {}, f"modules over {MAX_MODULE_LINES} lines (split them by idea): {long}"


@pytest.mark.parametrize("package", ["resample", "resample_torch"])
def test_long_functions_say_why(package):
    unexplained = []
    for name, path in _modules(package).items():
        lines = path.read_text().splitlines()
        for function, first, length in _function_lengths(path):
            if length > MAX_FUNCTION_LINES and not _says_why(lines, first):
                unexplained.append(f"{name}.{function} ({length} lines)")
    assert unexplained == [], (
        f"functions over {MAX_FUNCTION_LINES} lines without a '{LONG_MARK} <reason>' comment above them: {unexplained}"
    )


def test_the_size_checks_can_fail(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    '''doc'''\n" + "    x = 1\n" * 70 + "\n\n# Long: a reason\ndef g():\n" + "    y = 2\n" * 70)
    lengths = {name: (first, n) for name, first, n in _function_lengths(source)}
    assert lengths["f"][1] == 70 and lengths["g"][1] == 70
    lines = source.read_text().splitlines()
    assert not _says_why(lines, lengths["f"][0])
    assert _says_why(lines, lengths["g"][0])
