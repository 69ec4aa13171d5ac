# Copyright (c) mmadmd contributors. All rights reserved.
"""What every Python process of an environment with mmadmd needs first.

Installed with mmadmd as a top-level module and run at interpreter start by
``mmadmd-startup.pth`` (site-packages runs ``import`` lines of ``.pth``
files), so that a process that never imports mmadmd itself, such as
MMDetection's or MMRotate's ``tools/train.py`` or ``mim train mmdet``, can:

- load configs that name ``'mmadmd::_base_/admd_fpn.py'``: mmengine 0.x
  resolves ``pkg::`` only for packages listed in its
  ``mmengine.config.utils.MODULE2PACKAGE``; mmadmd is added to it when that
  module is imported;
- import mmrazor 1.0.0 in any order on torch other than 1.13.x: its
  ``mmrazor.structures.quantization.backend_config`` fails to import there
  ("torch>=1.13 is not installed properly", open-mmlab/mmrazor#615, #632;
  fixed on mmrazor's main branch, never released). Distillation does not use
  quantization, so that module is replaced by one whose configs are all
  ``None`` (what mmrazor itself does below torch 1.13) and whose getters
  raise a clear error. It acts only for mmrazor 1.0.0 and torch != 1.13.x,
  and never edits installed files.

Both act through import hooks (``sys.meta_path``) on those two modules only;
nothing heavy is imported at start. ``mmadmd.compat`` installs the same
hooks when mmadmd is imported without this module having run (e.g. a clone
on ``PYTHONPATH``). Set ``MMADMD_NO_STARTUP=1`` to skip the start-up part.
"""
import importlib.abc
import importlib.machinery
import importlib.metadata
import os
import sys
import types
from typing import Callable, Optional, Sequence

#: The mmrazor module that cannot be imported on torch other than 1.13.x.
BACKEND_CONFIG_MODULE = 'mmrazor.structures.quantization.backend_config'
#: The mmengine module holding the ``pkg::`` table.
MMENGINE_CONFIG_UTILS = 'mmengine.config.utils'
#: Names exported by the original backend-config module.
_BACKENDS = ('academic', 'native', 'openvino', 'tensorrt')

QUANTIZATION_UNAVAILABLE = (
    'mmrazor quantization needs torch 1.13.x, but torch {torch} is '
    'installed: mmadmd replaced mmrazor 1.0.0\'s quantization backend configs '
    'with None so that mmrazor imports (see mmadmd_startup.py). Distillation '
    'is unaffected. For quantization, use a separate environment with '
    'torch==1.13.*.')


def _torch_version() -> str:
    torch = sys.modules.get('torch')
    if torch is not None:
        return torch.__version__
    return importlib.metadata.version('torch')


def _unavailable(*args, **kwargs):
    """Stand-in for every ``get_*_backend_config*`` getter."""
    raise RuntimeError(QUANTIZATION_UNAVAILABLE.format(torch=_torch_version()))


def _make_backend_config_module(name: str) -> types.ModuleType:
    """Build the replacement ``backend_config`` package.

    Args:
        name (str): Full module name to give the module.

    Returns:
        types.ModuleType: Module with ``BackendConfigs`` (every value None)
        and getters that raise a clear ``RuntimeError``.
    """
    module = types.ModuleType(
        name, 'mmrazor quantization backend configs, '
        'replaced by mmadmd_startup (all None).')
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


def needs_patch(mmrazor_version: Optional[str] = None,
                torch_version: Optional[str] = None) -> bool:
    """Whether mmrazor's quantization backend configs must be replaced.

    Args:
        mmrazor_version (str, optional): Installed mmrazor version; read from
            package metadata when None. None if mmrazor is not installed.
        torch_version (str, optional): Torch version; the installed one when
            None.

    Returns:
        bool: True only for mmrazor 1.0.0 with a torch that is not 1.13.x.
    """
    try:
        mmrazor_version = mmrazor_version or importlib.metadata.version(
            'mmrazor')
        torch_version = torch_version or _torch_version()
    except importlib.metadata.PackageNotFoundError:
        return False
    return mmrazor_version == '1.0.0' and not torch_version.startswith('1.13.')


def teach_mmengine(utils: types.ModuleType) -> None:
    """Let mmengine resolve ``mmadmd::`` config paths.

    Args:
        utils (module): ``mmengine.config.utils``.
    """
    for table in ('MODULE2PACKAGE', 'PKG2PROJECT'):
        if isinstance(getattr(utils, table, None), dict):
            getattr(utils, table).setdefault('mmadmd', 'mmadmd')


class _AfterExec(importlib.abc.Loader):
    """A loader that runs ``then(module)`` after the real loader."""

    def __init__(self, loader: importlib.abc.Loader,
                 then: Callable[[types.ModuleType], None]):
        self._loader = loader
        self._then = then

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._then(module)

    def __getattr__(self, name):  # get_source, get_code, ... for tracebacks
        return getattr(self._loader, name)


class MMAdmdFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import hook for the two modules above; passes on every other name."""

    def find_spec(self,
                  fullname: str,
                  path: Optional[Sequence[str]],
                  target: Optional[types.ModuleType] = None):
        if fullname == BACKEND_CONFIG_MODULE and needs_patch():
            return importlib.machinery.ModuleSpec(
                fullname, self, is_package=True)
        if fullname == MMENGINE_CONFIG_UTILS:
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            if spec is not None and spec.loader is not None:
                spec.loader = _AfterExec(spec.loader, teach_mmengine)
            return spec
        return None

    def create_module(self, spec):
        return _make_backend_config_module(spec.name)

    def exec_module(self, module):
        pass


def install() -> bool:
    """Install the import hook (first in ``sys.meta_path``); idempotent.

    If ``mmengine.config.utils`` is already imported, it is taught at once.
    A failed ``import mmrazor.models`` before this call leaves nothing
    behind (Python drops the failed modules), so it is not too late.

    Returns:
        bool: True if the hook is active after the call.
    """
    if MMENGINE_CONFIG_UTILS in sys.modules:
        teach_mmengine(sys.modules[MMENGINE_CONFIG_UTILS])
    if not any(isinstance(f, MMAdmdFinder) for f in sys.meta_path):
        # First in line, so the original backend module is never executed.
        sys.meta_path.insert(0, MMAdmdFinder())
    return True


def startup() -> None:
    """What ``mmadmd-startup.pth`` runs: :func:`install`, unless
    ``MMADMD_NO_STARTUP`` is set; never raises (it runs in every process)."""
    if os.environ.get('MMADMD_NO_STARTUP'):
        return
    try:
        install()
    except Exception as e:  # noqa: BLE001 (start-up must not break Python)
        print(f'mmadmd_startup: not installed ({e!r})', file=sys.stderr)


__all__ = [
    'BACKEND_CONFIG_MODULE', 'MMAdmdFinder', 'QUANTIZATION_UNAVAILABLE',
    'install', 'needs_patch', 'startup', 'teach_mmengine'
]
