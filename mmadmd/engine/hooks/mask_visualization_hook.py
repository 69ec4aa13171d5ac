# Copyright (c) mmadmd contributors. All rights reserved.
import os.path as osp
from typing import List, Optional, Sequence, Union

import cv2
import mmcv
import numpy as np
import torch
import torch.nn.functional as F
from mmengine.dist import master_only
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmadmd.models.task_modules import DiscrepancyMaskRecorder
from mmadmd.registry import HOOKS

DATA_BATCH = Optional[Union[dict, tuple, list]]


def mask_heatmap(image: np.ndarray,
                 mask: torch.Tensor,
                 alpha: float = 0.5) -> np.ndarray:
    """Blend a discrepancy mask, as a JET heatmap, over an image.

    Args:
        image (np.ndarray): BGR uint8 image, (H, W, 3).
        mask (torch.Tensor): Mask of shape (h, w) covering the image.
        alpha (float): Heatmap opacity. Defaults to 0.5.

    Returns:
        np.ndarray: BGR uint8 picture of shape (H, W, 3).
    """
    h, w = image.shape[:2]
    mask = F.interpolate(
        mask[None, None].float(), (h, w), mode='bilinear',
        align_corners=False)[0, 0].cpu().numpy()
    # Scale by the maximum, not min-max: mean-1 masks stay comparable.
    mask = np.clip(mask / max(float(mask.max()), 1e-6), 0, 1)
    heat = cv2.applyColorMap((mask * 255).astype(np.uint8), cv2.COLORMAP_JET)
    return cv2.addWeighted(image, 1 - alpha, heat, alpha, 0)


@HOOKS.register_module()
class DiscrepancyMaskVisualizationHook(Hook):
    """Draw ADMD's discrepancy masks over the input images during training.

    Every ``interval`` iterations, for the first ``max_images`` images of the
    batch and every level, it writes the mask heatmap over the input image
    to ``{work_dir}/{out_dir}/iter_{i}_img{k}_level{l}.png`` and to the
    runner's visualizer backends (TensorBoard when configured) as
    ``admd_mask_img{k}_level{l}``. The masks come from a
    :class:`~mmadmd.models.DiscrepancyMaskRecorder`: they are the ones the
    loss used.

    Use it as ``custom_hooks = [dict(type='mmadmd.DiscrepancyMaskVisualizationHook',
    interval=500)]``.

    Args:
        interval (int): Draw every ``interval`` training iterations.
            Defaults to 500.
        max_images (int): Images per batch to draw. Defaults to 1.
        out_dir (str): Folder under ``work_dir``. Defaults to
            ``'vis/masks'``.
        alpha (float): Heatmap opacity. Defaults to 0.5.
        record_idx (int): Which ADMD loss call to draw when a model has
            several. Defaults to 0.
    """

    priority = 'LOW'

    def __init__(self,
                 interval: int = 500,
                 max_images: int = 1,
                 out_dir: str = 'vis/masks',
                 alpha: float = 0.5,
                 record_idx: int = 0) -> None:
        self.interval = interval
        self.max_images = max_images
        self.out_dir = out_dir
        self.alpha = alpha
        self.record_idx = record_idx
        self.recorder = DiscrepancyMaskRecorder()

    def before_train(self, runner) -> None:
        """Start receiving the masks of the model's ADMD losses."""
        self.recorder.initialize(runner.model)

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch: DATA_BATCH = None) -> None:
        """Drop the previous iteration's masks."""
        self.recorder.reset_data_buffer()

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        """Draw this iteration's masks every ``interval`` iterations."""
        if self.every_n_train_iters(runner, self.interval) and \
                self.recorder.data_buffer:
            self._draw(runner, data_batch)
        self.recorder.reset_data_buffer()

    @master_only
    def _draw(self, runner, data_batch: dict) -> None:
        masks = self.recorder.get_record_data(self.record_idx)
        images = self._images(runner, data_batch)
        step = runner.iter + 1
        out_dir = osp.join(runner.work_dir, self.out_dir)
        for k, (image, crop) in enumerate(images[:self.max_images]):
            for level, mask in enumerate(masks):
                # The mask covers the padded batch; keep the image's part.
                mh, mw = mask.shape[1:]
                ph, pw = crop[2:]
                part = mask[k, :max(1, round(mh * crop[0] / ph)),
                            :max(1, round(mw * crop[1] / pw))]
                picture = mask_heatmap(image, part, self.alpha)
                name = f'iter_{step:06d}_img{k}_level{level}.png'
                mmcv.imwrite(picture, osp.join(out_dir, name))
                runner.visualizer.add_image(
                    f'admd_mask_img{k}_level{level}',
                    mmcv.bgr2rgb(picture),
                    step=step)

    @staticmethod
    def _images(runner, data_batch: dict) -> List[tuple]:
        """BGR uint8 images of the batch, with ``(h, w, pad_h, pad_w)``."""
        inputs = data_batch['inputs']
        samples: Sequence = data_batch.get('data_samples') or []
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        result = []
        for k, img in enumerate(inputs):
            img = img.detach().cpu()
            if img.dtype != torch.uint8:
                # Already normalized: undo the data preprocessor.
                pre = getattr(model, 'data_preprocessor', None)
                if getattr(pre, '_enable_normalize', False):
                    img = img * pre.std.cpu() + pre.mean.cpu()
                img = img.clamp(0, 255).to(torch.uint8)
            image = np.ascontiguousarray(img.permute(1, 2, 0).numpy())
            h, w = image.shape[:2]
            meta = getattr(samples[k], 'metainfo', {}) \
                if k < len(samples) else {}
            pad_h, pad_w = meta.get('batch_input_shape', (h, w))
            result.append((image, (h, w, pad_h, pad_w)))
        return result
