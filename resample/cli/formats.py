"""``--format json|csv``: what ``resample evaluate`` and ``resample bootstrap`` computed, for programs.

JSON is one object: the data, the model, every method's estimate, standard error and
interval per model, how each was computed, the one-standard-error choice, and the notes
with their kinds. CSV is one row per model, method and metric (evaluate) or per interval
method (bootstrap). Numbers are written in full (the text output rounds them by their
standard error); a number that is not finite is ``null`` in JSON and empty in CSV.
Estimates are in the units the tables show: the error (``MSE``, ``error rate``), the score
with its sign flipped where scikit-learn maximises a negated loss; ``score`` keeps the scorer's own sign.
"""

import csv
import io
import json
import math

import numpy as np

from resample.cli.evaluate_text import interval_text, row_numbers

__all__ = ["FORMATS", "bootstrap_csv", "bootstrap_json", "bootstrap_record", "evaluate_csv", "evaluate_json",
           "evaluate_record", "note_records"]

#: The values of ``--format``.
FORMATS = ("text", "json", "csv")


def _plain(value):
    """A JSON-ready Python value: numpy scalars unwrapped, NaN and infinities as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def note_records(notes, data_notes=()):
    """Notes as ``{"kind", "text"}``: those on the input and options (kind ``input``), then the run's, by their own kind.

    Examples
    --------
    >>> from resample._utils.notes import Note, NoteKind
    >>> note_records([Note(NoteKind.DEGENERATE, "all equal"), "plain"], ["left out 2 rows"])
    [{'kind': 'input', 'text': 'left out 2 rows'}, {'kind': 'degenerate', 'text': 'all equal'}, {'kind': 'info', 'text': 'plain'}]
    """
    records = [{"kind": "input", "text": str(n)} for n in data_notes]
    for n in notes:
        kind = getattr(n, "kind", None)  # a library Note's NoteKind, or a command note's own kind
        kind = getattr(kind, "value", kind) or "info"
        records.append({"kind": kind, "text": str(n)})
    return records


def _model_rows(outcome, key):
    """One dict per model of one method: its numbers and how they were computed."""
    fam = outcome.family
    choice = outcome.choices.get(key)
    rows = []
    for i, (value, r) in enumerate(zip(fam.values, outcome.results[key])):
        est, se, low, high = row_numbers(r, outcome.scoring, outcome.confidence)
        rows.append({
            "model": fam.label(value) if fam.kind.param else fam.kind.name,
            "parameter": fam.kind.param,
            "value": _plain(value) if fam.kind.param else None,
            "estimate": _plain(float(est)),
            "standard_error": _plain(float(se)),
            "confidence_interval": {"low": _plain(float(low)), "high": _plain(float(high))},
            "score": _plain(float(r.estimate)),
            "n_splits": int(r.n_splits),
            "computation": r.computation,
            "one_standard_error_choice": choice is not None and i == choice.index,
            "lowest_estimate": choice is not None and i == choice.best_index,
        })
    return rows


def _choice(outcome, key):
    choice = outcome.choices.get(key)
    if choice is None:
        return None
    fam = outcome.family
    return {"model": fam.label(choice.value), "value": _plain(choice.value), "lowest_estimate": fam.label(choice.best_value),
            "simpler": fam.kind.simpler}


def _chosen_model(outcome):
    """The model the run points to: the one-SE choice of k-fold CV (else LOOCV, else the first method)."""
    fam = outcome.family
    if len(fam.values) == 1:
        return {"model": fam.label(fam.values[0]) if fam.kind.param else fam.kind.name, "by": None}
    for key in ("kfold", "loocv", *outcome.results):
        if outcome.choices.get(key) is not None:
            return {**_choice(outcome, key), "by": key, "rule": "one standard error"}
    return None


def evaluate_record(outcome, data_notes=()):
    """Everything ``evaluate`` computed, as one JSON-ready dict."""
    fam = outcome.family
    return {
        "command": "evaluate",
        "data": {"source": outcome.source, "rows": outcome.n_rows, "target": outcome.target,
                 "features": list(map(str, outcome.features)), "task": fam.task,
                 "missing_values": outcome.imputed or "rows with missing values left out",
                 "groups": outcome.groups},
        "model": {"spec": fam.spec, "formula": outcome.describe_model(), "description": fam.description(),
                  "parameter": fam.kind.param, "values": [_plain(v) for v in fam.values],
                  "simpler": fam.kind.simpler if fam.kind.param else None},
        "scoring": outcome.scoring,
        "metric": outcome.error_name,
        "confidence_level": outcome.confidence,
        "interval": f"naive: {interval_text(outcome)} (the splits are treated as independent)",
        "methods": [
            {"method": key, "title": outcome.titles[key], "models": _model_rows(outcome, key),
             "one_standard_error_choice": _choice(outcome, key)}
            for key in outcome.results
        ],
        "chosen_model": _chosen_model(outcome),
        "notes": note_records(outcome.notes, data_notes),
    }


def evaluate_json(outcome, data_notes=()):
    """The JSON text of :func:`evaluate_record`."""
    return json.dumps(evaluate_record(outcome, data_notes), indent=2, allow_nan=False)


def _csv(header, rows):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow(["" if v is None else v for v in r])
    return buf.getvalue().rstrip("\n")


_EVALUATE_COLUMNS = ["method", "model", "parameter", "value", "metric", "scoring", "estimate", "standard_error",
                     "ci_low", "ci_high", "confidence_level", "score", "n_splits", "computation",
                     "one_standard_error_choice", "lowest_estimate"]


def evaluate_csv(outcome):
    """One row per method and model (one metric per run: ``--scoring``)."""
    rows = []
    for key in outcome.results:
        for m in _model_rows(outcome, key):
            ci = m["confidence_interval"]
            rows.append([key, m["model"], m["parameter"], m["value"], outcome.error_name, outcome.scoring, m["estimate"],
                         m["standard_error"], ci["low"], ci["high"], outcome.confidence, m["score"], m["n_splits"],
                         m["computation"], m["one_standard_error_choice"], m["lowest_estimate"]])
    return _csv(_EVALUATE_COLUMNS, rows)


def _intervals(o):
    from resample.cli.bootstrap import INTERVAL_METHODS

    out = []
    for m, res in o.results.items():
        low, high = res.confidence_interval
        out.append({"method": INTERVAL_METHODS[m], "low": _plain(float(low)), "high": _plain(float(high)),
                    "clipped": any("is clipped to it" in n for n in res.notes)})
    return out


def bootstrap_record(o, data_notes=()):
    """Everything ``bootstrap`` computed, as one JSON-ready dict."""
    r = o.first
    return {
        "command": "bootstrap",
        "data": {"source": o.source, "rows": o.n_rows, "columns": list(map(str, o.columns))},
        "statistic": {"name": o.statistic.name, "description": o.statistic.describe},
        "n_resamples": o.n_resamples, "seed": o.seed, "confidence_level": o.confidence,
        "estimate": _plain(float(r.estimate)), "standard_error": _plain(float(r.standard_error)),
        "bias": _plain(float(r.bias)),
        "bounds": None if o.bounds is None else [_plain(float(b)) for b in o.bounds],
        "intervals": _intervals(o),
        "notes": note_records(o.notes, data_notes),
    }


def bootstrap_json(o, data_notes=()):
    """The JSON text of :func:`bootstrap_record`."""
    return json.dumps(bootstrap_record(o, data_notes), indent=2, allow_nan=False)


_BOOTSTRAP_COLUMNS = ["statistic", "columns", "method", "estimate", "standard_error", "bias", "ci_low", "ci_high",
                      "confidence_level", "n_resamples", "clipped"]


def bootstrap_csv(o):
    """One row per interval method."""
    rec = bootstrap_record(o)
    rows = [[rec["statistic"]["name"], " ".join(rec["data"]["columns"]), i["method"], rec["estimate"],
             rec["standard_error"], rec["bias"], i["low"], i["high"], o.confidence, o.n_resamples, i["clipped"]]
            for i in rec["intervals"]]
    return _csv(_BOOTSTRAP_COLUMNS, rows)
