# Copyright (c) mmadmd contributors. All rights reserved.
"""mmadmd: Adaptive Discrepancy Masked Distillation for OpenMMLab detectors.

Importing the package registers ``ADMDLoss`` (mmrazor ``MODELS``),
``DiscrepancyMaskRecorder`` (mmrazor ``TASK_UTILS``, config type
``'DiscrepancyMask'``) and the hooks (``mmadmd.WeightIncreasingHook``,
``mmadmd.DiscrepancyMaskVisualizationHook``).
"""
# First: lets mmrazor 1.0.0 import on torch != 1.13 (see compat.py).
from . import compat  # noqa: F401,I001
from .apis import *  # noqa: F401,F403,E402
from .datasets import *  # noqa: F401,F403,E402
from .engine import *  # noqa: F401,F403,E402
from .models import *  # noqa: F401,F403,E402
from .version import __version__  # noqa: E402

__all__ = ['__version__', 'compat']
