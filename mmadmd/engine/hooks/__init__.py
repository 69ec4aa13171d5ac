# Copyright (c) mmadmd contributors. All rights reserved.
from .finite_loss_hook import FiniteLossHook
from .mask_visualization_hook import (DiscrepancyMaskVisualizationHook,
                                      mask_heatmap)
from .weight_increasing_hook import WeightIncreasingHook, find_admd_losses

__all__ = [
    'FiniteLossHook', 'WeightIncreasingHook', 'DiscrepancyMaskVisualizationHook',
    'find_admd_losses', 'mask_heatmap'
]
