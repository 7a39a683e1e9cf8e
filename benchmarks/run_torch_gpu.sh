#!/usr/bin/env bash
# On a machine with CUDA: the GPU tests of resample_torch, then the GPU figures of
# issue 16 that no session has measured yet:
#   1. K = 5 blocked CV of the issue's model (GRU 256, embedding 64, the whole
#      pydoc_data.topics text), batched against one by one -> torch_folds_gpu.md
#   2. the fold-batching rule grid (cells x hidden sizes) on CUDA -> torch_folds_gpu_rule.md
#   3. the stacked cells, autograd against the old hand-written backward -> torch_fused_gpu.md
# Meant to finish within about 8 minutes on one H100-class GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'no CUDA device: nothing to do')"
timeout 90 "$PY" -m pytest -m gpu tests/test_torch_gpu.py -q -p no:cacheprovider
timeout 150 "$PY" benchmarks/bench_torch_folds.py --device cuda --cells gru,lstm \
    --out benchmarks/results/torch_folds_gpu.md
timeout 150 "$PY" benchmarks/bench_torch_folds.py --device cuda --preset cpu --cells gru,lstm,rnn \
    --hidden-sizes 24,64,128,256 --out benchmarks/results/torch_folds_gpu_rule.md
timeout 120 "$PY" benchmarks/bench_torch_fused.py --device cuda --out benchmarks/results/torch_fused_gpu.md
