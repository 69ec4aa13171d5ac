# Copyright (c) mmadmd contributors. All rights reserved.
"""Make mmrazor 1.0.0 importable on current torch, and ``mmadmd::`` configs
loadable by mmengine, in this process.

The implementation is ``mmadmd_startup`` (installed beside the package and
run at interpreter start by ``mmadmd-startup.pth``, so that it works in
processes that never import mmadmd, in any import order). Importing
``mmadmd`` installs the same hooks again, idempotently, for a clone used
from ``PYTHONPATH`` or an interpreter started with ``-S``: ``mmadmd`` imports
this module first, and mmengine configs reach it through the ``mmadmd``
scope or ``custom_imports=dict(imports=['mmadmd'])``.
"""
from mmadmd_startup import (BACKEND_CONFIG_MODULE, QUANTIZATION_UNAVAILABLE,
                            install, needs_patch)


def apply() -> bool:
    """Install the import hooks; idempotent.

    Returns:
        bool: True if mmrazor's quantization backend configs are replaced
        (mmrazor 1.0.0 on a torch other than 1.13.x).
    """
    install()
    return needs_patch()


apply()

__all__ = [
    'BACKEND_CONFIG_MODULE', 'QUANTIZATION_UNAVAILABLE', 'apply',
    'needs_patch'
]
