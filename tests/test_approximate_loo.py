"""shortcut="approximate": approximate LOOCV of penalised GLMs against independent references.

Three references, from the tightest to the loosest:

1. The algebra: the Woodbury form of one Newton step equals the same Newton step taken
   by brute force (the leave-one-out Hessian and gradient formed row by row, solved with
   a pseudo-inverse) to 1e-8.
2. The objective: Newton's method iterated to convergence on each leave-one-out
   objective (in the scaling the module assumes: ``C`` on the summed loss, ``alpha`` on
   the mean loss) reproduces scikit-learn's own refits to 1e-5, so the scaling is
   scikit-learn's.
3. The approximation: against scikit-learn's exact refits. One Newton step has an error
   of O(1/n) per row (Rad & Maleki 2020, theorem 3); measured here: the mean absolute
   difference of the per-sample loss (on 30 rows refitted exactly) shrinks at least 3-fold
   from n=50 to n=300, stays under 1e-2 (largest under 0.1) at n=300, and is under
   1e-5 under a strong penalty on every parameter (C = 1e-3, alpha = 50, no intercept;
   measured 2e-6), where the objective is almost quadratic.

The data are drawn from fixed seeds, so nothing here fails by chance.
"""

import warnings

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression, PoissonRegressor
from sklearn.metrics import brier_score_loss, log_loss, mean_poisson_deviance
from sklearn.model_selection import LeaveOneOut
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from resample import KFoldCV, LeaveOneOutCV
from resample._linalg.approximate_loo import loo_linear_predictors
from resample._model_selection.approximate import _glm_fit
from resample._utils.notes import NoteKind


# newton-cholesky converges quadratically, so the exact refits are exact to rounding
@pytest.fixture(autouse=True)
def _one_thread():
    """One BLAS/OpenMP thread: scikit-learn's GLM losses oversubscribe the 2 shared cores (6x slower)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


TIGHT = dict(solver="newton-cholesky", tol=1e-12, max_iter=1000)


def _data(kind, n, p=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    beta = np.array([1.0, -1.0, 0.5, 0.25][:p])
    if kind == "binary":
        y = (X @ beta + rng.logistic(size=n) > 0).astype(int)
    elif kind == "multinomial":
        y = np.argmax(X @ rng.normal(size=(p, 3)) + rng.gumbel(size=(n, 3)), axis=1)
    else:
        y = rng.poisson(np.exp(0.3 + 0.4 * X @ beta))
    return X, y


def _model(kind, fit_intercept=True, strength=1.0):
    if kind == "poisson":
        return PoissonRegressor(alpha=0.05 * strength, fit_intercept=fit_intercept, **TIGHT)
    return LogisticRegression(C=1.0 / strength, fit_intercept=fit_intercept, **TIGHT)


def _scoring(kind):
    return "neg_mean_poisson_deviance" if kind == "poisson" else "neg_log_loss"


CASES = [(k, b) for k in ("binary", "multinomial", "poisson") for b in (True, False)]


# ----------------------------------------------------------------------------- brute-force Newton
def _row_derivatives(fit, theta, i):
    """Gradient (K q,) and Hessian (K q, K q) of row i's loss at theta, by the GLM formulas."""
    z = fit.Z[i]
    eta = theta @ z
    if fit.family == "multinomial":
        p = softmax(eta)
        onehot = np.eye(len(p))[fit.y[i]]
        return np.kron(p - onehot, z), np.kron(np.diag(p) - np.outer(p, p), np.outer(z, z))
    mu = expit(eta[0]) if fit.family == "binomial" else np.exp(eta[0])
    w = mu * (1 - mu) if fit.family == "binomial" else mu
    return (mu - fit.y[i]) * z, w * np.outer(z, z)


def _loo_objective_step(fit, theta, i):
    """One Newton step on the leave-one-out objective of row i, from theta (pseudo-inverse)."""
    K = theta.shape[0]
    g = np.kron(np.ones(K), fit.penalty_loo) * theta.ravel()
    H = np.diag(np.kron(np.ones(K), fit.penalty_loo))
    for j in range(len(fit.Z)):
        if j != i:
            gj, Hj = _row_derivatives(fit, theta, j)
            g, H = g + gj, H + Hj
    return theta - (np.linalg.pinv(H, rcond=1e-12) @ g).reshape(theta.shape)


