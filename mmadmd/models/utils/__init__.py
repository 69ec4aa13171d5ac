# Copyright (c) mmadmd contributors. All rights reserved.
from .discrepancy import (DiscrepancyMasker, discrepancy_mask, mask_statistics,
                          normalize_feature, pixel_error)

__all__ = [
    'DiscrepancyMasker', 'discrepancy_mask', 'mask_statistics',
    'normalize_feature', 'pixel_error'
]
