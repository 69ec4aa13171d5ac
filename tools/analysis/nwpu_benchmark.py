# Copyright (c) mmadmd contributors. All rights reserved.
"""Real-data benchmark: ADMD against PKD, CWD, MGD, FGD and FitNet on
NWPU VHR-10, on CPU, from random initialization.

Trains the teacher of ``configs/benchmark_nwpu`` (half-width ResNet-34;
RetinaNet, or FCOS or GFL with ``--family``) once on the shipped split's
train images, validating it as it trains (or, with ``--teacher-ckpt``, evaluates given teacher weights);
then the student (quarter-width ResNet-18) alone and with each method on
the same budget, for each seed, plus ADMD on a 3x schedule with
and without the weight-increasing module. Every student is evaluated on the
val split (choose settings there) and the test split (report those).
Writes ``results.md`` / ``results.png`` (test), ``results_val.md`` and
``results.json`` in the work dir; finished runs are skipped when the command
is run again, so an interrupted benchmark resumes. The measured times and
results are in docs/benchmarks.md.

Examples:
    python tools/analysis/nwpu_benchmark.py \\
        --data-root ../shared/data/NWPU_VHR-10 \\
        --teacher-ckpt docs/benchmarks/nwpu_teacher_adamw_7000it.pth
    python tools/analysis/nwpu_benchmark.py --data-root DATA \\
        --runs student admd pkd --seeds 0 1 2
    python tools/analysis/nwpu_benchmark.py --data-root DATA --family fcos \\
        --teacher-only --teacher-iters 3000 --save-teacher fcos_teacher.pth
    python tools/analysis/nwpu_benchmark.py --data-root DATA --extra
    python tools/analysis/nwpu_benchmark.py --data-root DATA --quick
"""
# First: mmrazor compat, registries.
import mmadmd  # noqa: F401,I001

import argparse
import os.path as osp
from dataclasses import replace

from mmengine.config import DictAction

from mmadmd.benchmarks.nwpu_benchmark import (FAMILIES, SHIPPED_TEACHERS,
                                              NWPUSettings,
                                              default_nwpu_runs, nwpu_runs,
                                              run_nwpu_benchmark,
                                              save_teacher_weights,
                                              teacher_note)
from mmadmd.utils import HelpFormatter


def parse_args() -> argparse.Namespace:
    keys = [run.key for run in nwpu_runs()]
    defaults = NWPUSettings()
    parser = argparse.ArgumentParser(
        description='ADMD vs other FPN distillers on NWPU VHR-10 (CPU)',
        formatter_class=HelpFormatter)
    parser.add_argument(
        '--data-root', required=True,
        help='the NWPU VHR-10 release folder ("positive image set", '
        '"ground truth")')
    parser.add_argument(
        '--work-dir', help='default: work_dirs/nwpu_benchmark[_quick]')
    parser.add_argument(
        '--split-dir',
        help='folder of {train,val,test}.txt (default: the shipped split)')
    parser.add_argument(
        '--runs', nargs='+', choices=keys,
        help='default: all but the extra runs')
    parser.add_argument(
        '--extra', action='store_true',
        help='also the extra runs (' +
        ', '.join(run.key for run in nwpu_runs() if run.extra) + ')')
    parser.add_argument(
        '--seeds', nargs='+', type=int,
        help=f'default: {" ".join(map(str, defaults.seeds))}')
    parser.add_argument(
        '--teacher-iters', type=int,
        help=f'default: {defaults.teacher_iters}')
    parser.add_argument(
        '--student-iters', type=int,
        help=f'student budget, 1x (default: {defaults.student_iters})')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, default={},
        help='overrides of every stage\'s config (teacher and students), '
        'e.g. optim_wrapper.optimizer.lr=0.04; part of the settings')
    parser.add_argument(
        '--teacher-init',
        help='start the teacher from these weights (e.g. '
        'docs/benchmarks/nwpu_teacher_adamw_3000it.pth) and train it '
        '--teacher-iters more')
    parser.add_argument(
        '--teacher-ckpt',
        help='use these trained teacher weights instead of training the '
        'teacher: it is only evaluated, once; of the --family, e.g. a '
        'shipped one: ' + ', '.join(f'{path} ({family})'
                                    for family, path in
                                    SHIPPED_TEACHERS.items()))
    parser.add_argument(
        '--family', choices=list(FAMILIES), default=defaults.family,
        help='detector family of the teacher and students '
        '(configs/benchmark_nwpu)')
    parser.add_argument(
        '--teacher-only', action='store_true',
        help='train (or evaluate) the teacher, then stop')
    parser.add_argument(
        '--save-teacher', metavar='FILE',
        help='write the teacher trained here as fp16 weights only, with '
        'its mAP in the note (how the shipped teachers were made); '
        'evaluate the file with --teacher-ckpt FILE --teacher-only')
    parser.add_argument(
        '--quick', action='store_true',
        help='tiny sizes, one seed, 2 iterations per run (a smoke test)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    settings = NWPUSettings.quick() if args.quick else NWPUSettings()
    changes = dict(
        teacher_iters=args.teacher_iters,
        student_iters=args.student_iters,
        seeds=tuple(args.seeds) if args.seeds else None,
        cfg_options=dict(args.cfg_options) or None,
        teacher_init=args.teacher_init,
        teacher_ckpt=args.teacher_ckpt,
        family=args.family)
    settings = replace(
        settings, **{k: v for k, v in changes.items() if v is not None})
    family = '' if args.family == 'retinanet' else f'_{args.family}'
    work_dir = args.work_dir or \
        f'work_dirs/nwpu_benchmark{family}{"_quick" if args.quick else ""}'
    if args.teacher_only:
        runs = []
    elif args.runs:
        runs = [r for r in nwpu_runs() if r.key in args.runs]
    else:
        runs = nwpu_runs() if args.extra else default_nwpu_runs()
    if args.save_teacher and settings.teacher_ckpt:
        raise SystemExit('--save-teacher writes a teacher trained here; '
                         'with --teacher-ckpt nothing is trained')
    if args.save_teacher and osp.exists(args.save_teacher):
        raise SystemExit(f'--save-teacher {args.save_teacher} exists: give '
                         'another file or remove it first')
    results = run_nwpu_benchmark(work_dir, args.data_root, settings, runs,
                                 args.split_dir)
    if args.save_teacher:
        checkpoint = osp.join(work_dir, 'teacher',
                              f'iter_{settings.teacher_iters}.pth')
        save_teacher_weights(checkpoint, args.save_teacher,
                             teacher_note(settings, results['teacher']))
        print(f'teacher weights: {args.save_teacher}')
    print('\n' + open(f'{work_dir}/results.md').read())
    print(f'results: {work_dir}/results.md, results_val.md, results.png, '
          'results.json')


if __name__ == '__main__':
    main()
