# Copyright (c) mmadmd contributors. All rights reserved.
"""FiniteLossHook stops at the first non-finite loss, naming the terms."""
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config

from mmadmd.engine import FiniteLossHook


def _runner(it):
    return SimpleNamespace(iter=it)


def test_names_the_non_finite_terms_and_the_iteration():
    hook = FiniteLossHook(interval=1)
    outputs = dict(
        loss=torch.tensor(float('nan')),
        **{'student.loss_cls': torch.tensor(0.5),
           'distill.loss_admd_fpn': torch.tensor(float('inf'))})
    with pytest.raises(RuntimeError) as info:
        hook.after_train_iter(_runner(6), 0, outputs=outputs)
    msg = str(info.value)
    assert msg.startswith('Iteration 7: the loss is not finite (loss=nan, '
                          'distill.loss_admd_fpn=inf)')
    assert 'student.loss_cls' not in msg.split('.')[0]


def test_finite_losses_and_other_intervals_pass():
    hook = FiniteLossHook(interval=2)
    hook.after_train_iter(_runner(0), 0, outputs=dict(loss=torch.tensor(1.)))
    # iteration 1 of interval 2 is not checked
    hook.after_train_iter(_runner(0), 0,
                          outputs=dict(loss=torch.tensor(float('nan'))))


def test_shipped_configs_use_it():
    import os.path as osp
    root = osp.join(osp.dirname(__file__), '..', '..', 'configs')
    for name in ('detectors/retinanet_r50_fpn_2x_dior.py',
                 'detectors/rotated-retinanet-rbox-le90_r50_fpn_1x_dota.py',
                 'admd/admd_fpn_gfl-r101_gfl-r50_2x_nwpu.py'):
        cfg = Config.fromfile(osp.join(root, name))
        assert cfg.default_hooks.check_loss == dict(
            type='mmadmd.FiniteLossHook', interval=1), name
