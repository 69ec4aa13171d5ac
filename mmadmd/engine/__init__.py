# Copyright (c) mmadmd contributors. All rights reserved.
from .dist import CPUDistributedDataParallel, setup_cpu_distributed
from .hooks import (DiscrepancyMaskVisualizationHook, FiniteLossHook, WeightIncreasingHook,
                    find_admd_losses, mask_heatmap)

__all__ = [
    'FiniteLossHook', 'WeightIncreasingHook', 'DiscrepancyMaskVisualizationHook',
    'find_admd_losses', 'mask_heatmap', 'CPUDistributedDataParallel',
    'setup_cpu_distributed'
]
