# Copyright (c) mmadmd contributors. All rights reserved.
"""How much a bf16/fp16 teacher changes the features the losses see.

``teacher_precision='bf16'`` makes the teacher's forward cheaper, but its
features are rounded. :func:`teacher_precision_error` runs the teacher of a
distillation config on real batches twice, in float32 and in the lower
precision, through the algorithm's own recorders, and reports per recorded
feature map how far the two are apart. Check this on your data before you
train with a low-precision teacher (see ``docs/benchmarks.md``).
"""
import itertools
import math
from typing import Callable, Dict, List, Optional

import torch
from mmengine.config import Config
from mmengine.registry import MODELS
from mmengine.runner import Runner, set_random_seed

from mmadmd.models.algorithms.precision_fpn_teacher_distill import (
    TEACHER_DTYPES, skip_teacher_ckpt_check)
from mmadmd.models.utils import normalize_feature
from mmadmd.utils import quiet_build_scope


def _feature_maps(model: torch.nn.Module) -> Dict[str, torch.Tensor]:
    """The teacher recorders' 4-D outputs, named ``recorder[index]``."""
    maps = {}
    recorders = model.distiller.teacher_recorders.recorders
    for name, recorder in recorders.items():
        for item in recorder.data_buffer:
            items = item if isinstance(item, (list, tuple)) else [item]
            for x in items:
                if isinstance(x, torch.Tensor) and x.dim() == 4:
                    maps[f'{name}[{len(maps)}]'] = x.float()
    return maps


def teacher_precision_error(cfg: Config,
                            precision: str = 'bf16',
                            num_batches: int = 2,
                            device: str = 'cpu',
                            seed: int = 0,
                            log: Callable[[str], None] = print) -> List[Dict]:
    """Relative error of the teacher's features in ``precision`` vs fp32.

    Args:
        cfg (Config): A distillation config whose model is a
            ``PrecisionFpnTeacherDistill`` (every shipped ADMD and KD
            config), with ``model.teacher_ckpt`` set to judge a trained
            teacher.
        precision (str): ``'fp32'``, ``'bf16'`` or ``'fp16'``.
        num_batches (int): Training batches to run (augmentations as in
            training).
        device (str): ``'cpu'`` or ``'cuda'``.
        seed (int): Seed of the batches' sampling and augmentation.
        log (callable): Where progress goes. Defaults to ``print``.

    Returns:
        list[dict]: One dict per recorded teacher feature map (e.g. one per
        FPN level) with ``feature`` (``'<recorder>[<index>]'``), ``shape``
        (of the last batch), ``rel_error`` (``||T_fp32 - T_low|| /
        ||T_fp32||`` over all batches) and
        ``rel_error_normalized`` (the same after per-channel
        standardization, what ``ADMDLoss(normalize='channel')`` and PKD
        compare).
    """
    if precision not in TEACHER_DTYPES:
        raise ValueError(f'precision must be one of {list(TEACHER_DTYPES)},'
                         f' got {precision!r}')
    if num_batches < 1:
        raise ValueError(f'num_batches must be >= 1, got {num_batches}')
    set_random_seed(seed)  # the same batches from run to run
    with quiet_build_scope(cfg.get('default_scope')):
        # rounding error is measured on a random teacher too
        model = MODELS.build(skip_teacher_ckpt_check(cfg.model.copy()))
        loader = Runner.build_dataloader(cfg.train_dataloader)
    if not hasattr(model, 'record_teacher_features'):
        raise TypeError(
            f'{type(model).__name__} has no teacher_precision: use a config '
            'whose model is mmadmd.PrecisionFpnTeacherDistill (configs/admd, '
            'configs/kd).')
    model.to(device).eval()
    # feature -> sums of |fp32 - low|^2, |fp32|^2 and the same standardized
    sums: Dict[str, List[float]] = {}
    shapes: Dict[str, tuple] = {}
    for idx, batch in enumerate(itertools.islice(loader, num_batches)):
        inputs = model.data_preprocessor(batch, True)['inputs']
        outputs = {}
        for name in ('fp32', precision):
            model.teacher_precision = name
            model.record_teacher_features(inputs)
            outputs[name] = _feature_maps(model)
        for key, ref in outputs['fp32'].items():
            low = outputs[precision][key]
            ref_n, low_n = normalize_feature(ref), normalize_feature(low)
            total = sums.setdefault(key, [0.0] * 4)
            for i, value in enumerate(
                ((ref - low).pow(2).sum(), ref.pow(2).sum(),
                 (ref_n - low_n).pow(2).sum(), ref_n.pow(2).sum())):
                total[i] += value.item()
            shapes[key] = tuple(ref.shape)
        log(f'batch {idx + 1}/{num_batches} done')
    if not sums:
        raise RuntimeError('the teacher recorded no 4-D feature map')
    return [
        dict(
            feature=key,
            shape=shapes[key],
            rel_error=math.sqrt(d / max(r, 1e-12)),
            rel_error_normalized=math.sqrt(nd / max(nr, 1e-12)))
        for key, (d, r, nd, nr) in sums.items()
    ]


def format_precision_error(rows: List[Dict],
                           precision: Optional[str] = None) -> str:
    """The result of :func:`teacher_precision_error` as a Markdown table."""
    title = f'{precision} vs fp32' if precision else 'vs fp32'
    lines = [
        f'| feature | shape | relative error ({title}) | '
        'after channel standardization |', '|---|---|---|---|'
    ]
    for row in rows:
        lines.append(
            f"| {row['feature']} | {'x'.join(map(str, row['shape']))} | "
            f"{row['rel_error']:.4f} | "
            f"{row['rel_error_normalized']:.4f} |")
    return '\n'.join(lines)


__all__ = ['format_precision_error', 'teacher_precision_error']
