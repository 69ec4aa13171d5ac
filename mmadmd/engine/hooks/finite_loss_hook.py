# Copyright (c) mmadmd contributors. All rights reserved.
import math
from typing import Optional

import torch
from mmdet.engine.hooks import CheckInvalidLossHook

from mmadmd.registry import HOOKS

DATA_BATCH = Optional[dict]


@HOOKS.register_module()
class FiniteLossHook(CheckInvalidLossHook):
    """MMDetection's ``CheckInvalidLossHook``, naming what went wrong.

    mmdet's hook stops with ``loss become infinite or NaN!`` once the total
    loss is not finite. This one stops at the same point with the iteration
    and every loss term that is not finite (``student.loss_cls``,
    ``distill.loss_admd_fpn``...), so that a user can tell a diverging
    detector from a broken distillation and from bad annotations.

    Shipped configs use it as ``default_hooks.check_loss`` (from
    ``configs/_base_/schedules.py``).

    Args:
        interval (int): Check every ``interval`` iterations. Defaults to 50,
            as mmdet's hook.
    """

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        """Raise if any loss term of this iteration is NaN or Inf."""
        if not outputs or not self.every_n_train_iters(runner,
                                                       self.interval):
            return
        bad = {
            name: value
            for name, value in ((k, _as_float(v)) for k, v in outputs.items())
            if value is not None and not math.isfinite(value)
        }
        if bad:
            terms = ', '.join(f'{k}={v}' for k, v in bad.items())
            raise RuntimeError(
                f'Iteration {runner.iter + 1}: the loss is not finite '
                f'({terms}). Terms of the detector are named student.* in a '
                'distillation; distill.* come from the distillation loss. '
                'Common causes: a learning rate too high for this batch '
                'size, boxes that cannot be right in the annotations, or a '
                'teacher checkpoint of another model.')


def _as_float(value) -> Optional[float]:
    if isinstance(value, torch.Tensor):
        return value.detach().float().mean().item() if value.numel() else None
    if isinstance(value, (int, float)):
        return float(value)
    return None
