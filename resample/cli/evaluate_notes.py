"""The notes of ``resample evaluate``: the library's notes and warnings the user can act on, and the command's own.

Presentation reads a note's kind (:class:`~resample.exceptions.NoteKind`), never its wording.
"""

from resample._utils.notes import Note, note_kind
from resample.exceptions import NoteKind

__all__ = ["edge_notes", "library_notes", "warning_notes", "zero_se_notes"]

#: Notes of the library the command leaves out: how the numbers were computed, not what they mean,
#: and NO_ADJUSTMENT, about an option the command does not offer (it never refits on all rows).
_SILENT_NOTES = frozenset({NoteKind.STATELESS_PREFIX, NoteKind.BATCHED_FOLDS, NoteKind.METHOD,
                           NoteKind.NO_ADJUSTMENT})

class CommandNote(str):
    """A note of the command itself: its text, with a short machine-readable ``kind`` (``--format json``).

    Examples
    --------
    >>> n = CommandNote("edge_of_grid", "the lowest estimate is at the edge of the grid")
    >>> n.kind, n == "the lowest estimate is at the edge of the grid"
    ('edge_of_grid', True)
    """

    __slots__ = ("kind",)

    def __new__(cls, kind, text):
        self = super().__new__(cls, text)
        self.kind = kind
        return self


#: What replaces the library's note that the closed form and LinearRegression disagree.
_ILL_CONDITIONED = ("closed form: the raw polynomial design is ill-conditioned; the exact least-squares "
                    "numbers are reported (ISLR's), which LinearRegression's own solver would miss")


def warning_notes(caught, notes):
    """Add the warnings caught during one fit to ``notes``, one short line each, once."""
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning)):
            continue
        if note_kind(w.message) is NoteKind.SHORTCUT_DISAGREES:  # the result's note says it better
            continue
        text = str(w.message).split(";")[0].split(". ")[0]
        msg = f"{w.category.__name__}: {text}"
        if msg not in notes:
            notes.append(CommandNote("warning", msg))


def library_notes(results, notes):
    """Add the notes of every result to ``notes``, less those the user cannot act on."""
    for res in results.values():
        for r in res:
            for note in r.notes:
                kind = note_kind(note)
                if kind in _SILENT_NOTES or note in notes:
                    continue
                if kind is NoteKind.SHORTCUT_DISAGREES:
                    note = Note(NoteKind.SHORTCUT_DISAGREES, _ILL_CONDITIONED)
                    if note in notes:
                        continue
                notes.append(note)


def edge_notes(family, choices, names):
    """A note for each method whose lowest estimate or one-SE choice is the first or last value of the grid.

    There the grid may stop short of a better model: the note says which end and how to look past it.
    """
    values = list(family.values)
    if len(values) < 3:
        return []
    ordered = sorted(values)
    ends = {ordered[0]: "smallest", ordered[-1]: "largest"}
    notes = []
    for key, choice in choices.items():
        if choice is None:
            continue
        for what, value in (("lowest estimate", choice.best_value), ("one-SE choice", choice.value)):
            if value in ends:
                notes.append(CommandNote(
                    "edge_of_grid",
                    f"{names[key]}: the {what} is at the edge of the grid ({family.label(value)}, the {ends[value]} "
                    f"tried); a better model may lie beyond it: extend the range in --model",
                ))
                break
    return notes


def zero_se_notes(results, family, names):
    """A note for every estimate whose standard error is exactly zero: every split scored the same."""
    notes = []
    for key, res in results.items():
        # "exactly": equal split scores, up to the rounding of their mean (1e-12)
        zero = [family.label(v) for v, r in zip(family.values, res) if abs(r.standard_error) <= 1e-12]
        if zero:
            which = f" ({', '.join(zero[:5])}{', ...' if len(zero) > 5 else ''})" if family.kind.param else ""
            notes.append(CommandNote(
                "zero_standard_error",
                f"{names[key]}{which}: the standard error is exactly 0 because every split scored the same, so the "
                "interval is one point; that says the splits agree, "
                "not that the estimate is certain",
            ))
    return notes
