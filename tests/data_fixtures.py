# Copyright (c) mmadmd contributors. All rights reserved.
"""Tiny synthetic DIOR and split-DOTA datasets, written once per session."""
import pytest

from mmadmd.datasets.dota_split import split_dota
from mmadmd.datasets.synthetic import write_dior, write_dota


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
