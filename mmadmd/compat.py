# Copyright (c) mmadmd contributors. All rights reserved.
"""Make mmrazor 1.0.0 importable on current torch.

mmrazor 1.0.0 (its last release) builds quantization backend configs at import
time, in ``mmrazor.structures.quantization.backend_config``, from
``torch.ao.quantization`` internals that changed after torch 1.13. On newer
torch, ``import mmrazor.models`` therefore fails with
"ImportError: `torch>=1.13` is not installed properly"
(open-mmlab/mmrazor#615, #632; fixed on mmrazor's main branch, never
released). Distillation does not use quantization at all.

Below torch 1.13 mmrazor itself sets those configs to ``None``; this module
does the same for every torch that is not 1.13.x, without editing installed
files: before mmrazor is imported, it installs an import hook that provides
``backend_config`` with every config ``None`` and getters that raise a clear
error. It acts only when mmrazor is 1.0.0 and torch is not 1.13.x. It must be
imported before ``mmrazor.models`` is: ``mmadmd`` imports it first, and so do
``tools/train.py`` and ``tools/test.py``; mmengine configs reach it through
``custom_imports=dict(imports=['mmadmd'])``.
"""
import importlib.abc
import importlib.machinery
import importlib.metadata
import sys
import types
from typing import Optional, Sequence

import torch

#: The module that cannot be imported on torch other than 1.13.x.
BACKEND_CONFIG_MODULE = 'mmrazor.structures.quantization.backend_config'
#: Names exported by the original module.
_BACKENDS = ('academic', 'native', 'openvino', 'tensorrt')

QUANTIZATION_UNAVAILABLE = (
    'mmrazor quantization needs torch 1.13.x, but torch {torch} is '
    'installed: mmadmd replaced mmrazor 1.0.0\'s quantization backend configs '
    'with None so that mmrazor imports (see mmadmd/compat.py). Distillation '
    'is unaffected. For quantization, use a separate environment with '
    'torch==1.13.*.')


def _unavailable(*args, **kwargs):
    """Stand-in for every ``get_*_backend_config*`` getter."""
    raise RuntimeError(QUANTIZATION_UNAVAILABLE.format(torch=torch.__version__))


def _make_backend_config_module(name: str) -> types.ModuleType:
    """Build the replacement ``backend_config`` package.

    Args:
        name (str): Full module name to give the module.

    Returns:
        types.ModuleType: Module with ``BackendConfigs`` (every value None)
        and getters that raise a clear ``RuntimeError``.
    """
    module = types.ModuleType(name, __doc__)
    module.__path__ = []  # a package, like the original
    module.BackendConfigs = {backend: None for backend in _BACKENDS}
    exported = ['BackendConfigs']
    for backend in _BACKENDS:
        for suffix in ('', '_dict'):
            getter = f'get_{backend}_backend_config{suffix}'
            setattr(module, getter, _unavailable)
            exported.append(getter)
    module.__all__ = exported
    module.MMADMD_COMPAT = True
    return module


class _BackendConfigFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import hook serving the replacement ``backend_config`` module."""

    def find_spec(self,
                  fullname: str,
                  path: Optional[Sequence[str]],
                  target: Optional[types.ModuleType] = None):
        if fullname != BACKEND_CONFIG_MODULE:
            return None
        return importlib.machinery.ModuleSpec(
            fullname, self, is_package=True)

    def create_module(self, spec):
        return _make_backend_config_module(spec.name)

    def exec_module(self, module):
        pass


def needs_patch(mmrazor_version: Optional[str] = None,
                torch_version: Optional[str] = None) -> bool:
    """Whether the quantization backend configs must be replaced.

    Args:
        mmrazor_version (str, optional): Installed mmrazor version; read from
            package metadata when None. None if mmrazor is not installed.
        torch_version (str, optional): Torch version; ``torch.__version__``
            when None.

    Returns:
        bool: True only for mmrazor 1.0.0 with a torch that is not 1.13.x.
    """
    if mmrazor_version is None:
        try:
            mmrazor_version = importlib.metadata.version('mmrazor')
        except importlib.metadata.PackageNotFoundError:
            return False
    torch_version = torch_version or torch.__version__
    return mmrazor_version == '1.0.0' and not torch_version.startswith('1.13.')


def apply() -> bool:
    """Install the import hook if needed; idempotent.

    A failed ``import mmrazor.models`` before this call leaves nothing
    behind (Python drops the failed modules), so it is not too late.

    Returns:
        bool: True if the hook is active after the call.
    """
    if any(isinstance(f, _BackendConfigFinder) for f in sys.meta_path):
        return True
    if not needs_patch():
        return False
    # First in line, so the original module is never executed.
    sys.meta_path.insert(0, _BackendConfigFinder())
    return True


apply()
