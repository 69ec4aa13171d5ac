# Copyright (c) mmadmd contributors. All rights reserved.
from typing import Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import constant_init, kaiming_init
from mmengine.structures import InstanceData
from mmrazor.registry import MODELS

from ..utils.arguments import check_number


@MODELS.register_module()
class FGDLoss(nn.Module):
    """Focal and Global Knowledge Distillation loss, from `Focal and Global
    Knowledge Distillation for Detectors
    <https://arxiv.org/abs/2111.11837>`_ (CVPR 2022), for one FPN level.

    Not in mmrazor 1.0.0 (open-mmlab/mmrazor#582). Four terms::

        L = alpha_fgd * L_fg + beta_fgd * L_bg      # focal: attention- and
          + gamma_fgd * L_at                         #   box-masked imitation
          + lambda_fgd * L_global                    # global: GcBlock relation

    - Spatial attention ``A_s = H*W * softmax_hw(mean_c|F| / temp)`` and
      channel attention ``A_c = C * softmax_c(mean_hw|F| / temp)``, from the
      teacher, weight the squared error ``(S - T)^2``.
    - The foreground mask is ``1 / (h_box * w_box)`` inside each ground-truth
      box (scaled to the feature map; the largest where boxes overlap), the
      background mask ``1 / #background pixels`` outside all boxes.
      Rotated boxes use their horizontal hull.
    - ``L_at`` is the L1 distance between the student's and the teacher's
      attention maps; ``L_global`` the squared error after a GcBlock on each
      side (its parameters are learnt with the student).

    Sums are divided by the batch size, as in the paper's code, so the
    published weights (RetinaNet: ``temp=0.5, alpha_fgd=0.001,
    beta_fgd=0.0005, gamma_fgd=0.0005, lambda_fgd=0.000005``) keep their
    scale. The math runs in float32, also under autocast, and the masks of
    the whole batch are built with tensor operations (no loop over boxes).

    Args:
        student_channels (int): Channels of the student's feature.
        teacher_channels (int): Channels of the teacher's feature. If they
            differ, a learnable 1x1 conv aligns the student.
        temp (float): Temperature of the attention softmaxes. Defaults to 0.5.
        alpha_fgd (float): Weight of the foreground loss. Defaults to 0.001.
        beta_fgd (float): Weight of the background loss. Defaults to 0.0005.
        gamma_fgd (float): Weight of the attention loss. Defaults to 0.001.
        lambda_fgd (float): Weight of the global (relation) loss. Defaults
            to 0.000005.

    Examples:
        >>> from mmengine.structures import InstanceData
        >>> from mmdet.structures import DetDataSample
        >>> sample = DetDataSample(metainfo=dict(batch_input_shape=(64, 64)))
        >>> sample.gt_instances = InstanceData(
        ...     bboxes=torch.tensor([[8., 8., 24., 40.]]))
        >>> loss = FGDLoss(student_channels=16, teacher_channels=16)
        >>> loss(torch.rand(1, 16, 8, 8), torch.rand(1, 16, 8, 8),
        ...      [sample]).shape
        torch.Size([])
    """

    def __init__(self,
                 student_channels: int,
                 teacher_channels: int,
                 temp: float = 0.5,
                 alpha_fgd: float = 0.001,
                 beta_fgd: float = 0.0005,
                 gamma_fgd: float = 0.001,
                 lambda_fgd: float = 0.000005) -> None:
        super().__init__()
        check_number('FGDLoss', 'temp', temp, low=0)
        for name, value in (('alpha_fgd', alpha_fgd), ('beta_fgd', beta_fgd),
                            ('gamma_fgd', gamma_fgd),
                            ('lambda_fgd', lambda_fgd)):
            # 0 switches a term off (FGD's ablations); < 0 inverts it.
            check_number('FGDLoss', name, value, low=0, low_inclusive=True)
        for name, value in (('student_channels', student_channels),
                            ('teacher_channels', teacher_channels)):
            check_number('FGDLoss', name, value, low=0, integer=True)
        self.temp = temp
        self.alpha_fgd = alpha_fgd
        self.beta_fgd = beta_fgd
        self.gamma_fgd = gamma_fgd
        self.lambda_fgd = lambda_fgd
        self.align = nn.Conv2d(student_channels, teacher_channels, 1) \
            if student_channels != teacher_channels else None
        self.student_context = _GlobalContext(teacher_channels)
        self.teacher_context = _GlobalContext(teacher_channels)

    @staticmethod
    def attention(feat: torch.Tensor,
                  temp: float) -> Tuple[torch.Tensor, torch.Tensor]:
        """Spatial (N, H, W) and channel (N, C) attention, each with mean 1.

        Args:
            feat (torch.Tensor): A feature of shape (N, C, H, W).
            temp (float): Softmax temperature.

        Returns:
            tuple[torch.Tensor, torch.Tensor]: Spatial and channel attention.
        """
        n, c, h, w = feat.shape
        value = feat.abs()
        spatial = h * w * F.softmax(
            value.mean(dim=1).reshape(n, -1) / temp, dim=1)
        channel = c * F.softmax(value.mean(dim=(2, 3)) / temp, dim=1)
        return spatial.reshape(n, h, w), channel

    @staticmethod
    def box_masks(data_samples: Sequence, size: Tuple[int, int],
                  device: torch.device) -> Tuple[torch.Tensor, torch.Tensor]:
        """Foreground and background masks of a batch on a feature map.

        Args:
            data_samples (Sequence[DetDataSample]): With ``gt_instances``
                (horizontal or rotated ``bboxes``) and ``batch_input_shape``
                (or ``pad_shape``/``img_shape``) in their metainfo.
            size (tuple[int, int]): The feature map's (H, W).
            device (torch.device): Device of the masks.

        Returns:
            tuple[torch.Tensor, torch.Tensor]: Float32 masks of shape
            (N, H, W): foreground ``1/area`` of the smallest covering box,
            background ``1/#background pixels`` (zero where foreground).
        """
        height, width = size
        boxes, owners = [], []
        for idx, sample in enumerate(data_samples):
            scaled = _feature_boxes(sample, height, width).to(device)
            boxes.append(scaled)
            owners.append(torch.full((len(scaled), ), idx, device=device))
        boxes = torch.cat(boxes)
        owners = torch.cat(owners)
        num = len(data_samples)
        fg = torch.zeros(num, height * width, device=device)
        if len(boxes):
            x1, y1 = boxes[:, 0].floor(), boxes[:, 1].floor()
            x2, y2 = boxes[:, 2].ceil(), boxes[:, 3].ceil()
            area = 1.0 / ((y2 - y1 + 1) * (x2 - x1 + 1))
            ys = torch.arange(height, device=device).view(1, -1, 1)
            xs = torch.arange(width, device=device).view(1, 1, -1)
            inside = (ys >= y1.view(-1, 1, 1)) & (ys <= y2.view(-1, 1, 1)) \
                & (xs >= x1.view(-1, 1, 1)) & (xs <= x2.view(-1, 1, 1))
            values = inside * area.view(-1, 1, 1)
            values = values.flatten(1)
            fg.scatter_reduce_(0, owners.view(-1, 1).expand_as(values),
                               values, 'amax')
        bg = (fg == 0).float()
        bg = bg / bg.sum(dim=1, keepdim=True).clamp(min=1)
        return fg.view(num, height, width), bg.view(num, height, width)

    def forward(self, preds_S: torch.Tensor, preds_T: torch.Tensor,
                data_samples: Sequence) -> torch.Tensor:
        """Forward computation.

        Args:
            preds_S (torch.Tensor): Student feature, (N, Cs, H, W).
            preds_T (torch.Tensor): Teacher feature, (N, C, H, W).
            data_samples (Sequence[DetDataSample]): The batch's samples with
                their ground-truth boxes (record the inputs of the student's
                ``loss`` method, see ``configs/_base_/kd_methods.py``).

        Returns:
            torch.Tensor: The weighted loss, a float32 scalar.
        """
        if preds_S.dim() != 4 or preds_T.dim() != 4 or \
                preds_S.shape[0] != preds_T.shape[0] or \
                preds_S.shape[2:] != preds_T.shape[2:]:
            raise ValueError(
                'FGDLoss: student and teacher features must be (N, C, H, W) '
                'with equal N, H and W; got student '
                f'{tuple(preds_S.shape)}, teacher {tuple(preds_T.shape)}. '
                'FGDLoss takes one level: map each FPN level with data_idx.')
        if len(data_samples) != preds_S.shape[0]:
            raise ValueError(
                f'FGDLoss: {len(data_samples)} data samples for a batch of '
                f'{preds_S.shape[0]}: record the inputs of the student\'s '
                '`loss` method and use data_idx=1.')
        with torch.autocast(device_type=preds_S.device.type, enabled=False):
            feat_s, feat_t = preds_S.float(), preds_T.float().detach()
            if self.align is not None:
                feat_s = self.align(feat_s)
            num = feat_s.shape[0]
            spatial_t, channel_t = self.attention(feat_t, self.temp)
            spatial_s, channel_s = self.attention(feat_s, self.temp)
            fg, bg = self.box_masks(data_samples, feat_t.shape[2:],
                                    feat_t.device)

            # Attention-weighted squared error, once for both masks.
            weighted = ((feat_s - feat_t).pow(2) *
                        channel_t[:, :, None, None]).sum(dim=1) * spatial_t
            loss_fg = (weighted * fg).sum() / num
            loss_bg = (weighted * bg).sum() / num
            loss_at = ((channel_s - channel_t).abs().sum() +
                       (spatial_s - spatial_t).abs().sum()) / num
            loss_global = (self.student_context(feat_s) -
                           self.teacher_context(feat_t)).pow(2).sum() / num
            return (self.alpha_fgd * loss_fg + self.beta_fgd * loss_bg +
                    self.gamma_fgd * loss_at + self.lambda_fgd * loss_global)