def _fitted(kind, fit_intercept, n=30, strength=1.0):
    X, y = _data(kind, n)
    glm = _model(kind, fit_intercept, strength).fit(X, y)
    return _glm_fit(glm, X, y)


@pytest.mark.parametrize("kind, fit_intercept", CASES)
def test_woodbury_step_equals_brute_force_newton_step(kind, fit_intercept):
    fit = _fitted(kind, fit_intercept)
    eta = loo_linear_predictors(fit)
    for i in (0, 7, 19):
        theta_i = _loo_objective_step(fit, fit.theta, i)
        expected = fit.Z[i] @ theta_i.T
        if kind == "multinomial":  # scores are defined up to a common shift
            expected, got = expected - expected.mean(), eta[i] - eta[i].mean()
        else:
            got = eta[i]
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-8)


@pytest.mark.parametrize("kind, fit_intercept", CASES)
def test_newton_to_convergence_on_the_assumed_objective_reproduces_sklearn_refits(kind, fit_intercept):
    # the penalty scaling the module assumes is scikit-learn's: iterate the same step
    # to convergence and compare with scikit-learn's own leave-one-out refit
    n = 30
    X, y = _data(kind, n)
    fit = _fitted(kind, fit_intercept, n)
    for i in (3, 11):
        theta = fit.theta
        for _ in range(30):
            theta = _loo_objective_step(fit, theta, i)
        keep = np.arange(n) != i
        refit = _model(kind, fit_intercept).fit(X[keep], y[keep])
        ours = fit.Z[i] @ theta.T
        theirs = X[i] @ np.atleast_2d(refit.coef_).T + refit.intercept_
        if kind == "multinomial":
            ours, theirs = ours - ours.mean(), theirs - theirs.mean()
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-5)


# ----------------------------------------------------------------------------- against exact refits
def _exact_values(model, X, y, rows, kind):
    """Per-sample held-out loss (scorer sign) of scikit-learn's own refits without each row."""
    out = []
    for i in rows:
        keep = np.arange(len(y)) != i
        refit = clone(model).fit(X[keep], y[keep])
        if kind == "poisson":
            out.append(-mean_poisson_deviance(y[i : i + 1], refit.predict(X[i : i + 1])))
        else:
            proba = refit.predict_proba(X[i : i + 1])[0]
            out.append(np.log(proba[list(refit.classes_).index(y[i])]))
    return np.array(out)


def _both(kind, n, fit_intercept=True, strength=1.0, n_rows=30):
    """The approximate run and ``|approximate - exact|`` on ``n_rows`` evenly spaced rows."""
    X, y = _data(kind, n)
    model = _model(kind, fit_intercept, strength)
    approx = LeaveOneOutCV(model, scoring=_scoring(kind), shortcut="approximate", random_state=0).fit(X, y)
    rows = np.linspace(0, n - 1, n_rows).astype(int)
    return approx, np.abs(approx.result_.sample_values[rows] - _exact_values(model, X, y, rows, kind))


@pytest.mark.parametrize("kind, fit_intercept", CASES)
def test_approximation_error_shrinks_with_n(kind, fit_intercept):
    _, small = _both(kind, 50, fit_intercept)
    approx, large = _both(kind, 300, fit_intercept)
    assert approx.result_.computation == "approximate"
    assert large.mean() < small.mean() / 3
    assert large.mean() < 1e-2
    assert large.max() < 0.1


@pytest.mark.parametrize("kind", ["binary", "multinomial", "poisson"])
def test_approximation_is_tight_under_a_strong_penalty(kind):
    # every parameter penalised: the objective is almost quadratic and the step almost exact
    _, diff = _both(kind, 60, False, strength=1e3, n_rows=10)
    assert diff.max() < 1e-5
    # an unpenalised intercept still moves by O(1/n) per row (it absorbs the class
    # frequencies or the mean count), so there the error stays O(1/n^2), not ~0
    _, diff = _both(kind, 60, True, strength=1e3, n_rows=10)
    assert diff.max() < 1e-2


def test_estimate_and_interval_follow_the_per_sample_values():
    approx, _ = _both("binary", 200)
    values = approx.result_.sample_values
    assert approx.estimate_ == pytest.approx(values.mean())
    assert approx.standard_error_ == pytest.approx(values.std(ddof=1) / np.sqrt(len(values)))


