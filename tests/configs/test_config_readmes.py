# Copyright (c) mmadmd contributors. All rights reserved.
"""Each config folder has a README that names every config in it, and the
commands it prints name configs and tools that exist and load."""
import glob
import itertools
import os.path as osp
import re

import pytest
from mmengine.config import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
FOLDERS = sorted(
    osp.basename(d) for d in glob.glob(osp.join(REPO, 'configs', '*'))
    if osp.isdir(d) and osp.basename(d) != '_base_')


def expand_braces(token: str):
    """``a_{x,y}.py`` -> ``a_x.py``, ``a_y.py`` (as bash expands it)."""
    parts = re.split(r'\{([^{}]*)\}', token)
    choices = [[p] if i % 2 == 0 else p.split(',')
               for i, p in enumerate(parts)]
    return [''.join(c) for c in itertools.product(*choices)]


def readme(folder: str) -> str:
    path = osp.join(REPO, 'configs', folder, 'README.md')
    assert osp.isfile(path), f'configs/{folder} has no README.md'
    return open(path, encoding='utf-8').read()


@pytest.mark.parametrize('folder', FOLDERS)
def test_readme_names_every_config(folder):
    named = set()
    for token in re.findall(r'`([^`\s/]+\.py)`', readme(folder)):
        named.update(expand_braces(token))  # paths elsewhere have a slash
    configs = {
        osp.basename(p)
        for p in glob.glob(osp.join(REPO, 'configs', folder, '*.py'))
    }
    assert configs - named == set(), 'not in the README'
    assert named - configs == set(), 'named but not in the folder'


@pytest.mark.parametrize('folder', FOLDERS)
def test_readme_commands_name_files_that_exist(folder):
    blocks = re.findall(r'```bash\n(.*?)```', readme(folder), re.S)
    assert blocks, f'configs/{folder}/README.md shows no command'
    for block in blocks:
        for path in re.findall(r'(?:configs|tools)/[\w./-]+\.py', block):
            assert osp.isfile(osp.join(REPO, path)), path
            if path.startswith('configs/'):
                Config.fromfile(osp.join(REPO, path))
