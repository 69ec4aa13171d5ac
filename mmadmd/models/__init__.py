# Copyright (c) mmadmd contributors. All rights reserved.
from .losses import ADMDLoss
from .task_modules import DiscrepancyMaskRecorder
from .utils import discrepancy_mask, normalize_feature, pixel_error

__all__ = [
    'ADMDLoss', 'DiscrepancyMaskRecorder', 'discrepancy_mask',
    'normalize_feature', 'pixel_error'
]
