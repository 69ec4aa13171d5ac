# Copyright (c) mmadmd contributors. All rights reserved.
from .algorithms import PrecisionFpnTeacherDistill
from .config_model import ConfigModel
from .losses import ADMDLoss, FGDLoss
from .task_modules import DiscrepancyMaskRecorder
from .utils import discrepancy_mask, normalize_feature, pixel_error

__all__ = [
    'ADMDLoss', 'DiscrepancyMaskRecorder', 'FGDLoss',
    'PrecisionFpnTeacherDistill', 'ConfigModel',
    'discrepancy_mask', 'normalize_feature', 'pixel_error'
]
