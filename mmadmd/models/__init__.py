# Copyright (c) mmadmd contributors. All rights reserved.
from .algorithms import PrecisionFpnTeacherDistill
from .config_model import build_model_from_config
from .losses import ADMDLoss, FGDLoss
from .task_modules import DiscrepancyMaskRecorder
from .utils import discrepancy_mask, normalize_feature, pixel_error

__all__ = [
    'ADMDLoss', 'DiscrepancyMaskRecorder', 'FGDLoss',
    'PrecisionFpnTeacherDistill', 'build_model_from_config',
    'discrepancy_mask', 'normalize_feature', 'pixel_error'
]
