"""A self-contained HTML report: text, tables and figures (PNG embedded as base64).

One file that opens anywhere, with no network and no companion files: it can be
mailed, archived or attached to a ticket as it is.
"""

import base64
import html
import io
from pathlib import Path

__all__ = ["Report", "figure_png"]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #1d2733; max-width: 1080px; margin: 2rem auto; padding: 0 1.25rem; line-height: 1.5; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #d6dbe1; padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
.sub { color: #5b6673; margin-top: 0; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88rem; }
pre.cmd { background: #f3f5f7; border: 1px solid #e0e4e8; border-radius: 6px; padding: .6rem .8rem;
          overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .92rem; }
th, td { padding: .28rem .7rem; border-bottom: 1px solid #e3e7eb; text-align: right; }
th { background: #f3f5f7; font-weight: 600; }
td:first-child, th:first-child { text-align: left; }
tr.chosen td { background: #fff6d6; font-weight: 600; }
figure { margin: 1.2rem 0 1.8rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #e3e7eb; border-radius: 4px; }
figcaption { color: #4a5562; font-size: .9rem; margin-top: .35rem; }
.note { color: #5b6673; font-size: .9rem; }
ul.notes { color: #5b6673; font-size: .9rem; padding-left: 1.2rem; }
footer { margin-top: 3rem; color: #7a8591; font-size: .85rem; border-top: 1px solid #e3e7eb; padding-top: .6rem; }
"""


def figure_png(fig, dpi=110):
    """The figure as PNG bytes (the figure is closed afterwards)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


class Report:
    """Collects the parts of a page and writes them as one HTML file.

    Examples
    --------
    >>> import tempfile
    >>> r = Report("Demo", subtitle="nothing computed")
    >>> r.paragraph("Hello & welcome")
    >>> path = r.write(tempfile.mkdtemp())
    >>> "Hello &amp; welcome" in path.read_text()
    True
    """

    def __init__(self, title, subtitle=None):
        self.title = title
        self.parts = [f"<h1>{html.escape(title)}</h1>"]
        if subtitle:
            self.parts.append(f'<p class="sub">{html.escape(subtitle)}</p>')

    def heading(self, text, level=2):
        self.parts.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def paragraph(self, text, cls=None):
        attr = f' class="{cls}"' if cls else ""
        self.parts.append(f"<p{attr}>{html.escape(text)}</p>")

    def command(self, text):
        self.parts.append(f'<pre class="cmd">{html.escape(text)}</pre>')

    def notes(self, items):
        items = [i for i in items if i]
        if items:
            self.parts.append('<ul class="notes">' + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")

    def table(self, header, rows, highlight=None):
        """``rows`` of already formatted strings; ``highlight`` is a row index to mark."""
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = []
        for i, row in enumerate(rows):
            cls = ' class="chosen"' if i == highlight else ""
            body.append(f"<tr{cls}>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>")
        self.parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")

    def figure(self, fig, caption, alt=None):
        data = base64.b64encode(figure_png(fig)).decode("ascii")
        self.parts.append(
            f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt or caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )

    def html(self, footer=""):
        foot = f"<footer>{html.escape(footer)}</footer>" if footer else ""
        return (
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(self.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(self.parts)
            + f"\n{foot}\n</body>\n</html>\n"
        )

    def write(self, directory, footer="", name="index.html"):
        """Write the page to ``directory/name`` (the directory is created) and return its path.

        Written to a temporary file in ``directory`` and renamed into place: a symlink
        at ``directory/name`` is replaced, not followed.
        """
        from resample.cli.output import write_text_atomic

        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        return write_text_atomic(out, name, self.html(footer))
