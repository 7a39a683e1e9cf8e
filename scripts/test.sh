#!/usr/bin/env bash
# Set up from nothing and run the whole test suite (CI calls exactly this).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch first and pinned: 2.13.0 is a CPU build that lies on these machines, while an
# unpinned torch (also one pulled in by an extra) downloads a CUDA build of several GB.
.venv/bin/python -m pip install -q "torch==2.13.0"
.venv/bin/python -m pip install -q -e ".[tests,torch]"
exec .venv/bin/python -m pytest "$@"
