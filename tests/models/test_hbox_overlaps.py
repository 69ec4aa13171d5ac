# Copyright (c) mmadmd contributors. All rights reserved.
import math

import torch
from mmrotate.models.task_modules.assigners import FakeRBboxOverlaps2D

from mmadmd.models.task_modules import HBoxOverlaps2D


def test_same_values_as_mmrotate_fake_rbbox_overlaps():
    gen = torch.Generator().manual_seed(0)
    a = torch.rand(50, 5, generator=gen) * torch.tensor(
        [100, 100, 30, 30, math.pi]) + torch.tensor([0, 0, 2, 2, -math.pi / 2])
    b = torch.rand(7, 5, generator=gen) * torch.tensor(
        [100, 100, 30, 30, math.pi]) + torch.tensor([0, 0, 2, 2, -math.pi / 2])
    for mode in ('iou', 'iof'):
        expected = FakeRBboxOverlaps2D()(a, b, mode=mode)
        torch.testing.assert_close(
            HBoxOverlaps2D()(a, b, mode=mode), expected, atol=1e-4, rtol=1e-4)
    assert (expected > 0).any()  # the comparison is not all zeros
    torch.testing.assert_close(
        HBoxOverlaps2D()(a[:7], b, is_aligned=True),
        FakeRBboxOverlaps2D()(a[:7], b, is_aligned=True).flatten(),
        atol=1e-4,
        rtol=1e-4)
