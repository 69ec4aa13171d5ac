#!/usr/bin/env bash
# Create .venv/ and install the verified OpenMMLab stack plus mmadmd.
#
# Usage: bash tools/setup_env.sh            (what `make install` runs)
# Environment:
#   PYTHON       interpreter for the venv (default: python3; 3.11 verified)
#   VENV         venv folder (default: .venv)
#   CONSTRAINTS  the exact versions to install (default:
#                requirements/constraints.txt, the verified stack;
#                `make install STACK=min` gives constraints-min.txt, the
#                lower bounds of requirements/runtime.txt)
#   WHEEL_CACHE  where the built mmcv wheel is kept and reused
#                (default: ~/.cache/mmadmd/wheels)
#   MAX_JOBS     parallel compile jobs for mmcv (default: number of cores)
#
# Order matters (see docs/installation.md): torch first, then mmcv's build
# requirements, then mmcv built from source with its ops (cached as a wheel
# keyed by Python and torch version), then mmdet/mmrotate/mmrazor, then
# mmadmd in editable mode, then optional tools (openmim without its
# dependency openxlab, which would downgrade setuptools). Every step installs
# with `-c $CONSTRAINTS`: the package metadata states ranges, the
# constraints file the versions.
set -euo pipefail

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
WHEEL_CACHE=${WHEEL_CACHE:-$HOME/.cache/mmadmd/wheels}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CONSTRAINTS=${CONSTRAINTS:-requirements/constraints.txt}
CONSTRAINTS=$(cd "$(dirname "$CONSTRAINTS")" && pwd)/$(basename "$CONSTRAINTS")

# The version pinned in $CONSTRAINTS for $1 ('==' or '===').
pin() { sed -n "s/^$1 *===*\([^ #]*\).*/\1/p" "$CONSTRAINTS" | head -n 1; }

say() { printf '\033[1m[mmadmd setup]\033[0m %s\n' "$*"; }
die() {
  printf '\n\033[1;31m[mmadmd setup] ERROR:\033[0m %s\n' "$1" >&2
  shift
  for line in "$@"; do printf '    %s\n' "$line" >&2; done
  exit 1
}

# --- interpreter -----------------------------------------------------------
command -v "$PYTHON" >/dev/null 2>&1 ||
  die "no Python interpreter '$PYTHON'." \
      "Install Python 3.11 or run: make install PYTHON=/path/to/python3.11"
PYVER=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
case "$PYVER" in
  3.11) ;;
  3.8|3.9|3.10) say "Python $PYVER: not the verified 3.11, trying anyway." ;;
  *) die "Python $PYVER is not supported by this stack (torch 2.13 wheels," \
         "mmcv 2.1.0 sources): use Python 3.11, e.g. make install PYTHON=python3.11" ;;
esac
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null ||
  die "Python $PYVER has no venv/ensurepip module." \
      "On Debian/Ubuntu: apt-get install python$PYVER-venv"

[ -f "$CONSTRAINTS" ] || die "no constraints file $CONSTRAINTS." \
  "Use requirements/constraints.txt (the default) or constraints-min.txt."
TORCH_VERSION=$(pin torch)
TORCHVISION_VERSION=$(pin torchvision)
MMCV_VERSION=$(pin mmcv)
[ -n "$TORCH_VERSION" ] && [ -n "$TORCHVISION_VERSION" ] && [ -n "$MMCV_VERSION" ] ||
  die "$CONSTRAINTS must pin torch, torchvision and mmcv (name==version)."
TORCH_SPEC="torch===$TORCH_VERSION"     # '===': the CUDA build; see README
TORCHVISION_SPEC="torchvision==$TORCHVISION_VERSION"

if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV with $PYTHON ($PYVER)"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
fi
PY="$ROOT/$VENV/bin/python"
PIP=("$PY" -m pip install --disable-pip-version-check -c "$CONSTRAINTS")

# --- stage 1: torch ----------------------------------------------------------
say "1/5 torch and torchvision ($TORCH_SPEC, $TORCHVISION_SPEC)"
if ! "$PY" -c 'import torch, torchvision' >/dev/null 2>&1 ||
   [ "$("$PY" -c 'import torch; print(torch.__version__.split("+")[0])')" != "$TORCH_VERSION" ]; then
  "${PIP[@]}" "$TORCH_SPEC" "$TORCHVISION_SPEC" ||
    die "pip could not install $TORCH_SPEC $TORCHVISION_SPEC." \
        "Check the package index is reachable (pip config list)."
fi
"$PY" - <<'PYCHECK' || die "torch/torchvision in $VENV do not work together (see above)." \
  "This happens with the CPU-only 'torch 2.13.0+cpu' file: torchvision fails with" \
  "'operator torchvision::nms does not exist'. Fix: $VENV/bin/pip install --force-reinstall" \
  "'$TORCH_SPEC' '$TORCHVISION_SPEC' (three '=' picks the build torchvision matches)."
import torch, torchvision
from torchvision.ops import nms
nms(torch.rand(3, 4) * 10, torch.rand(3), 0.5)
PYCHECK

# --- stage 2: mmcv build requirements ---------------------------------------
say "2/5 numpy, ninja, setuptools<81, mmengine $(pin mmengine), opencv"
"${PIP[@]}" -q numpy ninja setuptools mmengine opencv-python-headless

