# Copyright (c) mmadmd contributors. All rights reserved.
"""Evaluate a checkpoint (mmengine Runner).

Example:
    python tools/test.py configs/admd/<config>.py work_dirs/x/epoch_24.pth

    A data root with spaces: ``--data-root "data/NWPU VHR-10 dataset/"``.
"""
# First: makes mmrazor 1.0.0 importable on torch != 1.13 (mmadmd/compat.py)
# and registers mmadmd's components.
import mmadmd  # noqa: F401,I001

import argparse

from mmadmd.models.algorithms import skip_teacher_ckpt_check
from mmadmd.utils.cli import (add_runner_args, build_runner, load_config,
                              load_checkpoint_strictly)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    add_runner_args(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config(args)
    # The checkpoint given here is loaded below, and only it.
    cfg.load_from, cfg.resume = None, False
    # A distillation checkpoint holds the teacher too (checked below).
    skip_teacher_ckpt_check(cfg.model)
    runner = build_runner(cfg)
    # Strict, unlike Runner's load_from: a checkpoint of another config must
    # not be evaluated as random weights.
    load_checkpoint_strictly(runner.model, args.checkpoint, args.config)
    runner.test()
    model = getattr(runner.model, 'module', runner.model)
    if hasattr(model, 'teacher') and hasattr(model, 'student'):
        print('These are the student\'s metrics. The teacher\'s: '
              'validation reports them as teacher.* (val_cfg = '
              "dict(type='mmadmd.FrozenTeacherDistillValLoop')), or run "
              'tools/test.py on the teacher config with its checkpoint.')


if __name__ == '__main__':
    main()
