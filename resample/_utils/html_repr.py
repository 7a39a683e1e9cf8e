"""Small HTML tables for results in Jupyter (``_repr_html_``), built from their fields.

One layout for every result family: a title, a table of estimate, standard error
and interval (one row per metric or per component of a vector statistic), a table
of how it was computed, and the notes. Every piece of text goes through
``html.escape``, so a metric name or a note holding ``<`` or ``&`` shows as typed.
Numbers are written as the text repr is (:mod:`resample._utils.formatting`): as
many decimals as two significant digits of the standard error support.
"""

import html

import numpy as np

from resample._utils.formatting import decimals_for, format_number

__all__ = ["estimate_rows", "result_html"]

_STYLE = (
    "border-collapse:collapse;margin:0.2em 0;font-variant-numeric:tabular-nums"
)
_CELL = "padding:0.15em 0.6em;border-bottom:1px solid #ddd;text-align:{align}"


def _cell(tag, text, align="left"):
    return f'<{tag} style="{_CELL.format(align=align)}">{html.escape(str(text))}</{tag}>'


def _table(header, rows, numeric_from=1):
    head = "".join(_cell("th", h, "left" if j < numeric_from else "right") for j, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(_cell("td", v, "left" if j < numeric_from else "right") for j, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f'<table style="{_STYLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def estimate_rows(labels, estimates, standard_errors, lows, highs):
    """Rows ``(label, estimate, SE, low, high)`` with decimals set by each row's standard error."""
    rows = []
    for label, est, se, low, high in zip(labels, estimates, standard_errors, lows, highs):
        d = decimals_for(se)
        rows.append((label, format_number(est, d), format_number(se, d), format_number(low, d),
                     format_number(high, d)))
    return rows


def _flat(value):
    return np.atleast_1d(np.asarray(value, dtype=float)).ravel()


def result_html(title, *, estimate, standard_error, confidence_interval, confidence_level, interval_name,
                label="estimate", details=(), notes=(), rows=None):
    """The HTML of one result.

    Parameters
    ----------
    title : str
    estimate, standard_error : float or array
        A vector statistic gets one row per component.
    confidence_interval : (low, high)
    confidence_level : float
    interval_name : str
        How the interval was made ("naive", "BCa"...), shown in the header.
    label : str
        Name of the first column's entry (the metric).
    details : iterable of (name, value)
        How it was computed (method, splits or resamples, computation...).
    notes : iterable of str
    rows : list of rows, optional
        Ready rows of :func:`estimate_rows` (several metrics), instead of the above.

    Examples
    --------
    >>> text = result_html("CVResult", estimate=-24.2, standard_error=1.5, confidence_interval=(-27.1, -21.3),
    ...                    confidence_level=0.95, interval_name="naive", label="neg_mse <&>")
    >>> "neg_mse &lt;&amp;&gt;" in text, "-24.2" in text
    (True, True)
    """
    if rows is None:
        est, se = _flat(estimate), _flat(standard_error)
        low, high = _flat(confidence_interval[0]), _flat(confidence_interval[1])
        labels = [label] if est.size == 1 else [f"{label}[{i}]" for i in range(est.size)]
        se = np.broadcast_to(se, est.shape)
        rows = estimate_rows(labels, est, se, np.broadcast_to(low, est.shape), np.broadcast_to(high, est.shape))
    level = f"{confidence_level:.0%} CI ({interval_name})"
    parts = [
        f'<div class="resample-result"><strong>{html.escape(title)}</strong>',
        _table(["", "estimate", "standard error", f"{level} low", "high"], rows),
    ]
    details = [(k, v) for k, v in details if v is not None]
    if details:
        parts.append(_table(["computation", ""], details, numeric_from=2))
    notes = list(notes)
    if notes:
        items = "".join(f"<li>{html.escape(str(n))}</li>" for n in notes)
        parts.append(f'<details><summary>{len(notes)} note{"s" if len(notes) != 1 else ""}</summary><ul>{items}</ul>'
                     "</details>")
    parts.append("</div>")
    return "".join(parts)
