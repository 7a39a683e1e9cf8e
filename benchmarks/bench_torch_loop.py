"""The cost of our training loop: TorchClassifier vs a plain torch loop vs skorch.

The same MLP, data, optimizer (Adam), batch size and number of epochs, on the
CPU. The plain loop is the one every torch tutorial writes (tensors moved once,
a shuffled permutation per epoch, forward, loss, backward, step); ours adds input
validation, seeding inside ``fork_rng`` and moving the weights back to the CPU.
skorch (when installed) runs with ``train_split=None`` (no internal validation
split) and its default callbacks. Each timing is the best of ``--repeats``
interleaved runs (the machine is shared).

    python benchmarks/bench_torch_loop.py [--out results.md]
"""

import argparse
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
from _timing import write_table  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402

from resample_torch import MLP, TorchClassifier  # noqa: E402


def plain_loop(X, y, *, hidden, epochs, batch_size, lr, seed):
    """What one writes by hand."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = MLP(X.shape[1], int(y.max()) + 1, hidden_sizes=hidden)
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        loss_fn = torch.nn.CrossEntropyLoss()
        Xt, yt = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y, dtype=torch.long)
        n = len(Xt)
        for _ in range(epochs):
            order = torch.randperm(n)
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(Xt[idx]), yt[idx])
                loss.backward()
                opt.step()
    return model


def ours(X, y, *, hidden, epochs, batch_size, lr, seed):
    return TorchClassifier(module_params={"hidden_sizes": hidden}, lr=lr, max_epochs=epochs, batch_size=batch_size,
                           device="cpu", random_state=seed).fit(X, y)


def skorch_net(X, y, *, hidden, epochs, batch_size, lr, seed):
    import skorch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = skorch.NeuralNetClassifier(
            MLP, module__n_features_in=X.shape[1], module__n_outputs=int(y.max()) + 1, module__hidden_sizes=hidden,
            criterion=torch.nn.CrossEntropyLoss, optimizer=torch.optim.Adam, lr=lr, max_epochs=epochs,
            batch_size=batch_size, train_split=None, verbose=0, iterator_train__shuffle=True,
        )
        return net.fit(X.astype(np.float32), y.astype(np.int64))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--features", type=int, default=20)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    X, y = make_classification(args.n, args.features, n_informative=10, random_state=0)
    X = X.astype(np.float32)
    kw = dict(hidden=(args.hidden,), epochs=args.epochs, batch_size=args.batch_size, lr=1e-3, seed=0)
    runners = {"plain torch loop": plain_loop, "resample_torch.TorchClassifier": ours}
    try:
        import skorch

        runners[f"skorch {skorch.__version__} NeuralNetClassifier"] = skorch_net
    except ImportError:
        pass
    for fn in runners.values():  # warm-up
        fn(X[:512], y[:512], **{**kw, "epochs": 1})
    times = {name: [] for name in runners}
    for _ in range(args.repeats):
        for name, fn in runners.items():
            t0 = time.perf_counter()
            fn(X, y, **kw)
            times[name].append(time.perf_counter() - t0)
    base = min(times["plain torch loop"])
    lines = [
        "# Training-loop overhead: the same MLP fitted three ways",
        "",
        f"CPU ({platform.machine()}, {torch.get_num_threads()} torch threads), torch {torch.__version__}; "
        f"{args.n:,} rows x {args.features} features, MLP hidden {args.hidden}, Adam, batch {args.batch_size}, "
        f"{args.epochs} epochs ({args.epochs * -(-args.n // args.batch_size)} steps); best of {args.repeats} "
        "interleaved runs, median in brackets.",
        "",
        "| loop | time (s) | ratio to the plain loop |",
        "|---|---|---|",
    ]
    for name, ts in times.items():
        lines.append(f"| {name} | {min(ts):.3f} ({np.median(ts):.3f}) | {min(ts) / base:.2f}x |")
    table = "\n".join(lines)
    write_table(table, args.out)


if __name__ == "__main__":
    main()