# --- stage 3: mmcv with ops, from the wheel cache or built -------------------
mmcv_ok() {
  "$PY" -c "import mmcv, torch; from mmcv.ops import nms_rotated; \
assert mmcv.__version__ == '$MMCV_VERSION'" >/dev/null 2>&1
}
KEY=$("$PY" -c 'import sys, torch; print("cp%d%d-torch%s" % (sys.version_info[0], sys.version_info[1], torch.__version__))')
CACHE_DIR="$WHEEL_CACHE/$KEY"
say "3/5 mmcv $MMCV_VERSION with ops (wheel cache: $CACHE_DIR)"
if mmcv_ok; then
  say "    mmcv $MMCV_VERSION with ops already installed"
else
  WHEEL=$(ls "$CACHE_DIR"/mmcv-"$MMCV_VERSION"-*.whl 2>/dev/null | head -n 1 || true)
  if [ -z "$WHEEL" ]; then
    command -v g++ >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1 ||
      die "mmcv $MMCV_VERSION must be built from source, and no C++ compiler was found." \
          "Install one (Debian/Ubuntu: apt-get install build-essential), or put a" \
          "prebuilt mmcv-$MMCV_VERSION wheel for this torch into $CACHE_DIR/."
    "$PY" -c 'import sysconfig, os, sys; h = sysconfig.get_paths()["include"]; sys.exit(not os.path.exists(os.path.join(h, "Python.h")))' ||
      die "the Python headers (Python.h) are missing; the mmcv build needs them." \
          "Debian/Ubuntu: apt-get install python$PYVER-dev"
    JOBS=${MAX_JOBS:-$(nproc 2>/dev/null || echo 2)}
    BUILD_DIR=$(mktemp -d)
    LOG="$BUILD_DIR/mmcv-build.log"
    say "    building mmcv $MMCV_VERSION from source with $JOBS jobs:"
    say "    about 10 minutes on 2 cores, done once per Python/torch (log: $LOG)"
    ( while sleep 60; do say "    ... still building mmcv ($(date +%T))"; done ) &
    TICKER=$!
    trap 'kill $TICKER 2>/dev/null || true' EXIT
    if ! MMCV_WITH_OPS=1 MAX_JOBS=$JOBS "$PY" -m pip wheel --no-build-isolation \
        --no-deps "mmcv==$MMCV_VERSION" -w "$BUILD_DIR" >"$LOG" 2>&1; then
      kill $TICKER 2>/dev/null || true
      tail -n 25 "$LOG" >&2
      die "building mmcv $MMCV_VERSION failed (last lines above; full log: $LOG)." \
          "Common causes: no C++ compiler or Python headers; running out of memory" \
          "(retry with MAX_JOBS=1 make install); setuptools>=81 in $VENV" \
          "(run: $VENV/bin/pip install 'setuptools>=77,<81')."
    fi
    kill $TICKER 2>/dev/null || true
    mkdir -p "$CACHE_DIR"
    BUILT=$(ls "$BUILD_DIR"/mmcv-*.whl | head -n 1)
    # Copy then rename, so a half-written wheel never sits in the cache.
    cp "$BUILT" "$CACHE_DIR/.tmp-$(basename "$BUILT")"
    mv "$CACHE_DIR/.tmp-$(basename "$BUILT")" "$CACHE_DIR/$(basename "$BUILT")"
    WHEEL="$CACHE_DIR/$(basename "$BUILT")"
    say "    cached $WHEEL"
  else
    say "    reusing cached $WHEEL"
  fi
  "${PIP[@]}" -q --no-deps --force-reinstall "$WHEEL"
  "${PIP[@]}" -q addict packaging Pillow pyyaml yapf  # mmcv's own deps
  mmcv_ok || die "mmcv $MMCV_VERSION is installed but its ops do not load:" \
    "$("$PY" -c 'from mmcv.ops import nms_rotated' 2>&1 | tail -n 1)" \
    "The cached wheel may belong to another torch: delete $CACHE_DIR and rerun."
fi

# --- stage 4: OpenMMLab codebases and mmadmd ---------------------------------
say "4/5 mmdet, mmrotate-dev, mmrazor, mmadmd (editable) and test tools"
"${PIP[@]}" -q -r requirements/runtime.txt -r requirements/rotated.txt \
  -r requirements/tests.txt
"${PIP[@]}" -q --no-deps -e .

# --- stage 5: optional tools ------------------------------------------------
say "5/5 openmim, tensorboard"
# --no-deps: openmim's opendatalab -> openxlab would downgrade setuptools.
"${PIP[@]}" -q -r requirements/optional.txt
"${PIP[@]}" -q --no-deps openmim

"$PY" - <<'PYCHECK' || die "the installed stack does not import (see above)."
import torch
import mmadmd, mmdet.models, mmrotate.models, mmrazor.models  # noqa
from mmcv.ops import nms_rotated
boxes = torch.tensor([[5., 5., 4., 2., 0.3], [5., 5., 4., 2., 0.31]])
keep = nms_rotated(boxes, torch.tensor([0.9, 0.8]), 0.5)[1]
assert keep.tolist() == [0], keep
print('mmadmd', mmadmd.__version__, '| torch', torch.__version__,
      '| mmcv ops OK | mmdet, mmrotate, mmrazor import')
PYCHECK
say "done: $VENV is ready"
