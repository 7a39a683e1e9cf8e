"""The transfer estimators inside scikit-learn's searches, and a nested CV of the tuned procedure."""

import numpy as np
import pytest
torch = pytest.importorskip("torch")  # the torch-only module skips on its own; the rest of the suite runs

from _transfer_nets import images, make_net
from scipy.stats import loguniform
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.pipeline import make_pipeline

from resample import KFoldCV
from resample.splitters import BootstrapSplit
from resample_torch import FineTuneClassifier, FrozenFeatures

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py: one torch and BLAS thread


def _random_search():
    X, y = images(32)
    search = RandomizedSearchCV(
        FineTuneClassifier(make_net(), max_epochs=1, random_state=0),
        {"lr_head": loguniform(1e-3, 1e-1), "weight_decay": loguniform(1e-6, 1e-2)},
        n_iter=3, cv=BootstrapSplit(2, random_state=0), scoring="neg_log_loss", random_state=0,
    )
    return search.fit(X, y)


def test_randomized_search_is_reproducible_with_a_fixed_random_state():
    a, b = _random_search(), _random_search()
    assert a.best_params_ == b.best_params_
    np.testing.assert_array_equal(a.cv_results_["mean_test_score"], b.cv_results_["mean_test_score"])
    assert all(1e-3 <= p["lr_head"] <= 1e-1 for p in a.cv_results_["params"])


def test_nested_cv_of_a_grid_search_extracts_features_once():
    # The error of the whole tuned procedure: the search is refitted inside every
    # outer fold; the frozen features in front of it are computed once for the run.
    X, y = images(45)
    net = make_net()
    tuned = make_pipeline(
        FrozenFeatures(net),
        GridSearchCV(LogisticRegression(max_iter=500), {"C": [0.1, 1.0, 10.0]}, cv=3),
    )
    outer = KFoldCV(tuned, n_splits=3, shuffle=True, random_state=0).fit(X, y)
    assert net.seen == 45
    assert 0 <= outer.estimate_ <= 1 and outer.standard_error_ >= 0
    grid = GridSearchCV(make_pipeline(FrozenFeatures(net), LogisticRegression(max_iter=500)),
                        {"logisticregression__C": [0.1, 1.0]}, cv=3).fit(X, y)
    assert grid.best_estimator_.steps[0][1].backbone is net  # clone shared it
