# Copyright (c) mmadmd contributors. All rights reserved.
"""Build mmadmd's wheel as a user's ``pip wheel .`` does (tests use it)."""
import os.path as osp
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: Not part of a build: environments, data, results and build leftovers.
IGNORE = shutil.ignore_patterns('.venv*', '.git', 'work_dirs', 'data', '.mim',
                                '__pycache__', '*.egg-info', 'build', 'dist')


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    """Run ``cmd``; fail the test with its output if it fails."""
    result = subprocess.run(
        cmd, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, (f'{cmd}:\n' + result.stdout[-2000:] +
                                    result.stderr[-3000:])
    return result


def build_wheel(tmp_path: Path) -> Path:
    """Build the wheel from a copy of the checkout.

    Building copies ``configs/`` and ``tools/`` into ``mmadmd/.mim``, which
    must not replace the symlinks of the editable install in the checkout.

    Args:
        tmp_path (Path): Empty folder; gets ``src/`` and ``dist/``.

    Returns:
        Path: The wheel.
    """
    src = tmp_path / 'src'
    shutil.copytree(ROOT, src, ignore=IGNORE)
    run([
        sys.executable, '-m', 'pip', 'wheel', '--no-deps',
        '--no-build-isolation', '-q', '-w',
        str(tmp_path / 'dist'),
        str(src)
    ])
    # Building did not touch the checkout it was built from.
    assert not (src / 'build').exists()
    return next((tmp_path / 'dist').glob('mmadmd-*.whl'))
