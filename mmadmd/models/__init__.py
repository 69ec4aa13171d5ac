# Copyright (c) mmadmd contributors. All rights reserved.
from .config_model import build_model_from_config
from .losses import ADMDLoss
from .task_modules import DiscrepancyMaskRecorder
from .utils import discrepancy_mask, normalize_feature, pixel_error

__all__ = [
    'ADMDLoss', 'DiscrepancyMaskRecorder', 'build_model_from_config',
    'discrepancy_mask', 'normalize_feature', 'pixel_error'
]
