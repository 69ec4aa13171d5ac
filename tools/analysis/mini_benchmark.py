# Copyright (c) mmadmd contributors. All rights reserved.
"""Mini accuracy benchmark: ADMD against PKD, CWD, MGD, FBKD, FitNet and FGD,
with ADMD ablations, on the demo's synthetic DIOR scenes (CPU).

Trains the demo teacher (RetinaNet, half-width ResNet-34) once, then the
demo student (quarter-width ResNet-18) alone and with each method on the same
budget, for each seed; evaluates VOC mAP@0.5 on the test scenes; writes
``results.md`` (mean ± std per run), ``results.png`` and ``results.json``
in the work dir. Finished runs are saved at once and skipped when the
command is run again: an interrupted benchmark resumes.

Sizes (default): 160 + 40 training scenes, 100 test scenes, 256 px; teacher
1000 iterations; students 300 iterations (short: 150, 3x: 900), batch 8;
seeds 0 and 1 (the measured times: docs/benchmarks.md). ``--seeds 0 1 2``
adds a seed; ``--extra`` adds 3x checks (no weight-increasing module, bf16
teacher, fp32 teacher channels-last as a rounding control), the rounding
control at 1x, the bf16 teacher in the default layout at 1x and 3x, and two
loss weights (1 and 10).

Examples:
    python tools/analysis/mini_benchmark.py
    python tools/analysis/mini_benchmark.py --runs student admd pkd \\
        --seeds 0 1 --student-iters 600
    python tools/analysis/mini_benchmark.py --seeds 0 1 2 --extra
    python tools/analysis/mini_benchmark.py --quick   # under a minute
"""
# First: mmrazor compat, registries.
import mmadmd  # noqa: F401,I001

import argparse
from dataclasses import replace

from mmadmd.benchmarks.mini_benchmark import (BenchmarkSettings, all_runs,
                                              default_runs, run_mini_benchmark)
from mmadmd.utils import HelpFormatter


def parse_args() -> argparse.Namespace:
    keys = [run.key for run in all_runs()]
    parser = argparse.ArgumentParser(
        description='ADMD vs other FPN distillers on synthetic scenes',
        formatter_class=HelpFormatter)
    parser.add_argument(
        '--work-dir',
        help='default: work_dirs/mini_benchmark[_quick]')
    parser.add_argument(
        '--data-root',
        help='scenes (default: data/synthetic_dior[_quick], shared with '
        'make demo)')
    parser.add_argument(
        '--runs', nargs='+', choices=keys,
        help='default: all but the extra runs')
    parser.add_argument(
        '--extra',
        action='store_true',
        help='also the extra runs (' +
        ', '.join(run.key for run in all_runs() if run.extra) + ')')
    parser.add_argument('--seeds', nargs='+', type=int, help='default: 0 1')
    parser.add_argument(
        '--teacher-iters', type=int, help='default: 1000')
    parser.add_argument(
        '--student-iters', type=int, help='student budget (default: 300)')
    parser.add_argument(
        '--zoom',
        type=float,
        help='object enlargement of the scenes (default: 2, as make demo; '
        '1: the scale of the bf16 study in docs/benchmarks.md)')
    parser.add_argument(
        '--quick',
        action='store_true',
        help='tiny sizes, one seed, 2 iterations per run (a smoke test)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    settings = BenchmarkSettings.quick() if args.quick else \
        BenchmarkSettings()
    data = settings.data
    if args.teacher_iters:
        data = replace(data, teacher_iters=args.teacher_iters)
    if args.student_iters:
        data = replace(data, student_iters=args.student_iters)
    if args.zoom is not None:  # 0 or less: generate_scene says why
        data = replace(data, zoom=args.zoom)
    settings = replace(
        settings,
        data=data,
        seeds=tuple(args.seeds) if args.seeds else settings.seeds)
    suffix = '_quick' if args.quick else ''
    work_dir = args.work_dir or f'work_dirs/mini_benchmark{suffix}'
    data_root = args.data_root or f'data/synthetic_dior{suffix}'
    if args.runs:
        runs = [r for r in all_runs() if r.key in args.runs]
    else:
        runs = all_runs() if args.extra else default_runs()
    run_mini_benchmark(work_dir, data_root, settings, runs)
    print('\n' + open(f'{work_dir}/results.md').read())
    print(f'results: {work_dir}/results.md, results.png, results.json')


if __name__ == '__main__':
    main()
