# Copyright (c) mmadmd contributors. All rights reserved.
import glob
import os.path as osp

import cv2
import numpy as np
import torch
from mmengine.runner import Runner

from mmadmd.engine import mask_heatmap
from readme import doc_blocks
from mmadmd.testing.toy import runner_cfg


def test_mask_heatmap_shape_and_peak():
    image = np.full((20, 30, 3), 128, np.uint8)
    mask = torch.zeros(5, 6)
    mask[4, 5] = 10.0  # peak at bottom right
    picture = mask_heatmap(image, mask, alpha=1.0)
    assert picture.shape == (20, 30, 3) and picture.dtype == np.uint8
    # JET: the peak is red (BGR channel 2), zero is blue (channel 0).
    peak, low = picture[-1, -1].astype(int), picture[0, 0].astype(int)
    assert peak[2] >= 128 and peak[0] == 0
    assert low[0] >= 128 and low[2] == 0


def test_hook_writes_pngs_and_visualizer_images(tmp_path):
    cfg = runner_cfg(
        str(tmp_path),
        max_iters=4,
        custom_hooks=[
            dict(
                type='mmadmd.DiscrepancyMaskVisualizationHook',
                interval=2,
                max_images=2)
        ],
        experiment_name='vis')
    runner = Runner.from_cfg(cfg)
    runner.train()
    files = sorted(glob.glob(str(tmp_path / 'vis' / 'masks' / '*.png')))
    names = [osp.basename(f) for f in files]
    # iterations 2 and 4, two images, two levels
    assert len(files) == 8
    assert 'iter_000002_img1_level0.png' in names
    assert 'iter_000004_img0_level1.png' in names
    for f in files:
        picture = cv2.imread(f)
        assert picture is not None and picture.shape == (16, 16, 3)
    # ... and through the visualizer's backends (here the local one).
    vis = glob.glob(
        osp.join(runner.log_dir, 'vis_data', 'vis_image', '**', '*.png'),
        recursive=True)
    assert len(vis) == 8


def test_readme_snippets_send_masks_to_tensorboard(tmp_path):
    # The visualization guide's two "Mask pictures" snippets, as printed.
    blocks = doc_blocks('docs/user_guides/visualization.md',
                        '## Mask pictures', 'python')
    assert len(blocks) == 2 and 'TensorboardVisBackend' in blocks[1]
    scope = {}
    for block in blocks:
        exec(block, scope)
    hook = dict(scope['custom_hooks'][0], interval=2)
    cfg = runner_cfg(
        str(tmp_path), max_iters=2, custom_hooks=[hook],
        visualizer=dict(type='Visualizer', name='readme_tb',
                        **scope['visualizer']),
        experiment_name='readme')
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert glob.glob(str(tmp_path / 'vis' / 'masks' / '*.png'))
    events = glob.glob(
        osp.join(runner.log_dir, 'vis_data', '**', 'events.out.tfevents.*'),
        recursive=True)
    assert events, 'no TensorBoard event file'
