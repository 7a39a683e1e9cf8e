"""The ISLR chapter 5 walk-through on the bundled Auto data (the package's main job).

Prints the validation-set, LOOCV and 10-fold estimates of the test MSE of
``mpg ~ poly(horsepower, d)`` for d = 1..10 (ISLR Figures 5.2 and 5.4).
"""

import warnings

from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

from ._cv import KFoldCV, LeaveOneOutCV, ValidationSetCV
from .datasets import load_auto
from .exceptions import ShortcutWarning

__all__ = ["islr_chapter5_table", "main"]


def islr_chapter5_table(degrees=range(1, 11), random_state=1):
    """Validation set, LOOCV and 10-fold CV estimates of the test MSE, one row per degree.

    Examples
    --------
    >>> table = islr_chapter5_table(degrees=[1, 2])
    >>> table["loocv_mse"].round(2).tolist()
    [24.23, 19.25]
    """
    import pandas as pd

    auto = load_auto()
    X, y = auto[["horsepower"]], auto["mpg"]
    rows = []
    for d in degrees:
        model = make_pipeline(PolynomialFeatures(d), LinearRegression())
        common = dict(scoring="neg_mean_squared_error", refit=False)
        with warnings.catch_warnings():
            # raw powers of horsepower are ill-conditioned: the closed form reports exact
            # least squares (the book's numbers) and warns that LinearRegression differs
            warnings.simplefilter("ignore", ShortcutWarning)
            val = ValidationSetCV(model, test_size=0.5, n_repeats=10, random_state=random_state, **common).fit(X, y)
            loo = LeaveOneOutCV(model, **common).fit(X, y)
            kf = KFoldCV(model, n_splits=10, shuffle=True, random_state=random_state, **common).fit(X, y)
        rows.append(
            {
                "degree": d,
                "validation_mse": -val.estimate_,
                "validation_se": val.standard_error_,
                "loocv_mse": -loo.estimate_,
                "loocv_se": loo.standard_error_,
                "kfold10_mse": -kf.estimate_,
                "kfold10_se": kf.standard_error_,
            }
        )
    return pd.DataFrame(rows).set_index("degree")


def main(argv=None):
    """Print the chapter 5 table."""
    import pandas as pd

    table = islr_chapter5_table()
    with pd.option_context("display.float_format", "{:.2f}".format, "display.width", 120):
        print("Test MSE of mpg ~ poly(horsepower, d) on ISLR's Auto data (392 cars)")
        print("validation set: 10 random halves, averaged; LOOCV: exact (no refits); 10-fold: one shuffle\n")
        print(table.to_string())
        print("\nISLR's LOOCV figures for d = 1..5: 24.23, 19.25, 19.33, 19.42, 19.03")
    return 0
