"""Notes and warnings carry a machine-readable kind (issue 11): select them by kind, not text."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

from resample import BootstrapCV, KFoldCV, LeaveOneOutCV
from resample.datasets import load_auto
from resample.exceptions import Note, NoteKind, ResampleWarning, ShortcutWarning


@pytest.fixture(scope="module")
def auto():
    data = load_auto()
    return data[["horsepower"]], data["mpg"]


def test_every_note_of_a_cv_result_has_a_kind(auto):
    X, y = auto
    cv = KFoldCV(make_pipeline(PolynomialFeatures(2), LinearRegression()), n_splits=5,
                 scoring="r2", random_state=0).fit(X, y)
    kinds = [note.kind for note in cv.result_.notes]
    assert NoteKind.STATELESS_PREFIX in kinds
    assert NoteKind.NO_ADJUSTMENT in kinds  # r2 is not a mean over samples
    assert all(isinstance(note, Note) for note in cv.result_.notes)


def test_shortcut_disagreement_is_found_by_kind_in_notes_and_warnings(auto):
    # raw cubic powers of horsepower: LinearRegression's own solver loses a direction
    X, y = auto
    with pytest.warns(ShortcutWarning) as record:
        cv = LeaveOneOutCV(make_pipeline(PolynomialFeatures(3), LinearRegression()),
                           scoring="neg_mean_squared_error").fit(X, y)
    assert [w.message.kind for w in record if isinstance(w.message, ShortcutWarning)] == [
        NoteKind.SHORTCUT_DISAGREES
    ]
    assert [n.kind for n in cv.result_.notes].count(NoteKind.SHORTCUT_DISAGREES) == 1


def test_failed_splits_note_and_warning_share_a_kind():
    class FailsOnLargeTrain(LinearRegression):
        def fit(self, X, y):
            if len(X) > 30:
                raise ValueError("too many rows")
            return super().fit(X, y)

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 2)), rng.normal(size=40)
    splits = [(np.arange(10), np.arange(10, 40)), (np.arange(35), np.arange(35, 40))]
    with pytest.warns(ResampleWarning) as record:
        cv = KFoldCV(FailsOnLargeTrain(), cv=splits, error_score=np.nan, refit=False,
                     scoring="neg_mean_squared_error").fit(X, y)
    assert NoteKind.FAILED_SPLITS in {w.message.kind for w in record}
    assert NoteKind.FAILED_SPLITS in {n.kind for n in cv.result_.notes}


def test_bootstrap_cv_method_note(auto):
    X, y = auto
    cv = BootstrapCV(LinearRegression(), n_resamples=5, scoring="neg_mean_squared_error", random_state=0).fit(X, y)
    assert [n for n in cv.result_.notes if n.kind is NoteKind.METHOD] == [
        "bootstrap .632+ estimate from 5 resamples"
    ]


def test_notes_and_warnings_pickle_with_their_kind():
    note = Note(NoteKind.NESTED, "text")
    again = pickle.loads(pickle.dumps(note))
    assert again == "text" and again.kind is NoteKind.NESTED
    w = pickle.loads(pickle.dumps(ShortcutWarning("x", kind=NoteKind.SHORTCUT_DISAGREES)))
    assert w.kind is NoteKind.SHORTCUT_DISAGREES and str(w) == "x"


def test_a_plain_warning_of_the_package_has_its_class_default_kind():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("plain", ShortcutWarning)
    assert caught[0].message.kind is NoteKind.SHORTCUT_DISAGREES
    assert ResampleWarning("x").kind is NoteKind.INFO
