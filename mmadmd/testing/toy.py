# Copyright (c) mmadmd contributors. All rights reserved.
"""Tiny student/teacher detectors and data for fast CPU tests.

``ToyDetector`` has the interface mmrazor's ``FpnTeacherDistill`` needs from
an mmdet detector (``extract_feat`` giving FPN-like levels and
``forward(mode='loss')``) and trains in milliseconds.
"""
import copy
from typing import Dict, List, Optional

import torch
import torch.nn.functional as F
from mmengine.dataset import DefaultSampler
from mmengine.model import BaseModel
from mmengine.registry import DATASETS, MODELS
from torch import nn
from torch.utils.data import Dataset


@MODELS.register_module(force=True)
class ToyDetector(BaseModel):
    """Two-level 'FPN' over a conv stem; the task loss regresses a target.

    Args:
        width (int): Stem width (teacher wider than student).
        out_channels (int): Channels of each level. Defaults to 8.
        seed (int): Seed of the weight initialization.
    """

    def __init__(self,
                 width: int = 4,
                 out_channels: int = 8,
                 seed: int = 0,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor or dict(
                type='ImgDataPreprocessor', mean=[127.5] * 3, std=[64.0] * 3),
            init_cfg=init_cfg)
        gen = torch.Generator().manual_seed(seed)
        self.backbone = nn.Conv2d(3, width, 3, padding=1)
        self.neck = ToyNeck(width, out_channels)
        self.head = nn.Conv2d(out_channels, 1, 1)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn(p.shape, generator=gen) * 0.3)

    def extract_feat(self, inputs: torch.Tensor):
        return self.neck(F.relu(self.backbone(inputs)))

    def forward(self, inputs, data_samples=None, mode='tensor'):
        feats = self.extract_feat(inputs)
        if mode == 'loss':
            pred = self.head(feats[0]).mean(dim=(1, 2, 3))
            target = inputs.mean(dim=(1, 2, 3))
            return dict(loss_task=F.mse_loss(pred, target))
        return feats


class ToyNeck(nn.Module):
    """Two levels, strides 1 and 2."""

    def __init__(self, width: int, out_channels: int) -> None:
        super().__init__()
        self.p1 = nn.Conv2d(width, out_channels, 1)
        self.p2 = nn.Conv2d(width, out_channels, 3, stride=2, padding=1)

    def forward(self, x):
        return (self.p1(x), self.p2(x))


@DATASETS.register_module(force=True)
class ToyImages(Dataset):
    """Deterministic uint8 images, ``size`` x ``size``, as mmengine batches.

    Args:
        length (int): Number of images. Defaults to 16.
        size (int): Image side. Defaults to 16.
    """

    def __init__(self, length: int = 16, size: int = 16) -> None:
        gen = torch.Generator().manual_seed(123)
        self.images = torch.randint(
            0, 256, (length, 3, size, size), generator=gen,
            dtype=torch.uint8)

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, idx: int) -> Dict:
        return dict(inputs=self.images[idx], data_samples=None)


def distill_model_cfg(loss_weight: float = 1.0,
                      with_admd: bool = True,
                      extra_recorders: Optional[dict] = None) -> Dict:
    """An mmrazor FpnTeacherDistill over two ToyDetectors with ADMD."""
    losses, mappings = {}, {}
    if with_admd:
        losses = dict(loss_admd=dict(type='ADMDLoss', loss_weight=loss_weight))
        mappings = dict(
            loss_admd=dict(
                preds_S=dict(from_student=True, recorder='fpn'),
                preds_T=dict(from_student=False, recorder='fpn')))
    student_recorders = dict(fpn=dict(type='ModuleOutputs', source='neck'))
    student_recorders.update(extra_recorders or {})
    return dict(
        _scope_='mmrazor',
        type='FpnTeacherDistill',
        architecture=dict(type='mmengine.ToyDetector', width=4, seed=1),
        teacher=dict(type='mmengine.ToyDetector', width=8, seed=2),
        distiller=dict(
            type='ConfigurableDistiller',
            student_recorders=student_recorders,
            teacher_recorders=dict(
                fpn=dict(type='ModuleOutputs', source='neck')),
            distill_losses=losses,
            loss_forward_mappings=mappings))


def runner_cfg(work_dir: str,
               max_iters: int = 8,
               custom_hooks: Optional[List[dict]] = None,
               model: Optional[dict] = None,
               **kwargs) -> Dict:
    """A CPU mmengine Runner config training the toy distillation."""
    cfg = dict(
        model=model or distill_model_cfg(),
        work_dir=work_dir,
        train_dataloader=dict(
            dataset=dict(type='mmengine.ToyImages'),
            sampler=dict(type=DefaultSampler.__name__, shuffle=False),
            batch_size=2,
            num_workers=0),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05)),
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=2),
            checkpoint=dict(
                type='CheckpointHook', by_epoch=False, interval=max_iters)),
        custom_hooks=custom_hooks or [],
        env_cfg=dict(dist_cfg=dict(backend='gloo')),
        randomness=dict(seed=0),
        log_level='WARNING')
    cfg.update(kwargs)
    return copy.deepcopy(cfg)
