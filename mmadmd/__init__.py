# Copyright (c) mmadmd contributors. All rights reserved.
"""mmadmd: Adaptive Discrepancy Masked Distillation for OpenMMLab detectors.

Importing the package registers ``ADMDLoss`` (mmrazor ``MODELS``),
``DiscrepancyMaskRecorder`` (mmrazor ``TASK_UTILS``, config type
``'DiscrepancyMask'``) and the hooks (``mmadmd.WeightIncreasingHook``,
``mmadmd.DiscrepancyMaskVisualizationHook``).
"""
# First: lets mmrazor 1.0.0 import on torch != 1.13 (see compat.py).
from . import compat  # noqa: F401,I001
from .version import SUPPORTED_VERSIONS, __version__  # noqa: E402


def _check_versions() -> None:
    """Stop with the fix when an OpenMMLab package is outside the range
    mmadmd supports (as mmdet checks mmcv and mmengine)."""
    import importlib

    from mmengine.utils import digit_version

    for name, (minimum, maximum) in SUPPORTED_VERSIONS.items():
        module = importlib.import_module(name)
        installed = module.__version__
        if digit_version(minimum) <= digit_version(installed) < digit_version(
                maximum):
            continue
        installer = 'mim' if name == 'mmcv' else 'pip'
        raise RuntimeError(
            f'{name} {installed} is installed ({module.__path__[0]}), but '
            f'mmadmd {__version__} supports {name}>={minimum},<{maximum}. '
            f'Fix: {installer} install "{name}>={minimum},<{maximum}" '
            '(docs/installation.md lists the tested stacks).')


_check_versions()

from .apis import *  # noqa: F401,F403,E402
from .datasets import *  # noqa: F401,F403,E402
from .engine import *  # noqa: F401,F403,E402
from .models import *  # noqa: F401,F403,E402

__all__ = ['__version__', 'compat', 'SUPPORTED_VERSIONS']
