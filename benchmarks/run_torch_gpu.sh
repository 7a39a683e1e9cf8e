#!/usr/bin/env bash
# On a machine with CUDA: the GPU tests of resample_torch, then K = 5 blocked CV of
# the issue's model (GRU 256, embedding 64, the whole pydoc_data.topics text),
# batched against one by one. Meant to finish within 3 minutes on one H100-class GPU.
# Not yet run: no GPU machine was available to the session that wrote it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'no CUDA device: nothing to do')"
timeout 90 "$PY" -m pytest -m gpu tests/test_torch_gpu.py -q -p no:cacheprovider
timeout 150 "$PY" benchmarks/bench_torch_folds.py --device cuda --cells gru,lstm \
    --out benchmarks/results/torch_folds_gpu.md
