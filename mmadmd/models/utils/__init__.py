# Copyright (c) mmadmd contributors. All rights reserved.
from .discrepancy import (discrepancy_mask, mask_statistics,
                          normalize_feature, pixel_error, publish_masks)

__all__ = [
    'discrepancy_mask', 'mask_statistics', 'normalize_feature', 'pixel_error',
    'publish_masks'
]
