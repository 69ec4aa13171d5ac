# Copyright (c) mmadmd contributors. All rights reserved.
"""Tiny fake NWPU VHR-10 releases (the release's folder layout and ground
truth format), for tests of the dataset class and the split tool."""
import os
import os.path as osp

import cv2
import numpy as np

__all__ = ['nwpu_boxes', 'write_nwpu_release']


def write_nwpu_release(root: str, gt: dict, negatives=(), size=(60, 80),
                       seed: int = 0) -> str:
    """The NWPU VHR-10 release layout: ``gt`` maps image ids to
    ground-truth texts; ``negatives`` are ids of the negative set (4 px
    taller). Images are noise with a bright patch per box."""
    height, width = size
    rng = np.random.default_rng(seed)
    for folder in ('positive image set', 'ground truth',
                   'negative image set'):
        os.makedirs(osp.join(root, folder), exist_ok=True)
    for img_id, text in gt.items():
        img = rng.integers(0, 80, (height, width, 3), dtype=np.uint8)
        for line in text.splitlines():
            if line.strip():
                nums = [float(v) for v in line.replace('(', '').replace(
                    ')', '').split(',')]
                x1, y1, x2, y2 = (int(v) for v in nums[:4])
                img[max(y1, 0):y2, max(x1, 0):x2] = 40 + 20 * int(nums[4])
        cv2.imwrite(osp.join(root, 'positive image set', f'{img_id}.jpg'),
                    img)
        with open(osp.join(root, 'ground truth', f'{img_id}.txt'), 'wb') as f:
            f.write(text.encode())
    for img_id in negatives:
        cv2.imwrite(osp.join(root, 'negative image set', f'{img_id}.jpg'),
                    np.zeros((height + 4, width, 3), np.uint8))
    return root


def nwpu_boxes(n: int = 60, seed: int = 0, size=(60, 80)) -> dict:
    """Ground-truth texts of ``n`` images with a skewed class mix (1-3
    boxes each, inside ``size``)."""
    rng = np.random.default_rng(seed)
    gt = {}
    for i in range(1, n + 1):
        classes = rng.choice(
            10, size=rng.integers(1, 4), p=np.linspace(2, 0.2, 10) / 11)
        lines = []
        for c in classes:
            x1, y1 = rng.integers(0, size[1] - 24), rng.integers(
                0, size[0] - 24)
            w, h = rng.integers(10, 24, size=2)
            lines.append(f'({x1},{y1}),({x1 + w},{y1 + h}),{c + 1} \n')
        gt[f'{i:03d}'] = ''.join(lines)
    return gt