class _GlobalContext(nn.Module):
    """The GcBlock of FGD's global loss: ``x + transform(pool(x))``."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv_mask = nn.Conv2d(channels, 1, kernel_size=1)
        self.channel_add = nn.Sequential(
            nn.Conv2d(channels, channels // 2, kernel_size=1),
            nn.LayerNorm([channels // 2, 1, 1]), nn.ReLU(inplace=True),
            nn.Conv2d(channels // 2, channels, kernel_size=1))
        kaiming_init(self.conv_mask, mode='fan_in')
        # The block starts as the identity: the last conv is zero.
        constant_init(self.channel_add[-1], val=0)

    def forward(self, feat: torch.Tensor) -> torch.Tensor:
        """Add the attention-pooled global context to every pixel."""
        n, c = feat.shape[:2]
        weights = F.softmax(self.conv_mask(feat).reshape(n, 1, -1), dim=2)
        context = torch.bmm(feat.reshape(n, c, -1), weights.transpose(1, 2))
        return feat + self.channel_add(context.reshape(n, c, 1, 1))


def _feature_boxes(sample, height: int, width: int) -> torch.Tensor:
    """A sample's ground-truth boxes as (k, 4) x1y1x2y2 on an (H, W) map."""
    from mmdet.structures.bbox import BaseBoxes
    gt: InstanceData = sample.gt_instances
    boxes = gt.bboxes
    if isinstance(boxes, BaseBoxes):
        if boxes.box_dim != 4:  # rotated: the horizontal hull
            boxes = boxes.convert_to('hbox')
        boxes = boxes.tensor
    meta = sample.metainfo
    shape = meta.get('batch_input_shape', meta.get('pad_shape',
                                                   meta.get('img_shape')))
    if shape is None:
        raise ValueError('FGDLoss: a data sample has no batch_input_shape, '
                         'pad_shape or img_shape in its metainfo.')
    scale = boxes.new_tensor([
        width / shape[1], height / shape[0], width / shape[1],
        height / shape[0]
    ])
    return boxes.float().reshape(-1, 4) * scale

