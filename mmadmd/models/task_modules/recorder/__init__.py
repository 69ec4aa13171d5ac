# Copyright (c) mmadmd contributors. All rights reserved.
from .discrepancy_mask_recorder import DiscrepancyMaskRecorder

__all__ = ['DiscrepancyMaskRecorder']
