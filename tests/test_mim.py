# Copyright (c) mmadmd contributors. All rights reserved.
"""`mim train mmadmd <config>`, `mim test`, `mim search` and `mim run` from
an installed wheel and from the editable install (``pip install -e .``, what
``make install`` makes); the metafiles against the config folders."""
import os
import os.path as osp
import sys

import pytest

from wheel_build import ROOT, build_wheel
from wheel_build import run as _run

pytestmark = pytest.mark.e2e  # trains or runs tools: see setup.cfg

MIM = osp.join(osp.dirname(sys.executable), 'mim')
CONFIG = 'admd_fpn_retina-r34-w32_retina-r18-w16_demo_synthetic-dior.py'
needs_mim = pytest.mark.skipif(
    not osp.exists(MIM), reason='openmim is not installed')


def _editable() -> bool:
    """Whether this environment's mmadmd is an editable install (PEP 610
    ``direct_url.json``; not the checkout's own ``mmadmd.egg-info``)."""
    import importlib.metadata
    import json
    import site
    for dist in importlib.metadata.distributions(path=site.getsitepackages()):
        if dist.metadata['Name'] == 'mmadmd':
            url = json.loads(dist.read_text('direct_url.json') or '{}')
            return url.get('dir_info', {}).get('editable', False)
    return False


def _search_and_run(env=None, cwd=None) -> None:
    """`mim search` finds the model index, `mim run` the tools."""
    search = _run([MIM, 'search', 'mmadmd', '--model', 'admd'],
                  env=env,
                  cwd=cwd)
    assert 'config id: admd_fpn_retina-r101_retina-r50_2x_dior' in \
        search.stdout
    run = _run([MIM, 'run', 'mmadmd', 'split_dota', '--', '--help'],
               env=env,
               cwd=cwd)
    assert 'usage:' in run.stdout and 'dataset_converters' in run.stdout


def _train_options(dior_root) -> list:
    data = [
        f'{key}.data_root={dior_root}'
        for key in ('train_dataloader.dataset.datasets.0',
                    'train_dataloader.dataset.datasets.1',
                    'val_dataloader.dataset', 'test_dataloader.dataset')
    ]
    return [
        '--cfg-options',
        'train_cfg.max_iters=2',
        'train_cfg.val_interval=10',
        'train_dataloader.batch_size=2',
        'default_hooks.checkpoint.interval=2',
        'model.teacher_ckpt_required=False'  # a random teacher, on purpose
    ] + data


@needs_mim
def test_mim_train_and_test_from_wheel(tmp_path, dior_root):
    wheel = build_wheel(tmp_path)
    site = tmp_path / 'site'
    _run([
        sys.executable, '-m', 'pip', 'install', '--no-deps', '-q', '--target',
        str(site),
        str(wheel)
    ])
    assert (site / 'mmadmd' / '.mim' / 'configs' / 'demo' / CONFIG).exists()
    assert (site / 'mmadmd' / '.mim' / 'tools' / 'train.py').exists()
    # The start-up hook lands in site-packages, beside the package.
    assert (site / 'mmadmd-startup.pth').read_text() == open(
        osp.join(ROOT, 'mmadmd-startup.pth')).read()
    assert (site / 'mmadmd_startup.py').exists()

    env = dict(os.environ, PYTHONPATH=str(site))
    work_dir = str(tmp_path / 'work')
    options = _train_options(dior_root)
    # Only the config's name: mim must find it inside the installed wheel.
    train = _run(
        [MIM, 'train', 'mmadmd', CONFIG, '--work-dir', work_dir] + options,
        env=env,
        cwd=str(tmp_path))
    assert str(site / 'mmadmd' / '.mim' / 'configs') in train.stdout
    assert osp.exists(osp.join(work_dir, 'iter_2.pth'))
    test = _run(
        [
            MIM, 'test', 'mmadmd', CONFIG, '--checkpoint',
            osp.join(work_dir, 'iter_2.pth'), '--work-dir', work_dir
        ] + options,
        env=env,
        cwd=str(tmp_path))
    assert 'pascal_voc/mAP' in test.stdout + test.stderr
    # mim finds the model index and the tools of the installed package.
    _search_and_run(env=env, cwd=str(tmp_path))


@needs_mim
@pytest.mark.skipif(
    not _editable(),
    reason='mmadmd is not installed with '
    'pip install -e (make install does)')
def test_mim_from_the_editable_install(tmp_path, dior_root):
    """mim 0.3.9 looks for mmadmd/.mim beside the .dist-info in
    site-packages, where an editable install has no package; the start-up
    hook points it to the checkout (mmadmd_startup.teach_installed_path)."""
    _search_and_run(cwd=str(tmp_path))
    # docs/installation.md's commands, verbatim.
    from readme import doc_blocks
    block, = doc_blocks('docs/installation.md',
                        '## mim from an editable install', 'bash')
    env = dict(
        os.environ, PATH=osp.dirname(MIM) + os.pathsep + os.environ['PATH'])
    for command in filter(str.strip, block.splitlines()):
        _run(['bash', '-c', command], cwd=str(tmp_path), env=env)
    work_dir = str(tmp_path / 'work')
    train = _run(
        [MIM, 'train', 'mmadmd', CONFIG, '--work-dir', work_dir] +
        _train_options(dior_root),
        cwd=str(tmp_path))
    # mim names the config it found, symlinks resolved: the checkout's.
    assert osp.join(ROOT, 'configs', 'demo', CONFIG) in train.stdout
    assert osp.exists(osp.join(work_dir, 'iter_2.pth'))
    # Without the hook, mim fails as it does for any editable plugin.
    search = _run_failing([MIM, 'search', 'mmadmd', '--model', 'admd'],
                          cwd=str(tmp_path))
    assert 'model-index.yml' in search.stdout + search.stderr


def _run_failing(cmd, **kwargs):
    import subprocess
    result = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, MMADMD_NO_STARTUP='1'),
        **kwargs)
    assert result.returncode != 0, result.stdout
    return result


def test_metafiles_list_every_config():
    import yaml
    index = yaml.safe_load(open(osp.join(ROOT, 'model-index.yml')))
    listed = set()
    for metafile in index['Import']:
        meta = yaml.safe_load(open(osp.join(ROOT, metafile)))
        collections = {c['Name'] for c in meta['Collections']}
        for model in meta['Models']:
            assert model['In Collection'] in collections, model
            assert osp.isfile(osp.join(ROOT, model['Config'])), model
            assert model['Name'] == osp.basename(model['Config'])[:-3]
            listed.add(model['Config'])
    folders = {osp.dirname(m) for m in index['Import']}
    configs = {
        f'{folder}/{name}'
        for folder in folders
        for name in os.listdir(osp.join(ROOT, folder)) if name.endswith('.py')
    }
    assert configs == listed, (
        'add these configs to their folder\'s metafile.yml: '
        f'{sorted(configs - listed)}; remove: {sorted(listed - configs)}')
    top = {d for d in os.listdir(osp.join(ROOT, 'configs')) if d != '_base_'}
    assert {f'configs/{d}' for d in top} == folders


def test_license_citation_changelog():
    import yaml
    root = osp.dirname(osp.dirname(osp.abspath(__file__)))
    assert 'Apache License' in open(osp.join(root, 'LICENSE')).read()
    cff = yaml.safe_load(open(osp.join(root, 'CITATION.cff')))
    assert cff['preferred-citation']['doi'] == \
        '10.1016/j.isprsjprs.2025.02.006'
    assert cff['license'] == 'Apache-2.0'
    assert open(osp.join(root,
                         'CHANGELOG.md')).read().startswith('# Changelog')