# ----------------------------------------------------------------------------- metrics
def _approx(model, X, y, scoring, **kw):
    return LeaveOneOutCV(model, scoring=scoring, shortcut="approximate", random_state=0, **kw).fit(X, y)


@pytest.mark.parametrize("kind", ["binary", "multinomial"])
def test_classifier_metrics_agree_with_sklearn_on_the_held_out_probabilities(kind):
    X, y = _data(kind, 80)
    model = _model(kind)
    ll = _approx(model, X, y, "neg_log_loss")
    proba = ll.result_.predictions
    assert ll.estimate_ == pytest.approx(-log_loss(y, proba, labels=np.unique(y)), rel=1e-12)
    acc = _approx(model, X, y, "accuracy")
    assert acc.estimate_ == pytest.approx(np.mean(np.unique(y)[proba.argmax(axis=1)] == y))
    np.testing.assert_array_equal(acc.result_.predictions, np.unique(y)[proba.argmax(axis=1)])
    brier = _approx(model, X, y, "neg_brier_score")
    reference = brier_score_loss(y, proba[:, 1] if kind == "binary" else proba, labels=np.unique(y))
    assert brier.estimate_ == pytest.approx(-reference, rel=1e-12)


def test_poisson_metrics_agree_with_sklearn_on_the_held_out_means():
    X, y = _data("poisson", 80)
    dev = _approx(_model("poisson"), X, y, "neg_mean_poisson_deviance")
    mu = dev.result_.predictions
    assert dev.estimate_ == pytest.approx(-mean_poisson_deviance(y, mu), rel=1e-12)
    mse = _approx(_model("poisson"), X, y, "neg_mean_squared_error")
    assert mse.estimate_ == pytest.approx(-np.mean((y - mu) ** 2), rel=1e-12)
    mae = _approx(_model("poisson"), X, y, "neg_mean_absolute_error")
    assert mae.estimate_ == pytest.approx(-np.mean(np.abs(y - mu)), rel=1e-12)


def test_scoring_none_of_a_classifier_is_accuracy():
    X, y = _data("binary", 60)
    cv = _approx(_model("binary"), X, y, None)
    assert set(np.unique(cv.result_.sample_values)) <= {0.0, 1.0}


# ----------------------------------------------------------------------------- the check by refits
def test_check_reports_refits_on_random_rows_seeded_by_random_state():
    X, y = _data("binary", 60)
    a = _approx(_model("binary"), X, y, "neg_log_loss")
    b = _approx(_model("binary"), X, y, "neg_log_loss")
    (note,) = [n for n in a.result_.notes if n.kind is NoteKind.APPROXIMATE]
    assert "20 random rows" in note and "at most" in note
    rows = np.arange(60)
    diff = np.abs(_exact_values(_model("binary"), X, y, rows, "binary") - a.result_.sample_values)
    # the note's figures are those of 20 of these rows: at most the largest difference of all
    largest = float(note.split("at most ")[1].split(" ")[0])
    assert 0 < largest <= diff.max() * 1.01
    assert str(a.result_.notes) == str(b.result_.notes)


def test_pipeline_with_a_scaler_fitted_once_on_all_rows():
    X, y = _data("binary", 150)
    X = X * [1.0, 100.0, 0.01] + 5.0
    model = make_pipeline(StandardScaler(), LogisticRegression(**TIGHT))
    cv = _approx(model, X, y, "neg_log_loss")
    rows = np.arange(0, 150, 5)
    exact = _exact_values(model, X, y, rows, "binary")
    assert np.abs(cv.result_.sample_values[rows] - exact).mean() < 1e-2
    assert any("fitted once on all rows" in n for n in cv.result_.notes)
    assert cv.predict(X[:3]).shape == (3,)  # estimator_ is the pipeline fitted on all rows


def test_kfold_with_leave_one_out_splits():
    X, y = _data("multinomial", 60)
    cv = KFoldCV(_model("multinomial"), cv=LeaveOneOut(), scoring="neg_log_loss", shortcut="approximate").fit(X, y)
    loo = _approx(_model("multinomial"), X, y, "neg_log_loss")
    assert cv.result_.computation == "approximate"
    assert cv.estimate_ == pytest.approx(loo.estimate_, rel=1e-12)
    assert np.isnan(cv.estimate_adjusted_)


