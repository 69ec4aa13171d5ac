# Copyright (c) mmadmd contributors. All rights reserved.
"""Train a detector or distill one with ADMD (mmengine Runner).

Example:
    python tools/train.py configs/admd/<config>.py \
        --cfg-options model.teacher_ckpt=teacher.pth

    A data root with spaces: ``--data-root "data/NWPU VHR-10 dataset/"``.
"""
# First: makes mmrazor 1.0.0 importable on torch != 1.13 (mmadmd/compat.py)
# and registers mmadmd's components.
import mmadmd  # noqa: F401,I001

import argparse

from mmadmd.models.algorithms import skip_teacher_ckpt_check
from mmadmd.utils.cli import (add_runner_args, build_runner,
                              check_resume_checkpoint, load_config,
                              resume_checkpoint)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Train or distill a detector with mmadmd')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--amp',
        action='store_true',
        default=False,
        help='enable automatic-mixed-precision training')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint, or, without a value, from the '
        'latest checkpoint in the work directory')
    add_runner_args(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config(args)
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if resume_checkpoint(cfg) is not None:
        # The checkpoint resumed from holds the teacher (checked below).
        skip_teacher_ckpt_check(cfg.model)
    runner = build_runner(cfg)
    # Strict, unlike mmengine's resume: a checkpoint of another config stops
    # here with the file and the keys, not at the optimizer's state.
    check_resume_checkpoint(runner, cfg, args.config)
    runner.train()


if __name__ == '__main__':
    main()
