# Copyright (c) mmadmd contributors. All rights reserved.
"""`make demo`: distill a detector end to end on synthetic DIOR scenes.

Generates synthetic remote-sensing scenes in the DIOR layout, trains a
teacher (RetinaNet, half-width ResNet-34), trains the student alone
(quarter-width ResNet-18) and distills the same student with ADMD on the same
budget, evaluates the three (VOC mAP@0.5 on the test split), exports the
distilled student as a plain mmdet detector and writes
``<work-dir>/report.md`` with the table, loss and weight-ratio plots and
discrepancy-mask heatmaps. Runs on CPU.

With ``--dataset nwpu --data-root <NWPU VHR-10 folder>`` the same demo
runs on real imagery, with the real-data benchmark's models and budgets.

Example:
    python tools/demo.py --work-dir work_dirs/demo
    python tools/demo.py --quick        # a smoke run of about a minute
    python tools/demo.py --dataset nwpu --data-root data/NWPU_VHR-10
    python tools/demo.py --dataset nwpu --data-root data/NWPU_VHR-10 \\
        --teacher-ckpt docs/benchmarks/nwpu_teacher_adamw_7000it.pth
"""
# First: mmrazor compat, registries.
import mmadmd  # noqa: F401,I001

import argparse

from mmadmd.benchmarks.demo import DemoSettings, run_demo
from mmadmd.utils import HelpFormatter


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Distill a detector on synthetic remote-sensing scenes',
        formatter_class=HelpFormatter)
    parser.add_argument(
        '--dataset',
        choices=['dior', 'dota', 'nwpu'],
        default='dior',
        help='dior: RetinaNet on DIOR-layout scenes; dota: rotated '
        'RetinaNet on raw-DOTA-layout scenes split into patches; nwpu: '
        'RetinaNet on your NWPU VHR-10 folder (--data-root)')
    parser.add_argument(
        '--work-dir', help='default: work_dirs/demo[-rotated]')
    parser.add_argument(
        '--data-root',
        help='where the scenes are generated, reused if already there '
        '(default: data/synthetic_{dior,dota}); with --dataset nwpu the '
        'NWPU VHR-10 release folder (required)')
    parser.add_argument(
        '--quick',
        action='store_true',
        help='tiny sizes: a smoke run (used by the tests)')
    dior, dota, nwpu = (DemoSettings(), DemoSettings.rotated(),
                        DemoSettings.nwpu())
    parser.add_argument(
        '--teacher-iters',
        type=int,
        help=f'teacher training iterations (default: {dior.teacher_iters} '
        f'with dior, {dota.teacher_iters} with dota, {nwpu.teacher_iters} '
        'with nwpu)')
    parser.add_argument(
        '--teacher-ckpt',
        help='trained weights of the teacher config: evaluated instead of '
        'training a teacher (with nwpu, e.g. the real-data benchmark\'s '
        'docs/benchmarks/nwpu_teacher_adamw_7000it.pth)')
    parser.add_argument(
        '--student-iters',
        type=int,
        help='iterations of the student, alone and with ADMD (default: '
        f'{dior.student_iters} with dior, {dota.student_iters} with dota, '
        f'{nwpu.student_iters} with nwpu)')
    parser.add_argument(
        '--zoom',
        type=float,
        help='object enlargement of the scenes (default: 2; zoom 1: '
        'smaller, denser objects)')
    parser.add_argument(
        '--seed',
        type=int,
        default=0,
        help='seed of the synthetic scenes and of training')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.dataset == 'nwpu' and not args.data_root:
        raise SystemExit('--dataset nwpu needs --data-root: the NWPU VHR-10 '
                         'folder (with "positive image set" and "ground '
                         'truth")')
    if args.teacher_ckpt and args.teacher_iters:
        raise SystemExit('--teacher-ckpt and --teacher-iters exclude each '
                         'other: a given teacher is not trained')
    if args.quick:
        settings = DemoSettings.quick(args.dataset)
    elif args.dataset == 'dota':
        settings = DemoSettings.rotated()
    elif args.dataset == 'nwpu':
        settings = DemoSettings.nwpu()
    else:
        settings = DemoSettings()
    if args.teacher_iters:
        settings.teacher_iters = args.teacher_iters
    if args.student_iters:
        settings.student_iters = args.student_iters
    settings.teacher_ckpt = args.teacher_ckpt
    if args.zoom is not None:  # 0 or less: generate_scene says why
        settings.zoom = args.zoom
    settings.seed = args.seed
    suffix = {'dior': '', 'dota': '-rotated', 'nwpu': '-nwpu'}[args.dataset]
    run_demo(args.work_dir or f'work_dirs/demo{suffix}', args.data_root
             or f'data/synthetic_{args.dataset}', settings)


if __name__ == '__main__':
    main()
