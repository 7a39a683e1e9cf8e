"""Where the rows of a torch estimator come from: arrays on the device, or a Dataset.

Arrays (any number of dimensions: tables, images ``(n, C, H, W)``, sequences) are
moved to the device once and indexed there by a shuffled permutation, as a plain
torch loop does (``benchmarks/bench_torch_loop.py``: a DataLoader over in-memory
tensors costs several times more per epoch). A :class:`torch.utils.data.Dataset`,
for data that does not fit in memory, is read through a
:class:`~torch.utils.data.DataLoader` with the estimator's ``num_workers``; each
batch carries the row indices, so the targets (encoded once, as for arrays) are
looked up by index and a Dataset may return ``x`` or ``(x, target)``.
"""

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

__all__ = ["LoaderBatches", "TensorBatches", "batches_for", "dataset_targets", "first_input", "is_dataset"]


def is_dataset(X):
    """Whether ``X`` is a map-style torch Dataset (not an array)."""
    return isinstance(X, Dataset)


def _input_of(item):
    return item[0] if isinstance(item, (tuple, list)) else item


def first_input(dataset):
    """The first input of ``dataset`` as a float32 tensor (to size the module)."""
    if len(dataset) == 0:
        raise ValueError("X is an empty Dataset (len(X) == 0); there is nothing to train on.")
    return torch.as_tensor(np.asarray(_input_of(dataset[0])), dtype=torch.float32)


def dataset_targets(dataset, y):
    """The targets of ``dataset``: ``y`` if given, else ``dataset.targets``, else one pass over the items.

    The pass reads every item once (inputs included); give ``y`` or a ``targets``
    attribute (as torchvision's datasets have) to avoid it.
    """
    if y is not None:
        y = np.asarray(y)
    elif hasattr(dataset, "targets"):
        y = np.asarray(dataset.targets)
    else:
        items = [dataset[i] for i in range(len(dataset))]
        if not all(isinstance(item, (tuple, list)) and len(item) >= 2 for item in items[:1]):
            raise ValueError(
                "X is a Dataset whose items are not (input, target) pairs and y is None; pass the targets "
                "as y, or give the Dataset a `targets` attribute."
            )
        y = np.asarray([np.asarray(item[1]) for item in items])
    if len(y) != len(dataset):
        raise ValueError(f"y has {len(y)} targets but the Dataset X has {len(dataset)} items; they must match.")
    return y


class _Indexed(Dataset):
    """Items ``(input, position)`` of ``dataset`` restricted to ``indices`` (module level: workers pickle it)."""

    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, indices

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, i):
        return torch.as_tensor(np.asarray(_input_of(self.dataset[int(self.indices[i])]))), i


class TensorBatches:
    """Minibatches of rows already on the device; one permutation per epoch from torch's global generator."""

    def __init__(self, X, y, batch_size, shuffle):
        self.X, self.y, self.batch_size, self.shuffle = X, y, batch_size, shuffle
        self.n = X.shape[0]

    def __iter__(self):
        n, bs = self.n, self.batch_size
        order = torch.randperm(n, device=self.X.device) if self.shuffle else None
        for start in range(0, n, bs):
            if order is None:
                yield self.X[start : start + bs], self.y[start : start + bs]
            else:
                idx = order[start : start + bs]
                yield self.X[idx], self.y[idx]


class LoaderBatches:
    """Minibatches read from a Dataset by a DataLoader; targets looked up by row index on the device."""

    def __init__(self, dataset, indices, y, batch_size, shuffle, num_workers, seed, device):
        self.n = len(indices)
        self.y, self.device = y, device
        generator = torch.Generator().manual_seed(seed)  # the order of the rows and the workers' seeds
        self.loader = DataLoader(
            _Indexed(dataset, np.asarray(indices)), batch_size=batch_size, shuffle=shuffle,
            num_workers=num_workers, generator=generator, pin_memory=device.type == "cuda",
        )

    def __iter__(self):
        for xb, pos in self.loader:
            xb = xb.to(self.device, dtype=torch.float32, non_blocking=True)
            yield xb, None if self.y is None else self.y[pos.to(self.device, non_blocking=True)]


def batches_for(X, y, indices, *, batch_size, shuffle, num_workers, seed, device):
    """The batches of rows ``indices`` of ``X`` (array or Dataset) with targets ``y`` (a device tensor).

    ``indices`` None means every row. Arrays are moved to the device once; ``y``
    is indexed here for arrays and by position for a Dataset.
    """
    if is_dataset(X):
        indices = np.arange(len(X)) if indices is None else np.asarray(indices)
        y_rows = y if y is None else y[torch.as_tensor(indices, device=y.device)]
        return LoaderBatches(X, indices, y_rows, batch_size, shuffle, num_workers, seed, device)
    rows = X if indices is None else X[indices]
    Xt = torch.as_tensor(rows, device=device)
    yt = y if indices is None else y[torch.as_tensor(indices, device=y.device)]
    return TensorBatches(Xt, yt, batch_size, shuffle)
