# Copyright (c) mmadmd contributors. All rights reserved.
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmrazor.registry import MODELS

from ..utils.arguments import check_number
from ..utils.discrepancy import (MASK_TYPES, NORMALIZE_TYPES,
                                 DiscrepancyMasker, pixel_error)

Features = Union[torch.Tensor, Sequence[torch.Tensor]]


@MODELS.register_module()
class ADMDLoss(nn.Module):
    """Adaptive Discrepancy Masked Distillation loss, from `Adaptive
    Discrepancy Masked Distillation for remote sensing object detection
    <https://doi.org/10.1016/j.isprsjprs.2025.02.006>`_ (ISPRS 2025).

    Feature imitation weighted, per pixel, by where the student lags the
    teacher most. For each level, with student ``S`` and teacher ``T``
    aligned and (by default) standardized per channel::

        e = mean_c (T - S)^2                        # (N, H, W), with grad
        M = H*W * softmax_hw(dn / tau)              # dn = sqrt(e) / mean
        L = loss_weight * sum_levels mean_nhw(M * e)

    The mask is detached; gradients reach the student (and the optional
    1x1 align conv) only. The math runs in float32, also under autocast.
    See ``ADMD_SPEC.md`` for the full definition. The unweighted value of the
    last call is kept in ``last_raw_loss`` for
    :class:`~mmadmd.engine.WeightIncreasingHook`, which rescales
    ``loss_weight`` during training.

    Args:
        loss_weight (float): Weight of the loss, > 0. Defaults to 1.0.
        tau (float): Softmax temperature of the mask, > 0. Large values tend
            to plain feature MSE. Defaults to 1.0.
        mask_type (str): ``'softmax'`` or ``'linear'``. Defaults to
            ``'softmax'``.
        normalize (str): ``'channel'`` standardizes student and teacher per
            channel over (N, H, W) as PKD does; ``'none'`` keeps raw
            features. Defaults to ``'channel'``.
        resize_stu (bool): Resize the student feature bilinearly to the
            teacher's spatial size when they differ; if False, a size
            mismatch is an error. Defaults to True.
        student_channels (int, optional): Student channels. With
            ``teacher_channels``, adds a learnable 1x1 conv (shared by all
            levels) mapping the student to the teacher's channels. Defaults
            to None.
        teacher_channels (int, optional): Teacher channels. Defaults to None.

    Examples:
        >>> loss = ADMDLoss(loss_weight=2.0)
        >>> feats_s = (torch.rand(2, 8, 16, 16), torch.rand(2, 8, 8, 8))
        >>> feats_t = (torch.rand(2, 8, 16, 16), torch.rand(2, 8, 8, 8))
        >>> loss(feats_s, feats_t).shape
        torch.Size([])
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 tau: float = 1.0,
                 mask_type: str = 'softmax',
                 normalize: str = 'channel',
                 resize_stu: bool = True,
                 student_channels: Optional[int] = None,
                 teacher_channels: Optional[int] = None) -> None:
        super().__init__()
        check_number(
            'ADMDLoss',
            'loss_weight',
            loss_weight,
            low=0,
            hint='A negative weight pushes the student away from the '
            'teacher, 0 turns the distillation off: remove the loss for a '
            'run without ADMD (the student config trains it alone).')
        check_number(
            'ADMDLoss',
            'tau',
            tau,
            low=0,
            hint='Large tau gives a uniform mask, small tau a peaked one; '
            '1.0 is the default.')
        for name, value in (('student_channels', student_channels),
                            ('teacher_channels', teacher_channels)):
            if value is not None:
                check_number('ADMDLoss', name, value, low=0, integer=True)
        if mask_type not in MASK_TYPES:
            raise ValueError(f'ADMDLoss: unknown mask_type {mask_type!r}; '
                             f'use one of {MASK_TYPES}.')
        if normalize not in NORMALIZE_TYPES:
            raise ValueError(f'ADMDLoss: unknown normalize {normalize!r}; '
                             f'use one of {NORMALIZE_TYPES}.')
        if (student_channels is None) != (teacher_channels is None):
            raise ValueError('ADMDLoss: give both student_channels and '
                             'teacher_channels, or neither; got '
                             f'student_channels={student_channels}, '
                             f'teacher_channels={teacher_channels}.')
        self.loss_weight = loss_weight
        self.tau = tau
        self.mask_type = mask_type
        self.normalize = normalize
        self.resize_stu = resize_stu
        self.student_channels = student_channels
        self.teacher_channels = teacher_channels
        if student_channels is not None and \
                student_channels != teacher_channels:
            self.align: Optional[nn.Module] = nn.Conv2d(
                student_channels, teacher_channels, kernel_size=1)
        else:
            self.align = None
        self.last_raw_loss: Optional[torch.Tensor] = None
        # Computes every level's mask: DiscrepancyMaskRecorder hooks it.
        self.masker = DiscrepancyMasker()

    def _check_level(self, idx: int, feat_s: torch.Tensor,
                     feat_t: torch.Tensor) -> None:
        """Raise a clear error for inputs the loss cannot compare."""
        for who, feat in (('student', feat_s), ('teacher', feat_t)):
            if not isinstance(feat, torch.Tensor) or feat.dim() != 4:
                shape = tuple(feat.shape) if isinstance(
                    feat, torch.Tensor) else type(feat).__name__
                raise ValueError(
                    f'ADMDLoss: level {idx}: the {who} feature must be a 4D '
                    f'(N, C, H, W) tensor, got {shape}. Record the FPN '
                    'outputs (e.g. source="neck"), not a head output.')
            if not torch.isfinite(feat).all():
                raise ValueError(
                    f'ADMDLoss: level {idx}: the {who} feature contains NaN '
                    f'or Inf (shape {tuple(feat.shape)}). Check the '
                    f'{who}\'s training (learning rate, AMP loss scale) or '
                    'its checkpoint.')
        if feat_s.shape[0] != feat_t.shape[0]:
            raise ValueError(
                f'ADMDLoss: level {idx}: batch sizes differ, student '
                f'{tuple(feat_s.shape)} vs teacher {tuple(feat_t.shape)}.')
        # Without align arguments the student must already match.
        expect_s = self.student_channels or feat_t.shape[1]
        expect_t = self.teacher_channels or feat_t.shape[1]
        if feat_s.shape[1] != expect_s or feat_t.shape[1] != expect_t:
            raise ValueError(
                f'ADMDLoss: level {idx}: channels differ, student '
                f'{tuple(feat_s.shape)} vs teacher {tuple(feat_t.shape)} '
                f'(student_channels={self.student_channels}, '
                f'teacher_channels={self.teacher_channels}). Set '
                f'student_channels={feat_s.shape[1]} and '
                f'teacher_channels={feat_t.shape[1]} to add a learnable 1x1 '
                'align conv.')
        if feat_s.shape[2:] != feat_t.shape[2:] and not self.resize_stu:
            raise ValueError(
                f'ADMDLoss: level {idx}: spatial sizes differ, student '
                f'{tuple(feat_s.shape)} vs teacher {tuple(feat_t.shape)}, '
                'and resize_stu=False. Set resize_stu=True to resize the '
                'student bilinearly, or feed features of equal size.')

    def level_error(self, idx: int, feat_s: torch.Tensor,
                    feat_t: torch.Tensor) -> torch.Tensor:
        """Align one level and return its per-pixel error map.

        Args:
            idx (int): Level index, for error messages.
            feat_s (torch.Tensor): Student feature, (N, Cs, Hs, Ws).
            feat_t (torch.Tensor): Teacher feature, (N, C, H, W).

        Returns:
            torch.Tensor: Float32 error map ``e`` of shape (N, H, W).
        """
        self._check_level(idx, feat_s, feat_t)
        # The loss is a sum of many small squared differences: do it in
        # float32 even under fp16/bf16 autocast.
        with torch.autocast(device_type=feat_s.device.type, enabled=False):
            feat_s, feat_t = feat_s.float(), feat_t.float().detach()
            if self.align is not None:
                feat_s = self.align(feat_s)
            if feat_s.shape[2:] != feat_t.shape[2:]:
                feat_s = F.interpolate(
                    feat_s,
                    feat_t.shape[2:],
                    mode='bilinear',
                    align_corners=False)
            return pixel_error(feat_s, feat_t, self.normalize)

    def forward(self, preds_S: Features, preds_T: Features) -> torch.Tensor:
        """Forward computation.

        Args:
            preds_S (torch.Tensor | Sequence[torch.Tensor]): Student
                feature(s), each of shape (N, Cs, Hs, Ws).
            preds_T (torch.Tensor | Sequence[torch.Tensor]): Teacher
                feature(s), each of shape (N, C, H, W), as many as the
                student's.

        Returns:
            torch.Tensor: The weighted loss, a float32 scalar.
        """
        preds_S, preds_T = self._as_levels(preds_S, preds_T)
        if preds_S[0].shape[0] == 0:
            return self._empty_batch_loss(preds_S, preds_T)
        raw = preds_S[0].new_zeros((), dtype=torch.float32)
        for idx, (feat_s, feat_t) in enumerate(zip(preds_S, preds_T)):
            error = self.level_error(idx, feat_s, feat_t)
            mask = self.masker(error, self.tau, self.mask_type)
            raw = raw + (mask * error).mean()
        self.last_raw_loss = raw.detach()
        return self.loss_weight * raw

    def _empty_batch_loss(self, preds_S: Sequence[torch.Tensor],
                          preds_T: Sequence[torch.Tensor]) -> torch.Tensor:
        """Exactly 0 for an empty batch (ADMD_SPEC.md, section 3), still
        connected to the student's features and the align conv, so that DDP
        and the optimizer see every parameter. No mask is computed and
        ``last_raw_loss`` is left alone: the hook gets no value."""
        for idx, (feat_s, feat_t) in enumerate(zip(preds_S, preds_T)):
            self._check_level(idx, feat_s, feat_t)
        zero = preds_S[0].new_zeros((), dtype=torch.float32)
        for feat_s in preds_S:
            zero = zero + feat_s.float().sum() * 0
        for param in self.parameters():
            zero = zero + param.float().sum() * 0
        return zero

    @staticmethod
    def _as_levels(preds_S: Features,
                   preds_T: Features) -> Tuple[Sequence[torch.Tensor],
                                               Sequence[torch.Tensor]]:
        """Turn one tensor or a sequence into sequences of equal length."""
        if isinstance(preds_S, torch.Tensor):
            preds_S = (preds_S, )
        if isinstance(preds_T, torch.Tensor):
            preds_T = (preds_T, )
        if len(preds_S) != len(preds_T) or len(preds_S) == 0:
            raise ValueError(
                f'ADMDLoss: the student gives {len(preds_S)} levels and the '
                f'teacher {len(preds_T)}; they must match (and be > 0). '
                'Record the same FPN outputs on both, or pair levels of '
                'equal stride with one ADMDLoss per level and data_idx in '
                'loss_forward_mappings (e.g. P3-P5 of a RetinaNet and the '
                'three levels of an RTMDet: data_idx 0, 1, 2 on both; see '
                'docs/support_matrix.md).')
        return preds_S, preds_T
