"""Small real data sets bundled with the package (ISLR chapter 5).

The CSV files and their provenance note (``data/README.md``) and licence
(``data/LICENSE-ISLP.txt``) come from the ISLP package's data sets, under a
3-clause BSD licence.
"""

from importlib import resources

import pandas as pd

__all__ = ["load_auto", "load_portfolio", "load_default", "data_path"]


def data_path(name):
    """Path of a bundled file, e.g. ``data_path("Auto.csv")``."""
    return resources.files(__name__).joinpath("data", name)


def _read(name):
    with resources.as_file(data_path(name)) as path:
        return pd.read_csv(path)


def load_auto():
    """ISLR's Auto data: 392 cars, gas mileage and horsepower among 9 columns.

    Examples
    --------
    >>> auto = load_auto()
    >>> auto.shape
    (392, 9)
    >>> float(auto["mpg"].mean().round(2))
    23.45
    """
    return _read("Auto.csv")


def load_portfolio():
    """ISLR's Portfolio data: 100 simulated returns of two assets, X and Y.

    Examples
    --------
    >>> load_portfolio().shape
    (100, 2)
    """
    return _read("Portfolio.csv")


def load_default():
    """ISLR's Default data: 10,000 simulated credit-card records.

    ``default`` and ``student`` are "Yes"/"No" strings as in the book.

    Examples
    --------
    >>> d = load_default()
    >>> d.shape, int((d["default"] == "Yes").sum())
    ((10000, 4), 333)
    """
    return _read("Default.csv")
