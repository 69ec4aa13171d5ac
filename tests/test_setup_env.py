# Copyright (c) mmadmd contributors. All rights reserved.
"""`make install` fails loudly, with what to do, on a bad interpreter."""
import os
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def _setup(tmp_path, python: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHON=python, VENV=str(tmp_path / 'venv'))
    return subprocess.run(
        ['bash', osp.join(ROOT, 'tools', 'setup_env.sh')],
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


def test_missing_constraints_file(tmp_path):
    env = dict(
        os.environ,
        PYTHON=sys.executable,
        VENV=str(tmp_path / 'venv'),
        CONSTRAINTS=str(tmp_path / 'constraints-none.txt'))
    result = subprocess.run(
        ['bash', osp.join(ROOT, 'tools', 'setup_env.sh')],
        capture_output=True,
        text=True,
        timeout=120,
        env=env)
    assert result.returncode == 1
    assert 'no constraints file' in result.stderr
    assert 'constraints-min.txt' in result.stderr
    assert not (tmp_path / 'venv').exists()


def test_both_stacks_pin_what_setup_env_reads():
    """tools/setup_env.sh reads torch, torchvision and mmcv from the
    constraints file with its `pin` function."""
    script = open(osp.join(ROOT, 'tools', 'setup_env.sh')).read()
    pin = next(line for line in script.splitlines()
               if line.startswith('pin() {'))
    for name in ('constraints.txt', 'constraints-min.txt'):
        path = osp.join(ROOT, 'requirements', name)
        for package in ('torch', 'torchvision', 'mmcv'):
            result = subprocess.run(
                ['bash', '-c', f'CONSTRAINTS={path}\n{pin}\npin {package}'],
                capture_output=True,
                text=True)
            version = result.stdout.strip()
            assert version[:1].isdigit() and ' ' not in version, (name,
                                                                  package)


def test_make_test_stack_min_uses_its_own_venv_and_constraints():
    # Not what a `make test STACK=min` running this test exported.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ('STACK', 'VENV', 'CONSTRAINTS', 'MAKEFLAGS', 'MAKELEVEL',
                     'MFLAGS')
    }

    def make(*args):
        return subprocess.run(['make', '-n', '-C', ROOT, *args],
                              capture_output=True,
                              text=True,
                              timeout=60,
                              env=env)

    dry = make('test', 'STACK=min').stdout
    assert '.venv-min/bin/python -m pytest tests' in dry
    assert '-m "not e2e"' in dry
    pinned = make('test').stdout
    assert '.venv/bin/python -m pytest tests' in pinned
    assert 'not e2e' not in pinned
    wrong = make('test', 'STACK=newest')
    assert wrong.returncode != 0
    assert 'use STACK=pinned (the default) or STACK=min' in wrong.stderr
