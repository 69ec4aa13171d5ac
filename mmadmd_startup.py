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

It also makes two tools say what to do:

- ``mmrotate::`` configs (mmadmd's rotated configs) without mmrotate
  installed: mmengine's "please install mmrotate manually" would lead to the
  released mmrotate 1.0.0rc1, which refuses mmdet > 3.1; the error names
  ``pip install "mmadmd[rotated]"`` instead;
- mim, and ``mmadmd::`` configs on mmengine 0.10.x, from an editable
  install (``pip install -e .``, what ``make install`` makes): both look for
  ``mmadmd/.mim`` beside the ``.dist-info`` folder in site-packages, where
  an editable install has no package; for ``mmadmd`` only, they are pointed
  to the package the import system finds.

All act through import hooks (``sys.meta_path``) on those modules only;
nothing heavy is imported at start (``docs/installation.md`` gives the
measured cost). ``mmadmd.compat`` installs the same hooks when mmadmd is
imported without this module having run (e.g. a clone on ``PYTHONPATH``).
Set ``MMADMD_NO_STARTUP=1`` to skip the start-up part:
``mmadmd-startup.pth`` checks it before importing this module.
"""
import os
import sys

#: ``types.ModuleType``, without importing ``types`` at interpreter start.
ModuleType = type(sys)

#: The mmrazor module that cannot be imported on torch other than 1.13.x.
BACKEND_CONFIG_MODULE = 'mmrazor.structures.quantization.backend_config'
#: The mmengine module holding the ``pkg::`` table.
MMENGINE_CONFIG_UTILS = 'mmengine.config.utils'
#: The mmengine module that binds ``_get_package_and_cfg_path`` at import.
MMENGINE_CONFIG = 'mmengine.config.config'
#: The modules whose ``get_installed_path`` mim's commands and mmengine's
#: ``pkg::`` configs use.
INSTALLED_PATH_MODULES = ('mim.utils.utils', 'mmengine.utils.package_utils')
#: Names exported by the original backend-config module.
_BACKENDS = ('academic', 'native', 'openvino', 'tensorrt')

QUANTIZATION_UNAVAILABLE = (
    'mmrazor quantization needs torch 1.13.x, but torch {torch} is '
    'installed: mmadmd replaced mmrazor 1.0.0\'s quantization backend configs '
    'with None so that mmrazor imports (see mmadmd_startup.py). Distillation '
    'is unaffected. For quantization, use a separate environment with '
    'torch==1.13.*.')

MMROTATE_MISSING = (
    '{cfg} needs MMRotate, which is not installed. Install the version '
    'that works with mmdet 3.2/3.3: pip install "mmadmd[rotated]" (from a '
    'checkout: pip install -e ".[rotated]"); or install your own mmrotate '
    '1.x checkout with pip install -e <mmrotate>. The released mmrotate '
    '1.0.0rc1 accepts only mmdet<=3.1.')


def _torch_version() -> str:
    import importlib.metadata  # here: costly at interpreter start
    torch = sys.modules.get('torch')
    if torch is not None:
        return torch.__version__
    return importlib.metadata.version('torch')


def _unavailable(*args, **kwargs):
    """Stand-in for every ``get_*_backend_config*`` getter."""
    raise RuntimeError(QUANTIZATION_UNAVAILABLE.format(torch=_torch_version()))


def _make_backend_config_module(name: str) -> ModuleType:
    """Build the replacement ``backend_config`` package.

    Args:
        name (str): Full module name to give the module.

    Returns:
        ModuleType: Module with ``BackendConfigs`` (every value None)
        and getters that raise a clear ``RuntimeError``.
    """
    module = ModuleType(
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


def needs_patch(mmrazor_version: 'str | None' = None,
                torch_version: 'str | None' = None) -> bool:
    """Whether mmrazor's quantization backend configs must be replaced.

    Args:
        mmrazor_version (str, optional): Installed mmrazor version; read from
            package metadata when None. None if mmrazor is not installed.
        torch_version (str, optional): Torch version; the installed one when
            None.

    Returns:
        bool: True only for mmrazor 1.0.0 with a torch that is not 1.13.x.
    """
    import importlib.metadata  # here: costly at interpreter start
    try:
        mmrazor_version = mmrazor_version or importlib.metadata.version(
            'mmrazor')
        torch_version = torch_version or _torch_version()
    except importlib.metadata.PackageNotFoundError:
        return False
    return mmrazor_version == '1.0.0' and not torch_version.startswith('1.13.')


def _needs_mmrotate(resolve):
    """Wrap mmengine's ``_get_package_and_cfg_path`` so that an
    ``mmrotate::`` config without mmrotate names the install command."""
    if getattr(resolve, 'mmadmd_wrapped', False):
        return resolve

    def get_package_and_cfg_path(cfg_path):
        package, path = resolve(cfg_path)
        if package == 'mmrotate':
            import importlib.util
            if importlib.util.find_spec('mmrotate') is None:
                raise ModuleNotFoundError(
                    MMROTATE_MISSING.format(cfg=f'The config {cfg_path!r}'),
                    name='mmrotate')
        return package, path

    get_package_and_cfg_path.mmadmd_wrapped = True
    get_package_and_cfg_path.__wrapped__ = resolve
    return get_package_and_cfg_path


def teach_mmengine(utils: ModuleType) -> None:
    """Let mmengine resolve ``mmadmd::`` config paths, and name the install
    command when an ``mmrotate::`` path meets no mmrotate.

    Args:
        utils (module): ``mmengine.config.utils``.
    """
    for table in ('MODULE2PACKAGE', 'PKG2PROJECT'):
        if isinstance(getattr(utils, table, None), dict):
            getattr(utils, table).setdefault('mmadmd', 'mmadmd')
    name = '_get_package_and_cfg_path'
    # mmengine.config.config binds the function at its import; patch that
    # copy too when it came first (``import mmadmd`` without the start-up).
    for module in (utils, sys.modules.get(MMENGINE_CONFIG)):
        if module is not None and hasattr(module, name):
            setattr(module, name, _needs_mmrotate(getattr(module, name)))


def _find_editable(get_installed_path):
    """Wrap mim's or mmengine's ``get_installed_path`` for editable installs.

    mim 0.3.9 and mmengine 0.10.x join the distribution's location
    (site-packages, where the ``.dist-info`` of an editable install lies)
    with the module name; an editable install has no package there. For
    ``mmadmd`` only, a path that does not exist is replaced by the package
    directory Python imports (what mmengine 0.11 does for every package).
    """
    if getattr(get_installed_path, 'mmadmd_wrapped', False):
        return get_installed_path

    def wrapper(package: str) -> str:
        path = get_installed_path(package)
        if package == 'mmadmd' and not os.path.isdir(path):
            import importlib.util
            spec = importlib.util.find_spec('mmadmd')
            if spec is not None and spec.submodule_search_locations:
                return list(spec.submodule_search_locations)[0]
        return path

    wrapper.mmadmd_wrapped = True
    wrapper.__wrapped__ = get_installed_path
    wrapper.__doc__ = get_installed_path.__doc__
    return wrapper


def teach_installed_path(module: ModuleType) -> None:
    """Let mim (``mim.utils.utils``) or mmengine
    (``mmengine.utils.package_utils``) find ``mmadmd/.mim`` in an editable
    install (``pip install -e .``, what ``make install`` makes).

    Args:
        module (module): The module defining ``get_installed_path``.
    """
    if hasattr(module, 'get_installed_path'):
        module.get_installed_path = _find_editable(module.get_installed_path)


class _AfterExec:
    """A loader that runs ``then(module)`` after the real loader.

    Plain classes, not ``importlib.abc``'s: that module imports
    ``importlib.resources`` (pathlib, tempfile, ...) at interpreter start.
    """

    def __init__(self, loader, then):
        self._loader = loader
        self._then = then

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._then(module)

    def __getattr__(self, name):  # get_source, get_code, ... for tracebacks
        return getattr(self._loader, name)


class MMAdmdFinder:
    """Import hook (finder and loader) for the modules above; passes on
    every other name."""

    #: Modules taught after their own code ran.
    AFTER = {
        MMENGINE_CONFIG_UTILS: 'teach_mmengine',
        **{
            name: 'teach_installed_path'
            for name in INSTALLED_PATH_MODULES
        }
    }

    def find_spec(self, fullname: str, path, target=None):
        # importlib.machinery only here: it is not loaded at start.
        if fullname == BACKEND_CONFIG_MODULE and needs_patch():
            import importlib.machinery
            return importlib.machinery.ModuleSpec(
                fullname, self, is_package=True)
        if fullname in self.AFTER:
            import importlib.machinery
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            if spec is not None and spec.loader is not None:
                spec.loader = _AfterExec(spec.loader,
                                         globals()[self.AFTER[fullname]])
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
    # Modules imported before the hook, and those that bound the function
    # at their own import (mmengine.utils, mmengine.config.config).
    for name in INSTALLED_PATH_MODULES + ('mmengine.utils',
                                          'mmengine.config.config'):
        if name in sys.modules:
            teach_installed_path(sys.modules[name])
    if not any(isinstance(f, MMAdmdFinder) for f in sys.meta_path):
        # First in line, so the original backend module is never executed.
        sys.meta_path.insert(0, MMAdmdFinder())
    return True


def startup() -> None:
    """What ``mmadmd-startup.pth`` runs: :func:`install`, unless
    ``MMADMD_NO_STARTUP`` is set (the ``.pth`` checks it first, so that this
    module is not even imported then); never raises (it runs in every
    process)."""
    if os.environ.get('MMADMD_NO_STARTUP'):
        return
    try:
        install()
    except Exception as e:  # noqa: BLE001 (start-up must not break Python)
        print(f'mmadmd_startup: not installed ({e!r})', file=sys.stderr)


__all__ = [
    'BACKEND_CONFIG_MODULE', 'MMAdmdFinder', 'MMROTATE_MISSING',
    'QUANTIZATION_UNAVAILABLE', 'install', 'needs_patch', 'startup',
    'teach_installed_path', 'teach_mmengine'
]
