# Copyright (c) mmadmd contributors. All rights reserved.
"""The package states ranges, not our venv; ``import mmadmd`` checks them;
pip leaves a user's supported stack alone (tools/misc/check_user_env.py)."""
import email
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys
import zipfile

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

import mmadmd
from mmadmd.version import SUPPORTED_VERSIONS
from wheel_build import ROOT, build_wheel

OPENCV = {
    'opencv-python', 'opencv-python-headless', 'opencv-contrib-python',
    'opencv-contrib-python-headless'
}
#: A user's stack that mmadmd supports (issue 30): pip must change nothing.
USER_STACK = [
    'torch==2.1.0', 'torchvision==0.16.0', 'mmcv==2.1.0', 'mmengine==0.10.7',
    'mmdet==3.3.0', 'mmrazor==1.0.0', 'numpy==1.26.4',
    'opencv-python==4.8.1.78', 'mmrotate==1.0.0rc1', 'joblib==1.4.2'
]


def _load(path: str):
    spec = importlib.util.spec_from_file_location(
        osp.splitext(osp.basename(path))[0], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_user_env = _load(osp.join(ROOT, 'tools', 'misc', 'check_user_env.py'))


def _requirements(fname: str) -> dict:
    setup = _load(osp.join(ROOT, 'setup.py'))
    return {
        Requirement(line).name: Requirement(line)
        for line in setup.parse_requirements(fname)
    }


def _pins(fname: str) -> dict:
    pins = {}
    for req in _requirements(fname).values():
        spec = next(iter(req.specifier), None)
        if spec is not None and spec.operator in ('==', '==='):
            pins[req.name] = spec.version
    return pins


def test_requirements_state_the_supported_ranges():
    runtime = _requirements('runtime.txt')
    mim = _requirements('mminstall.txt')
    for name, (minimum, maximum) in SUPPORTED_VERSIONS.items():
        expected = SpecifierSet(f'>={minimum},<{maximum}')
        for reqs in (runtime, mim):
            if name in reqs:
                assert reqs[name].specifier == expected, (name, reqs[name])
    assert set(SUPPORTED_VERSIONS) <= set(runtime) | set(mim)


def test_constraints_pin_versions_inside_the_ranges():
    """The verified stack lies inside the ranges; the min stack is their
    lower bounds, so `make test STACK=min` tests what runtime.txt says."""
    pinned = _pins('constraints.txt')
    lowest = _pins('constraints-min.txt')
    for name, (minimum, maximum) in SUPPORTED_VERSIONS.items():
        rng = SpecifierSet(f'>={minimum},<{maximum}', prereleases=True)
        assert Version(pinned[name]) in rng, (name, pinned[name])
        assert lowest[name] == minimum, (name, lowest[name])
    assert pinned['torch'] == lowest['torch']  # one cached mmcv wheel


def test_import_check_names_the_installed_version_and_the_fix(monkeypatch):
    import mmdet
    monkeypatch.setitem(mmadmd.SUPPORTED_VERSIONS, 'mmdet', ('3.4.0', '4.0.0'))
    with pytest.raises(RuntimeError) as e:
        mmadmd._check_versions()
    message = str(e.value)
    assert f'mmdet {mmdet.__version__} is installed' in message
    assert 'pip install "mmdet>=3.4.0,<4.0.0"' in message
    monkeypatch.setitem(mmadmd.SUPPORTED_VERSIONS, 'mmdet', ('3.2.0', '3.4.0'))
    monkeypatch.setitem(mmadmd.SUPPORTED_VERSIONS, 'mmcv', ('1.0.0', '2.0.0'))
    with pytest.raises(RuntimeError, match='mim install "mmcv>=1.0.0,<2.0.0"'):
        mmadmd._check_versions()


def test_compare_reports_changes_additions_and_shared_imports():
    report = {
        'install': [{
            'metadata': {
                'name': 'mmengine',
                'version': '0.11.0rc3'
            }
        }, {
            'metadata': {
                'name': 'opencv_python_headless',
                'version': '5.0.0'
            }
        }, {
            'metadata': {
                'name': 'mmadmd',
                'version': '0.1.0'
            }
        }]
    }
    installed = {'mmengine': '0.10.7', 'opencv-python': '4.8.1.78'}
    found = check_user_env.compare(report, installed)
    assert found['changed'] == [('mmengine', '0.10.7', '0.11.0rc3')]
    assert found['added'] == [('opencv-python-headless', '5.0.0'),
                              ('mmadmd', '0.1.0')]
    assert found['shared'] == [('opencv-python-headless', 'opencv-python',
                                'cv2')]
    lines = check_user_env.format_result(found)
    assert lines[0] == 'CHANGE  mmengine 0.10.7 -> 0.11.0rc3'
    assert not any(line.startswith('OK') for line in lines)


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    return build_wheel(tmp_path_factory.mktemp('wheel'))


@pytest.mark.e2e
def test_wheel_metadata_leaves_versions_to_the_user(wheel):
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist()
                    if n.endswith('.dist-info/METADATA'))
        meta = email.message_from_string(z.read(name).decode())
    reqs = [Requirement(r) for r in meta.get_all('Requires-Dist')]
    # Every extra too: exact versions live in requirements/constraints.txt.
    for req in reqs:
        for spec in req.specifier:
            assert spec.operator not in ('==', '==='), req
            assert not Version(spec.version).is_prerelease, req
    base = {r.name for r in reqs if r.marker is None}
    assert base == {'joblib', 'mmdet', 'mmengine', 'mmrazor'}
    assert not OPENCV & {r.name for r in reqs}
    rotated = [r for r in reqs if r.name == 'mmrotate-dev']
    assert [str(r.marker) for r in rotated] == ['extra == "rotated"']
    assert {r.name for r in reqs if str(r.marker) == 'extra == "mim"'} == \
        {'mmcv', 'mmengine'}


