"""resample: how well will a model do on data it has not seen, and how sure to be.

The four classic resampling methods of "An Introduction to Statistical Learning",
chapter 5 (validation set, leave-one-out and k-fold cross-validation, the
bootstrap) as scikit-learn meta-estimators and SciPy-style functions.
"""

from resample._model_selection.results import ConfidenceInterval, CVResult
from resample._model_selection.cv import KFoldCV, LeaveOneOutCV, ValidationSetCV
from resample._model_selection.compare import ComparisonResult, compare
from resample._model_selection.nested import NestedCVResult
from resample._bootstrapping.bootstrap import BootstrapResult, bootstrap
from resample._bootstrapping.block_length import BlockLength, optimal_block_length
from resample._bootstrapping.permutation import PermutationTestResult, permutation_test
from resample._model_selection.permutation import CVPermutationResult, cv_permutation_test
from resample._bootstrapping.jackknife import JackknifeResult, jackknife
from resample._bootstrapping.order_statistics import OrderStatistic, Quantile
from resample._bootstrapping.poisson import poisson_bootstrap
from resample._bootstrapping.blb import BLBResult, bag_of_little_bootstraps
from resample._bootstrapping.estimator import BootstrapEstimator
from resample._model_selection.bootstrap_cv import BootstrapCV
from resample._model_selection.selection import OneStandardErrorChoice, one_standard_error_rule, select_one_standard_error

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
    "poisson_bootstrap",
    "optimal_block_length",
    "permutation_test",
    "PermutationTestResult",
    "cv_permutation_test",
    "CVPermutationResult",
    "BlockLength",
    "bag_of_little_bootstraps",
    "BLBResult",
    "jackknife",
    "JackknifeResult",
    "Quantile",
    "OrderStatistic",
    "BootstrapEstimator",
    "BootstrapCV",
    "select_one_standard_error",
    "one_standard_error_rule",
    "OneStandardErrorChoice",
]
