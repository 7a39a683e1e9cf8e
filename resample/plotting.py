"""Plots of resampling results (needs matplotlib: ``pip install 'resample-ml[plot]'``).

Result objects draw themselves (``CVResult.plot()``, ``OneStandardErrorChoice.plot()``,
``BootstrapResult.plot()``); these functions draw several results on one axes and
take the same keywords.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from resample.plotting import plot_family, plot_cv_result, plot_bootstrap
"""

from resample._plotting import as_error, plot_bootstrap, plot_cv_result, plot_family

__all__ = ["plot_family", "plot_cv_result", "plot_bootstrap", "as_error"]
