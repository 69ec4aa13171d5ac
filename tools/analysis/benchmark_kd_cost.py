# Copyright (c) mmadmd contributors. All rights reserved.
"""What each distillation method adds to a training step, side by side.

Times one training step (forward, backward, optimizer update) of: the
student alone; the floor (student step + the teacher's backbone+neck forward
without gradients); each KD method on top of the floor; and the same with
the teacher in bf16/fp16 (``teacher_precision``). All variants come from the
shipped configs of one setup and run in one process, in interleaved rounds.
Prints the median step time, the ratio to the floor and the peak memory of
each variant (on GPU the CUDA allocator's peak; on CPU the growth of the
resident set during a first step in a fresh process, measured after the
timing), and writes them as JSON and Markdown.

Examples:
    # The setting of docs/benchmarks.md (2 x 512 x 512, R101 -> R50):
    python tools/analysis/benchmark_kd_cost.py
    # Rotated RetinaNet on DOTA, on a GPU, more rounds:
    python tools/analysis/benchmark_kd_cost.py \\
        --setup rotated-retina-r101_rotated-retina-r50_1x_dota \\
        --device cuda --rounds 20 --size 1024
    # Print saved runs as one table (times from the first, memory from the
    # second, e.g. a --rounds 0 run):
    python tools/analysis/benchmark_kd_cost.py --report \\
        work_dirs/benchmark_kd_cost/results.json work_dirs/memory/results.json
    # Only some variants:
    python tools/analysis/benchmark_kd_cost.py \\
        --variants student floor admd admd@bf16
"""
# First: mmrazor compat, registries.
import mmadmd  # noqa: F401,I001

import argparse
import json
import os
import os.path as osp

from mmadmd.benchmarks.kd_cost import (DEFAULT_VARIANTS, SETUPS,
                                       benchmark_kd_cost, format_costs,
                                       load_costs)
from mmadmd.utils import HelpFormatter


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Train-step time and peak memory of KD methods',
        formatter_class=HelpFormatter)
    parser.add_argument(
        '--setup',
        choices=list(SETUPS),
        default='retina-r101_retina-r50_2x_dior',
        help='student/teacher configs (configs/admd and configs/kd)')
    parser.add_argument(
        '--variants',
        nargs='+',
        default=list(DEFAULT_VARIANTS),
        help='student, floor, admd, pkd, cwd, mgd, fbkd, fitnet, fgd; '
        'append @bf16 or @fp16 to run the teacher under autocast, and '
        '+cl or +nocl to force its memory format (e.g. floor@fp32+cl)')
    parser.add_argument('--batch-size', type=int, default=2)
    parser.add_argument('--size', type=int, default=512, help='input side')
    parser.add_argument(
        '--num-boxes', type=int, default=20, help='boxes per image')
    parser.add_argument(
        '--rounds',
        type=int,
        default=5,
        help='timed rounds (0: only the CPU memory measurement)')
    parser.add_argument(
        '--warmup', type=int, default=1, help='untimed rounds first')
    parser.add_argument('--device', default='cpu', help='cpu or cuda')
    parser.add_argument(
        '--threads',
        type=int,
        help='torch CPU threads (default: torch\'s choice)')
    parser.add_argument(
        '--no-memory',
        action='store_true',
        help='skip the CPU memory measurement (one process per variant)')
    parser.add_argument(
        '--tiny',
        action='store_true',
        help='shrunk models (ResNet-18, 64-channel FPN): a smoke run')
    parser.add_argument(
        '--report',
        nargs='+',
        metavar='RESULTS_JSON',
        help='only print the table of saved results.json files (times from '
        'the first that has them, memory likewise)')
    parser.add_argument(
        '--out',
        default='work_dirs/benchmark_kd_cost',
        help='folder of results.json and results.md')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.report:
        print(format_costs(load_costs(*args.report)))
        return
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    costs = benchmark_kd_cost(
        setup=args.setup,
        variants=args.variants,
        batch_size=args.batch_size,
        size=args.size,
        num_boxes=args.num_boxes,
        rounds=args.rounds,
        warmup=args.warmup,
        device=args.device,
        tiny=args.tiny,
        measure_memory=not args.no_memory)
    table = format_costs(costs)
    header = (f'setup {args.setup}, batch {args.batch_size} x {args.size} '
              f'x {args.size}, {args.num_boxes} boxes per image, '
              f'{args.rounds} rounds (+{args.warmup} warm-up), '
              f'device {args.device}')
    print(f'\n{header}\n\n{table}')
    os.makedirs(args.out, exist_ok=True)
    with open(osp.join(args.out, 'results.md'), 'w') as f:
        f.write(f'{header}\n\n{table}\n')
    with open(osp.join(args.out, 'results.json'), 'w') as f:
        json.dump(
            dict(
                settings=dict(
                    vars(args),
                    memory='cuda allocator peak' if args.device != 'cpu'
                    else 'first step in a fresh process'),
                variants={
                    name: dict(
                        seconds=c.seconds,
                        peak_mb=c.peak_mb,
                        median_s=c.median_s,
                        median_mb=c.median_mb)
                    for name, c in costs.items()
                }),
            f,
            indent=2)
    print(f"results: {osp.join(args.out, 'results.md')}")


if __name__ == '__main__':
    main()
