# Copyright (c) mmadmd contributors. All rights reserved.
"""mmadmd_startup: processes that never import mmadmd (MMDetection's own
tools, mim) resolve ``mmadmd::`` configs and import mmrazor in any order."""
import os
import subprocess
import sys
import textwrap

import pytest

import mmadmd_startup


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, '-c', textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, **env))


@pytest.mark.parametrize('mmrazor_version, torch_version, expected', [
    ('1.0.0', '2.13.0+cu130', True),
    ('1.0.0', '2.1.0', True),
    ('1.0.0', '1.13.1', False),
    ('1.1.0', '2.13.0', False),
])
def test_needs_patch(mmrazor_version, torch_version, expected):
    assert mmadmd_startup.needs_patch(mmrazor_version,
                                      torch_version) is expected


def test_mmrazor_imports_first_and_mmadmd_configs_load(tmp_path):
    (tmp_path /
     'my_admd.py').write_text("_base_ = ['mmadmd::_base_/admd_fpn.py']\n")
    result = _run(f"""
        import inspect, sys
        # installed by the .pth, before anything heavy is imported
        from mmadmd_startup import MMAdmdFinder
        assert isinstance(sys.meta_path[0], MMAdmdFinder), sys.meta_path
        assert 'mmadmd' not in sys.modules and 'torch' not in sys.modules
        import mmrazor.models  # before anything imported mmadmd
        from mmrazor.structures.quantization import BackendConfigs
        assert all(v is None for v in BackendConfigs.values())
        from mmengine.config import Config
        cfg = Config.fromfile({str(tmp_path / 'my_admd.py')!r})
        assert cfg.admd_loss.type == 'ADMDLoss', cfg.admd_loss
        assert 'mmadmd' not in sys.modules
        # the hook wraps mmengine.config.utils' loader and nothing else
        import mmengine.config.utils as utils, mmengine.fileio as fileio
        assert 'MODULE2PACKAGE' in inspect.getsource(utils)
        assert type(fileio.__loader__).__name__ == 'SourceFileLoader'
        """)
    assert result.returncode == 0, result.stderr


def test_without_the_hook_both_fail(tmp_path):
    """What the hook exists for (guards against a no-op)."""
    result = _run('import mmrazor.models', MMADMD_NO_STARTUP='1')
    assert result.returncode != 0
    assert 'torch>=1.13' in result.stderr
    (tmp_path /
     'my_admd.py').write_text("_base_ = ['mmadmd::_base_/admd_fpn.py']\n")
    result = _run(
        'from mmengine.config import Config\n'
        f'Config.fromfile({str(tmp_path / "my_admd.py")!r})',
        MMADMD_NO_STARTUP='1')
    assert 'does not support to load mmadmd config' in result.stderr


def test_importing_mmadmd_installs_it_without_the_startup():
    """A clone on PYTHONPATH (no .pth run): ``import mmadmd`` is enough."""
    result = _run(
        """
        from mmengine.config import utils
        assert 'mmadmd' not in utils.MODULE2PACKAGE
        import mmadmd, mmrazor.models
        assert utils.MODULE2PACKAGE['mmadmd'] == 'mmadmd'
        """,
        MMADMD_NO_STARTUP='1')
    assert result.returncode == 0, result.stderr


def _startup_pth_installed() -> bool:
    import site
    return any(
        os.path.exists(os.path.join(d, 'mmadmd-startup.pth'))
        for d in site.getsitepackages())


needs_pth = pytest.mark.skipif(
    not _startup_pth_installed(),
    reason='mmadmd-startup.pth is not in site-packages (pip install -e .)')


@needs_pth
def test_the_startup_imports_next_to_nothing():
    """The .pth checks MMADMD_NO_STARTUP before importing anything; when on,
    it adds only mmadmd_startup (importlib.metadata, importlib.abc,
    importlib.machinery, typing stay out: docs/installation.md has the
    measured cost)."""
    code = 'import sys; print(" ".join(sorted(sys.modules)))'
    off = set(_run(code, MMADMD_NO_STARTUP='1').stdout.split())
    on = set(_run(code).stdout.split())
    assert 'mmadmd_startup' not in off
    assert 'mmadmd_startup' in on
    assert on - off == {'mmadmd_startup'}, on - off
    # docs/installation.md's measuring command, verbatim, sees it.
    from readme import doc_blocks
    block, = doc_blocks('docs/installation.md', '## The start-up hook', 'bash')
    bin_dir = os.path.dirname(sys.executable)
    result = subprocess.run(
        ['bash', '-c', block],
        capture_output=True,
        text=True,
        env=dict(os.environ, PATH=bin_dir + os.pathsep + os.environ['PATH']))
    assert result.returncode == 0, result.stderr
    assert any(
        line.startswith('import time:')
        and line.split('|')[-1].strip() == 'mmadmd_startup'
        for line in result.stderr.splitlines())


def test_editable_install_paths_point_to_the_package(tmp_path):
    """mim 0.3.9 and mmengine 0.10.x join site-packages with the module
    name; for mmadmd a path that does not exist becomes the package."""
    import types

    import mmadmd
    module = types.ModuleType('fake_mim_utils')
    module.get_installed_path = lambda package: str(tmp_path / package)
    mmadmd_startup.teach_installed_path(module)
    mmadmd_startup.teach_installed_path(module)  # idempotent
    assert module.get_installed_path('mmadmd') == os.path.dirname(
        mmadmd.__file__)
    assert module.get_installed_path('mmdet') == str(tmp_path / 'mmdet')
    (tmp_path / 'mmadmd').mkdir()  # a wheel: the path exists, kept
    assert module.get_installed_path('mmadmd') == str(tmp_path / 'mmadmd')


def test_rotated_config_without_mmrotate_names_the_install(tmp_path):
    (tmp_path / 'my_rotated.py').write_text(
        "_base_ = ['mmrotate::rotated_retinanet/"
        "rotated-retinanet-rbox-le90_r50_fpn_1x_dota.py']\n")
    code = f"""
        import sys
        import mmadmd  # noqa
        sys.modules['mmrotate'] = None  # as if mmrotate were not installed
        from mmengine.config import Config
        try:
            Config.fromfile({str(tmp_path / 'my_rotated.py')!r})
        except ModuleNotFoundError as e:
            print(e)
        """
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert "'mmrotate::rotated_retinanet/" in result.stdout
    assert 'pip install "mmadmd[rotated]"' in result.stdout
    if _startup_pth_installed():
        # The start-up hook alone: MMDetection's tools never import mmadmd.
        result = _run(code.replace('import mmadmd  # noqa', ''))
        assert 'pip install "mmadmd[rotated]"' in result.stdout, result.stderr
