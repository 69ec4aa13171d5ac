# Copyright (c) mmadmd contributors. All rights reserved.
"""What would installing mmadmd change in an environment? Ask pip, install
nothing.

Runs ``pip install --dry-run --report`` of mmadmd (a wheel, a checkout or a
requirement such as ``mmadmd[rotated]``) against an environment and lists
every installed package pip would replace, what it would add, and added
distributions that write the same import package as one already there (two
OpenCV builds in ``cv2/``, ``mmrotate-dev`` over ``mmrotate``), which pip
does not notice.

Examples:
    # your own environment (its python), from a checkout of mmadmd
    python tools/misc/check_user_env.py . --python /path/to/env/bin/python

    # a stack described by versions only: a throwaway venv holding a
    # metadata-only record (.dist-info) for each package
    python tools/misc/check_user_env.py dist/mmadmd-0.1.0-py3-none-any.whl \\
        --stack mmengine==0.10.7 mmdet==3.3.0 mmrazor==1.0.0 numpy==1.26.4

Metadata-only records declare no dependencies of their own, so pip resolves
only what mmadmd itself asks for. Exit status: 0 if nothing installed would
change, 1 if something would, 2 if pip finds no solution. Only the Python
standard library is used: run it before installing anything.
"""
import argparse
import json
import os
import os.path as osp
import re
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional, Sequence

#: Distributions that install the same top-level import package: pip
#: installs one over another without a word.
SHARED_IMPORTS = {
    'cv2': ('opencv-python', 'opencv-python-headless', 'opencv-contrib-python',
            'opencv-contrib-python-headless'),
    'mmcv': ('mmcv', 'mmcv-full', 'mmcv-lite'),
    'mmrotate': ('mmrotate', 'mmrotate-dev'),
}


def canonical(name: str) -> str:
    """A distribution name as pip compares it (PEP 503)."""
    return re.sub(r'[-_.]+', '-', name).lower()


def write_record(site_packages: str, name: str, version: str) -> None:
    """Make pip believe ``name==version`` is installed in ``site_packages``.

    Args:
        site_packages (str): The environment's ``site-packages`` folder.
        name (str): Distribution name.
        version (str): Its version.
    """
    dist_info = osp.join(site_packages,
                         f'{name.replace("-", "_")}-{version}.dist-info')
    os.makedirs(dist_info, exist_ok=True)
    with open(osp.join(dist_info, 'METADATA'), 'w') as f:
        f.write(f'Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n')
    for file, text in (('INSTALLER', 'check_user_env\n'), ('RECORD', '')):
        with open(osp.join(dist_info, file), 'w') as f:
            f.write(text)


def make_stack_env(root: str, stack: Sequence[str]) -> str:
    """A venv without pip holding a metadata-only record per package.

    Args:
        root (str): Empty folder for the venv.
        stack (list[str]): ``name==version`` items.

    Returns:
        str: The venv's python.
    """
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', root],
                   check=True)
    python = osp.join(root, 'bin', 'python')
    code = 'import sysconfig; print(sysconfig.get_path("purelib"))'
    site = subprocess.run([python, '-c', code],
                          check=True,
                          capture_output=True,
                          text=True).stdout.strip()
    for item in stack:
        name, sep, version = item.partition('==')
        if not sep or not name or not version:
            raise SystemExit(f'--stack {item!r}: write name==version, e.g. '
                             'mmengine==0.10.7')
        write_record(site, name.strip(), version.strip())
    return python


def installed_versions(python: str) -> Dict[str, str]:
    """``{canonical name: version}`` of every distribution of ``python``."""
    code = ('import importlib.metadata as m, json; print(json.dumps('
            '{d.metadata["Name"]: d.version for d in m.distributions() '
            'if d.metadata["Name"]}))')
    # -I: not the current folder (a checkout's mmadmd.egg-info) nor
    # PYTHONPATH, as pip sees the environment.
    out = subprocess.run([python, '-I', '-c', code],
                         check=True,
                         capture_output=True,
                         text=True).stdout
    return {canonical(k): v for k, v in json.loads(out).items()}


def compare(report: dict, installed: Dict[str, str]) -> dict:
    """What a ``pip install --report`` would do to the installed packages.

    Args:
        report (dict): pip's installation report (``--report``).
        installed (dict): ``{canonical name: version}`` before installing.

    Returns:
        dict: ``changed`` ``[(name, old, new)]``, ``added``
        ``[(name, version)]`` (mmadmd itself is always there) and ``shared``
        ``[(added, installed, import package)]``.
    """
    changed, added, shared = [], [], []
    for item in report.get('install', []):
        name = canonical(item['metadata']['name'])
        version = item['metadata']['version']
        if name in installed and name != 'mmadmd':  # mmadmd: replaced, sure
            changed.append((name, installed[name], version))
            continue
        added.append((name, version))
        for module, family in SHARED_IMPORTS.items():
            if name in family:
                shared += [(name, other, module) for other in family
                           if other != name and other in installed]
    return dict(changed=changed, added=added, shared=shared)


def dry_run(target: str, python: str,
            pip_options: Sequence[str]) -> subprocess.CompletedProcess:
    """``pip install --dry-run --report`` of ``target`` into ``python``'s
    environment; the report is in ``result.report`` (None if pip failed)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = osp.join(tmp, 'report.json')
        cmd = [
            sys.executable, '-m', 'pip', '--python', python, 'install',
            '--dry-run', '--quiet', '--report', report, *pip_options, target
        ]
        result = subprocess.run(cmd, capture_output=True, text=True)
        result.report = None
        if result.returncode == 0:
            with open(report) as f:
                result.report = json.load(f)
    return result


def format_result(found: dict) -> List[str]:
    """Lines a person reads: every change first."""
    lines = []
    for name, old, new in found['changed']:
        lines.append(f'CHANGE  {name} {old} -> {new}')
    for added, other, module in found['shared']:
        lines.append(f'CLASH   {added} would write {module}/ over the '
                     f'installed {other}')
    for name, version in found['added']:
        lines.append(f'add     {name} {version}')
    if not found['changed'] and not found['shared']:
        lines.append('OK: no installed package would change.')
    return lines


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n\n'.join(__doc__.split('\n\n')[1:]))
    parser.add_argument(
        'target',
        nargs='?',
        default='mmadmd',
        help='what to install: a wheel, a checkout (e.g. ".") or a '
        'requirement; extras as pip writes them, e.g. ".[rotated]"')
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        '--python',
        default=sys.executable,
        help='python of the environment to check (default: this one)')
    where.add_argument(
        '--stack',
        nargs='+',
        metavar='NAME==VERSION',
        help='check a throwaway venv holding metadata-only records of '
        'these packages instead')
    parser.add_argument(
        '--pip-option',
        action='append',
        default=[],
        metavar='OPTION',
        help='passed to pip, e.g. --pip-option=--no-index '
        '--pip-option=--find-links=wheels/')
    parser.add_argument('--json', help='also write the result here')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        python = args.python
        if args.stack:
            python = make_stack_env(osp.join(tmp, 'venv'), args.stack)
        installed = installed_versions(python)
        result = dry_run(args.target, python, args.pip_option)
    if result.report is None:
        print(result.stdout + result.stderr, file=sys.stderr)
        print(
            f'pip found no way to install {args.target} here (above).',
            file=sys.stderr)
        return 2
    found = compare(result.report, installed)
    print('\n'.join(format_result(found)))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(found, f, indent=1)
    return 1 if found['changed'] or found['shared'] else 0


if __name__ == '__main__':
    sys.exit(main())
