# Copyright (c) mmadmd contributors. All rights reserved.
"""The documentation builds, API reference included, with warnings as
errors: a broken docstring, link or toctree fails here (``make docs`` runs
the same build). The README, which the build does not read, links only to
files that exist."""
import os.path as osp
import re
import subprocess
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def test_readme_links_point_to_files():
    readme = open(osp.join(REPO, 'README.md'), encoding='utf-8').read()
    targets = re.findall(r'\]\(([^)\s]+)\)', readme)
    local = [t.split('#')[0] for t in targets
             if not re.match(r'[a-z]+://', t) and not t.startswith('#')]
    assert 'docs/get_started.md' in local
    missing = [t for t in local if not osp.exists(osp.join(REPO, t))]
    assert missing == [], f'README.md links to missing files: {missing}'


@pytest.mark.e2e  # builds in a subprocess: see setup.cfg
def test_docs_build_without_warnings(tmp_path):
    out = subprocess.run(
        [sys.executable, '-m', 'sphinx', '-W', '--keep-going', '-q', '-b',
         'html', '-d', str(tmp_path / 'doctrees'),
         osp.join(REPO, 'docs'), str(tmp_path / 'html')],
        capture_output=True, text=True, cwd=REPO, timeout=900)
    # sphinx and myst-parser come with requirements/tests.txt
    assert out.returncode == 0, out.stderr[-5000:]
    for page in ('index', 'get_started', 'api', 'benchmarks', 'changelog',
                 'user_guides/own_project'):
        assert osp.isfile(tmp_path / 'html' / f'{page}.html'), page
    api = open(tmp_path / 'html' / 'api.html', encoding='utf-8').read()
    # the reference is built from the docstrings, not empty headings
    for name in ('models.losses.ADMDLoss', 'engine.hooks.WeightIncreasingHook',
                 'apis.export_student'):
        assert f'id="mmadmd.{name}"' in api, name
