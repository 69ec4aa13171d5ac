# Copyright (c) mmadmd contributors. All rights reserved.
"""`make install` fails loudly, with what to do, on a bad interpreter."""
import os
import os.path as osp
import subprocess

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def _setup(tmp_path, python: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHON=python, VENV=str(tmp_path / 'venv'))
    return subprocess.run(['bash', osp.join(ROOT, 'tools', 'setup_env.sh')],
                          capture_output=True,
                          text=True,
                          timeout=120,
                          env=env)


def test_missing_interpreter(tmp_path):
    result = _setup(tmp_path, str(tmp_path / 'no-such-python'))
    assert result.returncode == 1
    assert 'no Python interpreter' in result.stderr
    assert 'make install PYTHON=' in result.stderr
    assert not (tmp_path / 'venv').exists()


def test_unsupported_python_version(tmp_path):
    fake = tmp_path / 'python3.7'
    fake.write_text('#!/bin/sh\necho 3.7\n')
    fake.chmod(0o755)
    result = _setup(tmp_path, str(fake))
    assert result.returncode == 1
    assert 'Python 3.7 is not supported' in result.stderr
    assert 'use Python 3.11' in result.stderr
