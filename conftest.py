"""What the suite collects on a machine without torch.

The plugin's doctests (``--doctest-modules`` over ``resample_torch``) and the helper
module of the transfer tests import torch at the top; without torch they are left
out here, and every torch test module skips on its own (``pytest.importorskip``), so
the core's and the command's tests still run.
"""

import importlib.util

collect_ignore_glob = []
if importlib.util.find_spec("torch") is None:
    collect_ignore_glob = ["resample_torch/*.py", "resample_torch/*/*.py", "tests/_transfer_nets.py"]
