# Copyright (c) mmadmd contributors. All rights reserved.
"""Install mmadmd.

As in mmdet and mmrazor, ``configs/`` and ``tools/`` are shipped inside the
package as ``mmadmd/.mim/`` so that ``mim train mmadmd <config>`` finds them:
copied for wheels and sdists, symlinked for editable installs (both the old
``setup.py develop`` and PEP 660 ``pip install -e .``, whose command is
``editable_wheel``).
"""
import os
import os.path as osp
import shutil
import sys

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))
MIM_FILES = ('configs', 'tools')


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


def add_mim_extension() -> None:
    """Put ``configs/`` and ``tools/`` into ``mmadmd/.mim``."""
    if 'develop' in sys.argv or 'editable_wheel' in sys.argv:
        mode = 'symlink'
    elif any(cmd in sys.argv
             for cmd in ('sdist', 'bdist_wheel', 'bdist', 'build')):
        mode = 'copy'
    else:
        return
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
        else:
            shutil.copytree(src, dst)


if __name__ == '__main__':
    add_mim_extension()
    setup(
        name='mmadmd',
        version=get_version(),
        description='Adaptive Discrepancy Masked Distillation (ADMD) for '
        'OpenMMLab dense detectors in remote sensing',
        long_description=readme(),
        long_description_content_type='text/markdown',
        keywords='knowledge distillation, object detection, remote sensing',
        packages=find_packages(exclude=('configs', 'tools', 'tests')),
        include_package_data=True,
        package_data={'mmadmd': ['.mim/**/*']},
        python_requires='>=3.8',
        license='Apache License 2.0',
        install_requires=parse_requirements('runtime.txt'),
        extras_require={
            'tests': parse_requirements('tests.txt'),
            'optional': parse_requirements('optional.txt'),
        },
        classifiers=[
            'Programming Language :: Python :: 3',
            'Topic :: Scientific/Engineering :: Artificial Intelligence',
        ],
        zip_safe=False)
