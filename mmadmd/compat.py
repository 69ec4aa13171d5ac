# Copyright (c) mmadmd contributors. All rights reserved.
"""Make mmrazor 1.0.0 importable on current torch, ``mmadmd::`` configs
loadable by mmengine, and mmengine 0.10.x checkpoints loadable on torch >= 2.6,
in this process.

The import hooks are ``mmadmd_startup`` (installed beside the package and
run at interpreter start by ``mmadmd-startup.pth``, so that they work in
processes that never import mmadmd, in any import order). Importing
``mmadmd`` installs the same hooks again, idempotently, for a clone used
from ``PYTHONPATH`` or an interpreter started with ``-S``: ``mmadmd`` imports
this module first, and mmengine configs reach it through the ``mmadmd``
scope or ``custom_imports=dict(imports=['mmadmd'])``.
"""
from mmadmd_startup import (BACKEND_CONFIG_MODULE, QUANTIZATION_UNAVAILABLE,
                            install, needs_patch)

#: The first mmengine that passes ``weights_only=False`` to ``torch.load``.
MMENGINE_WEIGHTS_ONLY_FALSE = '0.11.0rc2'  # 0.11.0rc0 does not


def history_buffer_method(owner, name: str):
    """The ``getattr`` of a pickled ``HistoryBuffer``, and nothing more.

    A ``HistoryBuffer`` pickles its statistics methods as
    ``getattr(HistoryBuffer, 'min')``; torch's safe loader allows no
    ``getattr`` (with it, a file could reach any attribute of an allowed
    type). This stand-in is registered under the name ``builtins.getattr``
    and returns only those methods.

    Args:
        owner: What the checkpoint asks an attribute of.
        name (str): The attribute.

    Returns:
        callable: ``HistoryBuffer.<name>``, a statistics method.
    """
    import pickle

    from mmengine.logging import HistoryBuffer
    methods = {'min', 'max', 'mean', 'current'}
    methods.update(HistoryBuffer._statistics_methods)
    if owner is not HistoryBuffer or name not in methods:
        raise pickle.UnpicklingError(
            f'getattr({owner!r}, {name!r}) in a checkpoint loaded with '
            'weights_only=True: mmadmd allows only HistoryBuffer statistics '
            'methods (mmadmd/compat.py). Load a checkpoint you trust with '
            'torch.load(..., weights_only=False).')
    return getattr(HistoryBuffer, name)


def checkpoint_safe_globals() -> list:
    """The types mmengine writes into checkpoints besides tensors.

    A runner checkpoint's ``message_hub`` holds ``HistoryBuffer`` objects
    (numpy arrays of logged values, and its statistics methods, see
    :func:`history_buffer_method`) and runtime values such as numpy
    scalars. The numpy names are taken from the objects' own pickling, so
    they match numpy 1.x (``numpy.core``) and 2.x (``numpy._core``).

    Returns:
        list: Classes and functions, or ``(function, name)`` pairs, for
        ``torch.serialization.add_safe_globals``.
    """
    import numpy as np
    from mmengine.logging import HistoryBuffer

    dtypes = [
        np.dtype(t) for t in ('float64', 'float32', 'float16', 'int64',
                              'int32', 'uint8', 'bool')
    ]
    return [
        HistoryBuffer,
        (history_buffer_method, 'builtins.getattr'),
        np.ndarray,
        np.dtype,
        np.zeros(1).__reduce__()[0],  # multiarray._reconstruct
        np.float64(0).__reduce__()[0],  # multiarray.scalar
        *{type(d)
          for d in dtypes},  # numpy.dtypes.Float64DType, ...
    ]


def allow_mmengine_checkpoints() -> bool:
    """Let mmengine 0.10.x load checkpoints on torch >= 2.6.

    torch 2.6 made ``torch.load`` default to ``weights_only=True``;
    mmengine before 0.11.0rc2 calls it without ``weights_only``, so every
    runner checkpoint (resume, ``load_from``, ``teacher_ckpt``,
    ``tools/test.py``, export) failed with ``UnpicklingError: Weights only
    load failed ... HistoryBuffer``. Only the types of :func:`checkpoint_safe_globals` are
    allowed; everything else still goes through torch's safe loader (no
    global ``weights_only=False``).

    Returns:
        bool: True if the types were registered (mmengine < 0.11.0rc2 on a
        torch with ``weights_only=True`` by default).
    """
    import mmengine
    import torch
    from mmengine.utils import digit_version

    if digit_version(mmengine.__version__) >= digit_version(
            MMENGINE_WEIGHTS_ONLY_FALSE):
        return False
    if digit_version(torch.__version__) < digit_version('2.6.0'):
        return False  # torch.load still defaults to weights_only=False
    torch.serialization.add_safe_globals(checkpoint_safe_globals())
    return True


def apply() -> bool:
    """Install the import hooks and the checkpoint types; idempotent.

    Returns:
        bool: True if mmrazor's quantization backend configs are replaced
        (mmrazor 1.0.0 on a torch other than 1.13.x).
    """
    install()
    allow_mmengine_checkpoints()
    return needs_patch()


apply()

__all__ = [
    'BACKEND_CONFIG_MODULE', 'QUANTIZATION_UNAVAILABLE',
    'allow_mmengine_checkpoints', 'apply', 'checkpoint_safe_globals',
    'history_buffer_method', 'needs_patch'
]
