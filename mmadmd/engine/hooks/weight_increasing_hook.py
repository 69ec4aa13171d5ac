# Copyright (c) mmadmd contributors. All rights reserved.
import math
from typing import Dict, List, Optional, Union

import torch
from mmengine.dist import all_reduce
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import nn

from mmadmd.models.losses import ADMDLoss
from mmadmd.models.utils.arguments import check_number
from mmadmd.registry import HOOKS

DATA_BATCH = Optional[Union[dict, tuple, list]]
MODES = ('adaptive', 'linear', 'constant')


def find_admd_losses(model: nn.Module) -> List[ADMDLoss]:
    """All :class:`ADMDLoss` modules of a (possibly wrapped) model."""
    if is_model_wrapper(model):
        model = model.module
    return [m for m in model.modules() if isinstance(m, ADMDLoss)]


@HOOKS.register_module()
class WeightIncreasingHook(Hook):
    """The weight-increasing module of ADMD: keeps the distillation loss from
    vanishing late in training (ADMD_SPEC.md, section 4).

    As the student converges, the raw ADMD loss ``r_t`` (the unweighted sum of
    all :class:`~mmadmd.models.ADMDLoss` modules of the model, averaged over
    ranks) shrinks. In ``'adaptive'`` mode the hook tracks
    ``ema_t = momentum * ema_{t-1} + (1 - momentum) * r_t``, takes the EMA at
    the end of warm-up as reference ``L_ref``, and sets every ADMD loss's
    weight to ``w0 * ratio`` with ``ratio = max over t of clip((L_ref /
    ema_t) ** power, 1, max_ratio)``: it never decreases. ``'linear'`` grows
    the ratio from 1 to ``max_ratio`` over training; ``'constant'`` keeps it
    at 1 (the ablation without the module). ``w0`` is each loss's configured
    ``loss_weight``.

    All ranks hold the same weight. The state is saved in checkpoints and
    restored on resume. The ratio is logged as ``admd/weight_ratio``.

    Use it from any scope as
    ``custom_hooks = [dict(type='mmadmd.WeightIncreasingHook')]``.

    Args:
        mode (str): ``'adaptive'``, ``'linear'`` or ``'constant'``.
            Defaults to ``'adaptive'``.
        warmup_iters (int): Iterations before the reference loss is taken;
            the ratio stays 1 until then. Defaults to 500, the end of the
            learning-rate warm-up of mmdet/mmrotate schedules.
        momentum (float): EMA momentum of the raw loss, in [0, 1).
            Defaults to 0.99 (an average over about 100 iterations).
        power (float): Exponent on ``L_ref / ema``. Defaults to 1.0.
        max_ratio (float): Upper bound of the ratio, >= 1. Defaults to 4.0.
        interval (int): Update every ``interval`` iterations. Defaults to 1.

    The defaults are those of ``configs/_base_/admd_fpn.py``, for schedules
    of thousands of iterations; for a few hundred, scale ``warmup_iters``
    and ``momentum`` down (the mini benchmark uses 100 and 0.9; its results
    are in ``docs/benchmarks.md``).
    """

    priority = 'NORMAL'  # before LoggerHook, so the ratio is logged fresh

    def __init__(self,
                 mode: str = 'adaptive',
                 warmup_iters: int = 500,
                 momentum: float = 0.99,
                 power: float = 1.0,
                 max_ratio: float = 4.0,
                 interval: int = 1) -> None:
        if mode not in MODES:
            raise ValueError(f'WeightIncreasingHook: unknown mode {mode!r}; '
                             f'use one of {MODES}.')
        owner = 'WeightIncreasingHook'
        check_number(owner, 'momentum', momentum)
        check_number(owner, 'power', power)
        check_number(owner, 'max_ratio', max_ratio)
        check_number(owner, 'interval', interval, integer=True)
        check_number(owner, 'warmup_iters', warmup_iters, integer=True)
        if not 0 <= momentum < 1:
            raise ValueError('WeightIncreasingHook: momentum must be in '
                             f'[0, 1), got {momentum}.')
        if not power > 0:
            raise ValueError(
                f'WeightIncreasingHook: power must be > 0, got {power}: a '
                'negative power lowers the weight as the loss shrinks, 0 '
                "freezes it at 1. mode='constant' is the run without the "
                'module; 1.0 is the default.')
        if max_ratio < 1:
            raise ValueError('WeightIncreasingHook: max_ratio must be >= 1, '
                             f'got {max_ratio}.')
        if interval < 1 or warmup_iters < 0:
            raise ValueError('WeightIncreasingHook: interval must be >= 1 and '
                             'warmup_iters >= 0, got interval='
                             f'{interval}, warmup_iters={warmup_iters}.')
        self.mode = mode
        self.warmup_iters = warmup_iters
        self.momentum = momentum
        self.power = power
        self.max_ratio = max_ratio
        self.interval = interval
        self.ema: Optional[float] = None
        self.ref: Optional[float] = None
        self.ratio = 1.0
        self.iter = 0
        self._losses: List[ADMDLoss] = []
        self._base_weights: List[float] = []

    def _describe(self) -> str:
        return (f'WeightIncreasingHook(mode={self.mode!r}, warmup_iters='
                f'{self.warmup_iters}, momentum={self.momentum}, power='
                f'{self.power}, max_ratio={self.max_ratio}, interval='
                f'{self.interval})')

    def before_run(self, runner) -> None:
        """Find the ADMD losses and remember their configured weights.

        Two hooks would both rescale the same losses (and only one state is
        saved), so a second WeightIncreasingHook is an error.
        """
        others = [
            h for h in runner.hooks
            if isinstance(h, WeightIncreasingHook) and h is not self
        ]
        if others:
            raise RuntimeError(
                f'{len(others) + 1} WeightIncreasingHooks would rescale the '
                f'same ADMD losses: {self._describe()} and '
                f'{", ".join(h._describe() for h in others)}. The shipped '
                'configs and configs/_base_/admd_fpn.py add it as '
                'default_hooks.admd_weight_increasing: change its '
                'arguments there (e.g. --cfg-options '
                'default_hooks.admd_weight_increasing.warmup_iters=100) and '
                'remove the custom_hooks entry, or disable the default one '
                'with default_hooks.admd_weight_increasing=None.')
        self._losses = find_admd_losses(runner.model)
        if not self._losses:
            model = runner.model.module if is_model_wrapper(
                runner.model) else runner.model
            raise RuntimeError(
                'WeightIncreasingHook found no ADMDLoss module in the model '
                f'({type(model).__name__}). It rescales the loss_weight of '
                "ADMDLoss modules, e.g. distill_losses=dict(loss_admd=dict("
                "type='ADMDLoss', ...)) in an mmrazor distiller. Add one, "
                'or remove the hook from custom_hooks.')
        self._base_weights = [loss.loss_weight for loss in self._losses]

    def before_train(self, runner) -> None:
        """Warn when the adaptive schedule cannot start in this run."""
        if self.mode == 'adaptive' and self.warmup_iters >= runner.max_iters:
            runner.logger.warning(
                f'WeightIncreasingHook: warmup_iters={self.warmup_iters} >= '
                f"the run's max_iters={runner.max_iters}: the reference loss "
                'is never taken and the weight ratio stays 1 (ADMD without '
                'the weight-increasing module). For a short run set it '
                'lower, e.g. --cfg-options '
                'default_hooks.admd_weight_increasing.warmup_iters='
                f'{max(runner.max_iters // 5, 1)}.')

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        """Update the ratio from this iteration's raw loss and apply it."""
        if self.every_n_train_iters(runner, self.interval):
            raw = self._raw_loss()
            # None: no ADMD loss ran (e.g. after StopDistillHook); the
            # same on every rank, so no rank waits in all_reduce.
            if raw is not None and not math.isfinite(raw):
                # The mean over ranks: every rank sees the same non-finite
                # value, so all skip it alike.
                runner.logger.warning(
                    f'WeightIncreasingHook: the raw ADMD loss of iteration '
                    f'{runner.iter + 1} is {raw}; skipped (the EMA and the '
                    f'ratio {self.ratio:.4g} are kept).')
            if raw is not None:
                self.update(raw, runner.iter, runner.max_iters)
                self._apply()
        self.iter = runner.iter + 1
        runner.message_hub.update_scalar('train/admd/weight_ratio',
                                         self.ratio)

    def update(self, raw: float, it: int, max_iters: int) -> float:
        """Advance the state by one update and return the new ratio.

        Args:
            raw (float): Raw ADMD loss ``r_t`` of iteration ``it`` (already
                averaged over ranks).
            it (int): 0-based index of the iteration just trained.
            max_iters (int): Total training iterations (``'linear'`` mode).

        Returns:
            float: The ratio ``w_t / w0`` to apply from the next iteration.
            A non-finite ``raw`` leaves the state as it was (ADMD_SPEC.md,
            section 4).
        """
        if not math.isfinite(raw):
            return self.ratio
        if self.mode == 'linear':
            new = 1 + (self.max_ratio - 1) * (it + 1) / max(max_iters, 1)
        elif self.mode == 'adaptive':
            if self.ema is None:
                self.ema = raw
            else:
                self.ema = self.momentum * self.ema + \
                    (1 - self.momentum) * raw
            if self.ref is None and it + 1 >= self.warmup_iters:
                self.ref = self.ema
            new = 1.0
            if self.ref is not None and self.ema > 0:
                new = (self.ref / self.ema)**self.power
        else:
            new = 1.0
        if not math.isfinite(new):
            new = self.max_ratio
        self.ratio = max(self.ratio, min(max(new, 1.0), self.max_ratio))
        return self.ratio

    def _raw_loss(self) -> Optional[float]:
        """Sum of the raw losses since the last read, averaged over ranks."""
        values = [
            loss.last_raw_loss for loss in self._losses
            if loss.last_raw_loss is not None
        ]
        if not values:
            return None
        for loss in self._losses:
            loss.last_raw_loss = None
        raw = torch.stack([v.float() for v in values]).sum()
        all_reduce(raw, op='mean')
        return raw.item()

    def _apply(self) -> None:
        for loss, base in zip(self._losses, self._base_weights):
            loss.loss_weight = base * self.ratio

    def state_dict(self) -> Dict:
        """The hook's state: ``ema``, ``ref``, ``ratio`` and ``iter``."""
        return dict(
            ema=self.ema, ref=self.ref, ratio=self.ratio, iter=self.iter)

    def load_state_dict(self, state: Dict) -> None:
        """Restore :meth:`state_dict` output and re-apply the weights."""
        self.ema, self.ref = state['ema'], state['ref']
        self.ratio, self.iter = state['ratio'], state['iter']
        self._apply()

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Save the state under ``checkpoint['admd_weight_increasing']``."""
        checkpoint['admd_weight_increasing'] = self.state_dict()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """On resume, continue with the saved state.

        Loading weights with ``load_from`` alone (fine-tuning, testing)
        starts a fresh schedule, so only a resume restores the state.
        """
        if getattr(runner, '_resume', False) and \
                'admd_weight_increasing' in checkpoint:
            self.load_state_dict(checkpoint['admd_weight_increasing'])
