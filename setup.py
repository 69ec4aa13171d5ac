# Copyright (c) mmadmd contributors. All rights reserved.
"""Install mmadmd.

As in mmdet and mmrazor, ``configs/`` and ``tools/`` are shipped inside the
package as ``mmadmd/.mim/`` so that ``mim train mmadmd <config>`` finds them:
copied for wheels and sdists, symlinked for editable installs (both the old
``setup.py develop`` and PEP 660 ``pip install -e .``, whose command is
``editable_wheel``).

``mmadmd-startup.pth`` goes to site-packages beside the package (in wheels
through ``build_py``, in editable installs through ``editable_wheel``): it
runs ``mmadmd_startup`` at interpreter start, so that MMDetection's and
MMRotate's own tools resolve ``mmadmd::`` configs and import mmrazor in any
order without importing mmadmd first (see ``mmadmd_startup.py``).
"""
import os
import os.path as osp
import shutil
import sys
from typing import Optional

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py
from setuptools.command.editable_wheel import editable_wheel

HERE = osp.dirname(osp.abspath(__file__))
MIM_FILES = ('configs', 'tools', 'model-index.yml')
STARTUP_PTH = 'mmadmd-startup.pth'


def readme() -> str:
    with open(osp.join(HERE, 'README.md'), encoding='utf-8') as f:
        return f.read()


def get_version() -> str:
    scope: dict = {}
    with open(osp.join(HERE, 'mmadmd', 'version.py')) as f:
        exec(compile(f.read(), 'version.py', 'exec'), scope)
    return scope['__version__']


def parse_requirements(fname: str) -> list:
    """Requirement lines of ``requirements/<fname>``, comments removed."""
    reqs = []
    with open(osp.join(HERE, 'requirements', fname)) as f:
        for line in f:
            line = line.split('#')[0].strip()
            if line and not line.startswith('-'):
                reqs.append(line)
    return reqs


def add_mim_extension(mode: str) -> None:
    """Put ``configs/``, ``tools/`` and ``model-index.yml`` into
    ``mmadmd/.mim``, as symlinks (``mode='symlink'``) or copies."""
    mim_path = osp.join(HERE, 'mmadmd', '.mim')
    os.makedirs(mim_path, exist_ok=True)
    for name in MIM_FILES:
        src = osp.join(HERE, name)
        dst = osp.join(mim_path, name)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if mode == 'symlink':
            os.symlink(osp.relpath(src, mim_path), dst)
        elif osp.isdir(src):
            shutil.copytree(src, dst)
        else:
            shutil.copyfile(src, dst)


def mim_mode() -> Optional[str]:
    """How this setup.py command wants ``.mim``: 'symlink', 'copy' or
    None (leave it)."""
    if 'develop' in sys.argv or 'editable_wheel' in sys.argv:
        return 'symlink'
    if any(cmd in sys.argv
           for cmd in ('sdist', 'bdist_wheel', 'bdist', 'build')):
        return 'copy'
    return None


class BuildPyWithStartup(build_py):
    """Put the start-up ``.pth`` at the root of the built library."""

    def run(self):
        super().run()
        self.copy_file(
            osp.join(HERE, STARTUP_PTH),
            osp.join(self.build_lib, STARTUP_PTH),
            preserve_mode=False)


class _StrategyWithStartup:
    """An editable-install strategy that also writes the start-up ``.pth``
    (setuptools writes only its own ``__editable__`` files)."""

    def __init__(self, strategy):
        self.strategy = strategy

    def __call__(self, wheel, files, mapping):
        self.strategy(wheel, files, mapping)
        with open(osp.join(HERE, STARTUP_PTH), 'rb') as f:
            wheel.writestr(STARTUP_PTH, f.read())

    def __enter__(self):
        self.strategy.__enter__()
        return self

    def __exit__(self, *exc):
        return self.strategy.__exit__(*exc)


class EditableWheelWithStartup(editable_wheel):

    def _select_strategy(self, *args, **kwargs):
        return _StrategyWithStartup(super()._select_strategy(*args, **kwargs))


if __name__ == '__main__':
    mode = mim_mode()
    # A wheel built in a checkout with an editable install must leave that
    # install as it was: its .mim links restored, no build/ folder left.
    linked = osp.islink(osp.join(HERE, 'mmadmd', '.mim', 'configs'))
    had_build = osp.exists(osp.join(HERE, 'build'))
    if mode:
        add_mim_extension(mode)
    setup(
        name='mmadmd',
        version=get_version(),
        description='Adaptive Discrepancy Masked Distillation (ADMD) for '
        'OpenMMLab dense detectors in remote sensing',
        long_description=readme(),
        long_description_content_type='text/markdown',
        keywords='knowledge distillation, object detection, remote sensing',
        packages=find_packages(exclude=('configs', 'tools', 'tests')),
        py_modules=['mmadmd_startup'],
        cmdclass=dict(
            build_py=BuildPyWithStartup,
            editable_wheel=EditableWheelWithStartup),
        include_package_data=True,
        package_data={'mmadmd': ['.mim/**/*']},
        python_requires='>=3.8',
        license='Apache License 2.0',
        # Ranges only (requirements/runtime.txt); the exact stack of
        # `make install` is requirements/constraints.txt.
        install_requires=parse_requirements('runtime.txt'),
        extras_require={
            'mim': parse_requirements('mminstall.txt'),
            'rotated': parse_requirements('rotated.txt'),
            'tests': parse_requirements('tests.txt'),
            'optional': parse_requirements('optional.txt'),
        },
        classifiers=[
            'Programming Language :: Python :: 3',
            'Topic :: Scientific/Engineering :: Artificial Intelligence',
        ],
        zip_safe=False)
    if mode == 'copy' and linked:
        add_mim_extension('symlink')
    if mode == 'copy' and not had_build:
        shutil.rmtree(osp.join(HERE, 'build'), ignore_errors=True)
