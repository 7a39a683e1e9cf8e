"""``.. runcode::`` — run a Python block while the docs build, and show its output and figures.

Every block of a page runs in one namespace, top to bottom, like a notebook, so
later blocks use what earlier ones made. The page shows the code, what it printed
and every matplotlib figure it left open (embedded as PNG, so no image files are
copied around). An exception fails the build: an example that does not run is a
bug, and the strict build (``-W``) is part of the test suite.

Options:

``:hide-code:``   show only the output and figures (for tables computed for the text).
``:requires: m``  the block needs the importable module ``m``; where it is missing
                  the code is shown with a note that it did not run here.
"""

import base64
import contextlib
import importlib.util
import io
import traceback

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx.errors import ExtensionError


def _namespace(env):
    spaces = env.temp_data.setdefault("runcode_namespaces", {})
    return spaces.setdefault(env.docname, {"__name__": "__docs__"})


def _figures_html():
    import matplotlib.pyplot as plt

    parts = []
    for num in plt.get_fignums():
        fig = plt.figure(num)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        parts.append(f'<img class="runcode-figure" src="data:image/png;base64,{data}" alt="figure computed by the example above">')
    plt.close("all")
    return "\n".join(parts)


class RunCode(Directive):
    has_content = True
    option_spec = {"hide-code": directives.flag, "requires": directives.unchanged}

    def run(self):
        env = self.state.document.settings.env
        code = "\n".join(self.content)
        out = []
        if "hide-code" not in self.options:
            block = nodes.literal_block(code, code)
            block["language"] = "python"
            out.append(block)
        needs = self.options.get("requires")
        if needs and importlib.util.find_spec(needs) is None:
            note = nodes.paragraph(text=f"(Not run in this build: {needs} is not installed.)")
            note["classes"].append("runcode-skipped")
            return out + [note]
        stdout = io.StringIO()
        try:
            import matplotlib

            matplotlib.use("Agg")
            with contextlib.redirect_stdout(stdout):
                exec(compile(code, f"<{env.docname}:{self.lineno}>", "exec"), _namespace(env))
        except Exception as exc:  # the example is broken: fail the build, say where
            raise ExtensionError(
                f"runcode block in {env.docname} (line {self.lineno}) raised {type(exc).__name__}: {exc}\n"
                + traceback.format_exc()
            ) from exc
        text = stdout.getvalue().rstrip()
        if text:
            printed = nodes.literal_block(text, text)
            printed["language"] = "text"
            printed["classes"].append("runcode-output")
            out.append(printed)
        html = _figures_html()
        if html:
            out.append(nodes.raw("", html, format="html"))
        return out


def setup(app):
    app.add_directive("runcode", RunCode)
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
