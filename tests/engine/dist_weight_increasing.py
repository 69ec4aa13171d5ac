# Copyright (c) mmadmd contributors. All rights reserved.
"""Run by test_weight_increasing_hook.py under torch.distributed.run."""
import json
import os
import os.path as osp
import sys

import mmadmd  # noqa: F401,I001
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmadmd.engine import (WeightIncreasingHook, find_admd_losses,
                           setup_cpu_distributed)
from mmadmd.testing.toy import runner_cfg


class Spy(Hook):
    """Records the local raw loss before the hook averages it, and ratios."""
    priority = 'HIGH'

    def __init__(self):
        self.local_raw, self.ratios = [], []

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        loss, = find_admd_losses(runner.model)
        self.local_raw.append(loss.last_raw_loss.item())

    def after_train(self, runner):
        hook = next(h for h in runner.hooks
                    if isinstance(h, WeightIncreasingHook))
        self.ratios.append(hook.ratio)


def main():
    out = sys.argv[1]
    cfg = runner_cfg(
        osp.join(out, 'work'),
        max_iters=6,
        launcher='pytorch',
        custom_hooks=[
            dict(
                type='mmadmd.WeightIncreasingHook',
                warmup_iters=1,
                momentum=0.0,
                max_ratio=100.0)
        ])
    # The same path tools/train.py takes on a machine without GPU.
    cfg = Config(cfg)
    setup_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    spy = Spy()
    runner.register_hook(spy)
    runner.train()
    loss, = find_admd_losses(runner.model)
    rank = int(os.environ['RANK'])
    with open(osp.join(out, f'rank{rank}.json'), 'w') as f:
        json.dump(
            dict(
                local_raw=spy.local_raw,
                ratios=spy.ratios,
                loss_weight=loss.loss_weight), f)


if __name__ == '__main__':
    main()