def test_auto_stays_exact_and_the_caller_estimator_is_not_fitted():
    X, y = _data("binary", 30)
    model = _model("binary")
    assert LeaveOneOutCV(model, scoring="neg_log_loss").fit(X, y).result_.computation == "refits"
    _approx(model, X, y, "neg_log_loss")
    assert not hasattr(model, "coef_")


def test_dataframe_input_with_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = _data("poisson", 50)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    cv = _approx(_model("poisson"), frame, pd.Series(y), "neg_mean_poisson_deviance")
    plain = _approx(_model("poisson"), X, y, "neg_mean_poisson_deviance")
    assert cv.estimate_ == pytest.approx(plain.estimate_, rel=1e-10)
    assert list(cv.estimator_.feature_names_in_) == ["a", "b", "c"]


# ----------------------------------------------------------------------------- bad input, before any fit
@pytest.fixture
def no_fits(monkeypatch):
    def refuse(self, X, y=None, sample_weight=None):
        raise AssertionError("fit called before the input was refused")

    for cls in (LogisticRegression, PoissonRegressor, LinearRegression):
        monkeypatch.setattr(cls, "fit", refuse)


@pytest.mark.parametrize(
    "make, scoring, what",
    [
        (lambda: LinearRegression(), "neg_mean_squared_error", "got LinearRegression"),
        (lambda: LogisticRegression(solver="liblinear"), "neg_log_loss", "solver='liblinear'"),
        (lambda: LogisticRegression(l1_ratio=1.0, solver="saga"), "neg_log_loss", "l1_ratio=1.0"),
        (lambda: LogisticRegression(class_weight="balanced"), "neg_log_loss", "class_weight"),
        (lambda: LogisticRegression(), "roc_auc", "scorer roc_auc_score"),
        (lambda: PoissonRegressor(), None, "PoissonRegressor.score (not a per-sample metric)"),  # D^2
        (lambda: PoissonRegressor(), "r2", "scorer r2_score"),
        (lambda: make_pipeline(LinearRegression(), PoissonRegressor()), "neg_mean_poisson_deviance",
         "Pipeline step LinearRegression"),
    ],
)
def test_unsupported_input_fails_before_any_fit_naming_what_is_supported(no_fits, make, scoring, what):
    X, y = _data("poisson", 20)
    y = np.minimum(y, 1) if "Logistic" in repr(make()) else y
    with pytest.raises(ValueError) as info:
        LeaveOneOutCV(make(), scoring=scoring, shortcut="approximate").fit(X, y)
    message = str(info.value)
    assert what in message
    assert "LogisticRegression" in message and "PoissonRegressor" in message and "shortcut='auto'" in message


def test_splits_that_are_not_leave_one_out_are_refused(no_fits):
    X, y = _data("binary", 20)
    with pytest.raises(ValueError, match="not leave-one-out"):
        KFoldCV(LogisticRegression(), n_splits=5, scoring="neg_log_loss", shortcut="approximate").fit(X, y)


def test_fit_parameters_and_single_row_classes_are_refused(no_fits):
    X, y = _data("binary", 20)
    with pytest.raises(ValueError, match="fit parameters"):
        LeaveOneOutCV(LogisticRegression(), scoring="neg_log_loss", shortcut="approximate").fit(
            X, y, sample_weight=np.ones(20))
    y = y.copy()
    y[0] = 7
    with pytest.raises(ValueError, match="class 7 has a single row"):
        LeaveOneOutCV(LogisticRegression(), scoring="neg_log_loss", shortcut="approximate").fit(X, y)


def test_unknown_shortcut_value_names_approximate():
    X, y = _data("binary", 20)
    with pytest.raises(Exception, match="approximate"):
        LeaveOneOutCV(LogisticRegression(), shortcut="approx").fit(X, y)


def test_singular_unpenalised_design_says_what_to_do():
    X, y = _data("binary", 40)
    X = np.column_stack([X, X[:, 0]])  # a duplicated column, no penalty
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(C=np.inf)
        with pytest.raises(ValueError, match="singular"):
            LeaveOneOutCV(model, scoring="neg_log_loss", shortcut="approximate").fit(X, y)
