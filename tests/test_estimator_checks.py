"""scikit-learn's own estimator checks over every CV estimator of the core."""

from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures
from sklearn.utils.estimator_checks import parametrize_with_checks

from resample import KFoldCV, LeaveOneOutCV, ValidationSetCV

ESTIMATORS = [
    KFoldCV(LinearRegression(), n_splits=3),
    KFoldCV(LogisticRegression(), n_splits=3),
    KFoldCV(make_pipeline(PolynomialFeatures(2), Ridge()), n_splits=3),
    ValidationSetCV(LogisticRegression(), test_size=0.3),
    ValidationSetCV(Ridge(), n_repeats=2, random_state=0),
    LeaveOneOutCV(Ridge()),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
