#!/usr/bin/env bash
# Set up from nothing and run the main job: ISLR chapter 5 on the bundled Auto data.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# the plot extra (matplotlib): the README runs this script with --report DIR, whose figures need it
.venv/bin/python -m pip install -q -e ".[plot]"
exec .venv/bin/python -m resample "$@"
