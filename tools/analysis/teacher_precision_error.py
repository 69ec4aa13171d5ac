# Copyright (c) mmadmd contributors. All rights reserved.
"""How far a bf16/fp16 teacher's features are from the fp32 ones, per level.

Runs the teacher of a distillation config on a few training batches of your
data, once in float32 and once under autocast in the lower precision (the
``teacher_precision`` path of training), and prints the relative error of
each recorded feature map (one per FPN level), raw and after per-channel
standardization (what ADMD and PKD compare). A cheap check before training
with ``model.teacher_precision=bf16``: a few tenths of a percent to about
1 % is bf16 rounding; much more means the teacher is not safe in that
precision.

Examples:
    python tools/analysis/teacher_precision_error.py \\
        configs/admd/admd_fpn_retina-r101_retina-r50_2x_dior.py \\
        --teacher-ckpt work_dirs/retinanet_r101_fpn_2x_dior/epoch_24.pth
    python tools/analysis/teacher_precision_error.py CONFIG \\
        --teacher-ckpt T.pth --precision fp16 --batches 8 --device cuda
"""
# First: mmrazor compat, registries.
import mmadmd  # noqa: F401,I001

import argparse
import json
import os.path as osp

from mmengine.config import Config

from mmadmd.benchmarks.teacher_precision import (format_precision_error,
                                                 teacher_precision_error)
from mmadmd.utils import (HelpFormatter, add_cfg_options,
                          no_pretrained_options)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Relative error of a low-precision teacher\'s features',
        formatter_class=HelpFormatter)
    parser.add_argument(
        'config', help='distillation config (configs/admd, '
        'configs/kd)')
    parser.add_argument(
        '--teacher-ckpt',
        help='trained teacher (default: model.teacher_ckpt of the config)')
    parser.add_argument(
        '--precision', choices=['bf16', 'fp16'], default='bf16')
    parser.add_argument(
        '--batches', type=int, default=4, help='training batches to run')
    parser.add_argument('--device', default='cpu', help='cpu or cuda')
    parser.add_argument('--out', help='also write the result as JSON here')
    add_cfg_options(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'config file not found: {args.config}')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if args.teacher_ckpt:
        cfg.model.teacher_ckpt = args.teacher_ckpt
    ckpt = cfg.model.get('teacher_ckpt')
    if not ckpt:
        raise ValueError('a trained teacher is needed: --teacher-ckpt '
                         '<checkpoint> (a random teacher says nothing)')
    if not osp.isfile(ckpt):
        raise FileNotFoundError(f'teacher checkpoint not found: {ckpt}')
    # The teacher comes from its checkpoint and the student is not used:
    # nothing needs the ImageNet weights.
    cfg.merge_from_dict(no_pretrained_options(cfg))
    rows = teacher_precision_error(cfg, args.precision, args.batches,
                                   args.device)
    print(format_precision_error(rows, args.precision))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(
                dict(
                    config=args.config,
                    teacher_ckpt=ckpt,
                    precision=args.precision,
                    batches=args.batches,
                    features=rows),
                f,
                indent=2)


if __name__ == '__main__':
    main()
