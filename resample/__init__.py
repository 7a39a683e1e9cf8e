"""resample: how well will a model do on data it has not seen, and how sure to be.

The four classic resampling methods of "An Introduction to Statistical Learning",
chapter 5 (validation set, leave-one-out and k-fold cross-validation, the
bootstrap) as scikit-learn meta-estimators and SciPy-style functions.
"""

from ._results import ConfidenceInterval, CVResult
from ._cv import KFoldCV, LeaveOneOutCV, ValidationSetCV
from ._compare import ComparisonResult, compare
from ._nested import NestedCVResult
from ._bootstrap import BootstrapResult, bootstrap
from ._jackknife import JackknifeResult, jackknife
from ._bootstrap_estimator import BootstrapEstimator
from ._bootstrap_cv import BootstrapCV
from ._selection import OneStandardErrorChoice, one_standard_error_rule, select_one_standard_error

__version__ = "0.1.0.dev0"

__all__ = [
    "ValidationSetCV",
    "LeaveOneOutCV",
    "KFoldCV",
    "compare",
    "ComparisonResult",
    "NestedCVResult",
    "CVResult",
    "ConfidenceInterval",
    "bootstrap",
    "BootstrapResult",
    "jackknife",
    "JackknifeResult",
    "BootstrapEstimator",
    "BootstrapCV",
    "select_one_standard_error",
    "one_standard_error_rule",
    "OneStandardErrorChoice",
]
