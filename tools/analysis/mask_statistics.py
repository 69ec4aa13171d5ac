# Copyright (c) mmadmd contributors. All rights reserved.
"""Where ADMD's mask puts its weight, per FPN level and temperature.

Runs the teacher and the student of an ADMD config on a batch of training
images and prints, per level and per ``tau``: the mask's effective support
(``exp(entropy) / (H*W)``; 1 is uniform), the share of the weight on the
top 1 % of the pixels, how much the mask inflates the level's loss over
plain MSE (``mean(M*e) / mean(e)``) and the plain mean error. Use it to
see whether a few pixels or one level dominate the loss.

Example:
    python tools/analysis/mask_statistics.py \\
        configs/benchmark_nwpu/admd_fpn_retina-r34-w32_retina-r18-w16_cpu_nwpu.py \\
        --teacher-ckpt work_dirs/nwpu_benchmark/teacher/iter_2000.pth \\
        --data-root data/NWPU_VHR-10 --taus 1 2 4
"""
# First: mmrazor compat, registries.
import mmadmd  # noqa: F401,I001

import argparse
import json

import torch
from mmengine.config import Config
from mmengine.registry import MODELS, DefaultScope
from mmengine.runner import Runner, load_checkpoint

from mmadmd.models import ADMDLoss
from mmadmd.models.utils import discrepancy_mask, mask_statistics
from mmadmd.utils import adapt_data
from mmadmd.utils.cli import add_cfg_options


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Where the ADMD mask puts its weight, per level')
    parser.add_argument('config', help='an ADMD distillation config')
    parser.add_argument('--teacher-ckpt', required=True)
    parser.add_argument(
        '--student-ckpt',
        help='a distillation checkpoint of this config (default: the '
        'freshly initialized student)')
    parser.add_argument('--data-root', help='override every data_root')
    parser.add_argument('--images', type=int, default=8)
    parser.add_argument('--taus', nargs='+', type=float, default=[1.0, 2.0])
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--json', help='also write the rows here')
    add_cfg_options(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    adapt_data(cfg, data_root=args.data_root, batch_size=args.images,
               num_workers=0)
    cfg.model.teacher_ckpt = args.teacher_ckpt
    torch.manual_seed(args.seed)
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'mmdet')):
        model = MODELS.build(cfg.model)
        model.init_weights()
        if args.student_ckpt:
            load_checkpoint(model, args.student_ckpt, strict=True)
        loader = Runner.build_dataloader(cfg.train_dataloader,
                                         seed=args.seed)
        batch = model.data_preprocessor(next(iter(loader)), training=True)
    loss = next(m for m in model.modules() if isinstance(m, ADMDLoss))
    model.eval()
    with torch.no_grad():
        feats_t = model.teacher.extract_feat(batch['inputs'])
        feats_s = model.student.extract_feat(batch['inputs'])
    rows = []
    for level, (fs, ft) in enumerate(zip(feats_s, feats_t)):
        error = loss.level_error(level, fs, ft)
        for tau in args.taus:
            stats = mask_statistics(
                error, discrepancy_mask(error, tau, loss.mask_type))
            rows.append(dict(level=f'P{level + 3}',
                             size=f'{error.shape[1]}x{error.shape[2]}',
                             tau=tau, plain_error=error.mean().item(),
                             **stats))
    print('| level | size | tau | support | top 1 % share | '
          'mean(M*e)/mean(e) | mean(e) |')
    print('|---|---|---|---|---|---|---|')
    for r in rows:
        print(f"| {r['level']} | {r['size']} | {r['tau']:g} | "
              f"{r['support']:.2f} | {r['top_share']:.2f} | "
              f"{r['masked_over_plain']:.2f} | {r['plain_error']:.3f} |")
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(rows, f, indent=2)


if __name__ == '__main__':
    main()
