# Copyright (c) mmadmd contributors. All rights reserved.
"""Shared fixtures: tiny synthetic DIOR, split-DOTA and NWPU VHR-10
datasets, written once per test run. Helpers tests import live in
``mmadmd.testing`` (data writers, toy models) and ``tests/readme.py`` (the
code blocks of the README and the docs)."""
# mmadmd first (mmrazor compat).
import mmadmd  # noqa: F401,I001

import os.path as osp

import pytest

from mmadmd.datasets.dota_split import split_dota
from mmadmd.testing import (nwpu_boxes, write_dior, write_dota,
                            write_nwpu_release)


@pytest.fixture(scope='session')
def dior_root(tmp_path_factory) -> str:
    root = str(tmp_path_factory.mktemp('dior'))
    write_dior(root, num_train=4, num_val=2, num_test=2, size=128, seed=0)
    return root


@pytest.fixture(scope='session')
def dota_split_root(tmp_path_factory) -> str:
    raw = str(tmp_path_factory.mktemp('dota_raw'))
    write_dota(raw, num_train=3, num_val=2, num_test=0, size=256, seed=0)
    out = str(tmp_path_factory.mktemp('dota_split') / 'split')
    split_dota(raw, out, splits=('train', 'val'), sizes=(128, ), gaps=(32, ))
    return out


@pytest.fixture(scope='session')
def nwpu_root(tmp_path_factory) -> str:
    """A 12-image release with ``{train,val,test}.txt`` (6/3/3) in it."""
    root = str(tmp_path_factory.mktemp('nwpu'))
    gt = nwpu_boxes(12, size=(96, 128))
    write_nwpu_release(root, gt, size=(96, 128))
    ids = sorted(gt)
    for name, part in (('train', ids[:6]), ('val', ids[6:9]),
                       ('test', ids[9:])):
        with open(osp.join(root, f'{name}.txt'), 'w') as f:
            f.write(''.join(f'{i}\n' for i in part))
    return root
