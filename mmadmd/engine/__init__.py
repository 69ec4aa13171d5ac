# Copyright (c) mmadmd contributors. All rights reserved.
from .dist import CPUDistributedDataParallel, setup_cpu_distributed
from .hooks import (DiscrepancyMaskVisualizationHook, FiniteLossHook,
                    WeightIncreasingHook, find_admd_losses, mask_heatmap)
from .runner import FrozenTeacherDistillValLoop

__all__ = [
    'FiniteLossHook', 'WeightIncreasingHook',
    'DiscrepancyMaskVisualizationHook', 'FrozenTeacherDistillValLoop',
    'find_admd_losses', 'mask_heatmap', 'CPUDistributedDataParallel',
    'setup_cpu_distributed'
]