def _fake_wheel(folder, name: str, version: str) -> None:
    """A metadata-only wheel: enough for ``pip install --dry-run``."""
    dist = f'{name.replace("-", "_")}-{version}'
    with zipfile.ZipFile(folder / f'{dist}-py3-none-any.whl', 'w') as z:
        z.writestr(
            f'{dist}.dist-info/METADATA',
            f'Metadata-Version: 2.1\nName: {name}\n'
            f'Version: {version}\n')
        z.writestr(
            f'{dist}.dist-info/WHEEL', 'Wheel-Version: 1.0\n'
            'Generator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n')
        z.writestr(f'{dist}.dist-info/RECORD', '')


def _check(target: str, stack, *pip_options, tmp_path):
    out = tmp_path / 'result.json'
    result = subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools', 'misc', 'check_user_env.py'), target,
        '--stack', *stack, '--json',
        str(out), *[f'--pip-option={o}' for o in pip_options]
    ],
                            capture_output=True,
                            text=True,
                            timeout=600)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result, json.loads(out.read_text())


@pytest.mark.e2e
def test_installing_the_wheel_changes_nothing_in_a_supported_stack(
        wheel, tmp_path):
    result, found = _check(
        str(wheel), USER_STACK, '--no-index', tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout
    assert found['changed'] == [] and found['shared'] == []
    assert [a[0] for a in found['added']] == ['mmadmd']
    assert 'OK: no installed package would change.' in result.stdout


@pytest.mark.e2e
def test_the_check_reports_what_pip_would_change(wheel, tmp_path):
    """An older mmdet is upgraded; the rotated extra beside a user's own
    mmrotate writes a second mmrotate/ (guards against a tool that never
    finds anything)."""
    links = tmp_path / 'links'
    links.mkdir()
    _fake_wheel(links, 'mmdet', '3.3.0')
    _fake_wheel(links, 'mmrotate-dev', '1.0.1')
    stack = [s for s in USER_STACK if not s.startswith('mmdet==')]
    result, found = _check(
        f'mmadmd[rotated] @ {wheel.as_uri()}',
        stack + ['mmdet==3.1.0'],
        '--no-index',
        f'--find-links={links}',
        tmp_path=tmp_path)
    assert result.returncode == 1
    assert [tuple(c)
            for c in found['changed']] == [('mmdet', '3.1.0', '3.3.0')]
    assert [tuple(s) for s in found['shared']] == [('mmrotate-dev', 'mmrotate',
                                                    'mmrotate')]
    assert 'CHANGE  mmdet 3.1.0 -> 3.3.0' in result.stdout


def _own_environment_commands(page: str) -> list:
    """The commands for an existing environment, one per line: the
    README's section between its install-own-env markers, or the section of
    docs/installation.md."""
    from readme import README, doc_blocks
    if page == 'README.md':
        lines = open(README, encoding='utf-8').read().splitlines()
        start = lines.index('<!-- install-own-env:start -->')
        heading = next(
            line for line in reversed(lines[:start]) if line.startswith('#'))
    else:
        heading = '## Into your own environment'
    blocks = doc_blocks(page, heading, 'bash')
    assert len(blocks) == 1, blocks
    return [line for line in blocks[0].splitlines() if line.strip()]


@pytest.mark.e2e
@pytest.mark.parametrize('page', ['README.md', 'docs/installation.md'])
def test_install_commands_leave_this_environment_alone(tmp_path, page):
    """Each command, verbatim but for ``--dry-run --report`` after
    ``install`` (not PIP_DRY_RUN, which would reach the pip that fills the
    build environment): it works here, and the only thing it would install
    is mmadmd itself."""
    commands = _own_environment_commands(page)
    assert [c.split('#')[0].split()[:2]
            for c in commands] == [['pip', 'install'], ['pip', 'install'],
                                   ['mim', 'install']]
    bin_dir = osp.dirname(sys.executable)
    for n, command in enumerate(commands):
        report = tmp_path / f'report{n}.json'
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ['PATH'])
        dry = command.replace(' install ',
                              f' install --dry-run --report {report} ', 1)
        result = subprocess.run(['bash', '-c', dry],
                                cwd=ROOT,
                                env=env,
                                capture_output=True,
                                text=True,
                                timeout=900)
        output = result.stdout + result.stderr
        assert result.returncode == 0, (command, output[-3000:])
        assert 'does not provide the extra' not in output, (command, output)
        installs = [
            i['metadata']['name']
            for i in json.loads(report.read_text())['install']
        ]
        assert installs == ['mmadmd'], (command, installs)


@pytest.mark.e2e
def test_documented_check_runs_here():
    """docs/installation.md's check_user_env commands, verbatim, in this
    environment (which holds a supported stack): nothing would change."""
    from readme import doc_blocks
    block, = doc_blocks(
        'docs/installation.md', '## What would pip change? '
        '`tools/misc/check_user_env.py`', 'bash')
    env = dict(
        os.environ,
        PATH=osp.dirname(sys.executable) + os.pathsep + os.environ['PATH'])
    for command in filter(str.strip, block.splitlines()):
        result = subprocess.run(['bash', '-c', command],
                                cwd=ROOT,
                                env=env,
                                capture_output=True,
                                text=True,
                                timeout=900)
        assert result.returncode == 0, (command,
                                        result.stdout + result.stderr[-3000:])
        assert 'OK: no installed package would change.' in result.stdout
