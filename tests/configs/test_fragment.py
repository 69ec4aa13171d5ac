# Copyright (c) mmadmd contributors. All rights reserved.
"""The drop-in fragment in a user's project, run by mmdet's own train.py
and ``mim train mmdet`` exactly as the README prints it, and by mmrotate's
own train.py with the scope its comment names. The own-project guide
prints the same recipe."""
import glob
import os
import os.path as osp
import subprocess
import sys
import textwrap

import mmdet
import mmrotate
import pytest
import torch
from mmdet.registry import MODELS
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope

from mmadmd.models import ConfigModel
from mmadmd.utils import (adapt_data, no_pretrained_options,
                          tiny_model_options)
from readme import doc_blocks, readme_blocks

pytestmark = pytest.mark.e2e  # trains or runs tools: see setup.cfg

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DETECTORS = osp.join(ROOT, 'configs', 'detectors')


def test_fragment_survives_replaced_lists(tmp_path):
    # The user's student config replaces custom_imports and custom_hooks.
    (tmp_path / 'my_student.py').write_text(
        textwrap.dedent(f"""
        _base_ = '{DETECTORS}/retinanet_r18_fpn_2x_dior.py'
        custom_imports = dict(imports=['json'], allow_failed_imports=False)
        custom_hooks = [dict(type='EmptyCacheHook', after_iter=True)]
        """))
    (tmp_path / 'my_admd.py').write_text(
        textwrap.dedent("""
        _base_ = ['./my_student.py', 'mmadmd::_base_/admd_fpn.py']
        model = dict(_base_.admd_model,
                     architecture=dict(_base_.model, _scope_='mmdet'))
        default_hooks = dict(admd_weight_increasing=_base_.admd_weight_increasing_hook)
        val_cfg = _base_.admd_val_cfg
        """))  # noqa: E501
    cfg = Config.fromfile(str(tmp_path / 'my_admd.py'))
    assert cfg.custom_imports.imports == ['json']
    assert [h['type'] for h in cfg.custom_hooks] == ['EmptyCacheHook']
    assert cfg.default_hooks.admd_weight_increasing.type == \
        'mmadmd.WeightIncreasingHook'


def test_own_project_guide_changes_a_setting_by_inheriting(tmp_path):
    """The guide's child config of ``my_admd.py`` changes the loss weight
    and keeps the rest of the distiller, student and teacher."""
    (tmp_path / 'my_retinanet_r50.py').write_text(
        f"_base_ = '{DETECTORS}/retinanet_r50_fpn_2x_dior.py'\n")
    [recipe] = readme_blocks('## Use it in your own project', 'python')
    (tmp_path / 'my_admd.py').write_text(recipe)
    [child] = doc_blocks('docs/user_guides/own_project.md',
                         '## Settings to change', 'python')
    (tmp_path / 'my_admd_w1.py').write_text(child)
    parent = Config.fromfile(str(tmp_path / 'my_admd.py')).model
    model = Config.fromfile(str(tmp_path / 'my_admd_w1.py')).model
    loss = model.distiller.distill_losses.loss_admd_fpn
    assert loss.loss_weight == 1.0
    loss.loss_weight = parent.distiller.distill_losses.loss_admd_fpn.loss_weight
    assert model.to_dict() == parent.to_dict()
    assert parent.distiller.distill_losses.loss_admd_fpn.loss_weight == 3.0


def _tiny_detector(name: str, data_root: str, depth: int) -> Config:
    """A user's own detector config, CPU-sized (2 iterations)."""
    cfg = Config.fromfile(osp.join(DETECTORS, name))
    cfg.merge_from_dict(tiny_model_options(depth=depth))
    cfg.merge_from_dict(no_pretrained_options(cfg))
    adapt_data(cfg, data_root, (128, 128), batch_size=2, num_workers=0)
    cfg.train_cfg = ConfigDict(
        type='IterBasedTrainLoop', max_iters=2, val_interval=100)
    cfg.param_scheduler = []
    cfg.default_hooks.logger.interval = 1
    return cfg


def test_readme_recipe_runs_verbatim_in_mmdet(tmp_path, dior_root):
    """The README's own-project recipe, as printed: the config with
    MMDetection's own train.py from another folder, and the README's
    ``mim train mmdet`` command from the project's folder. Neither process
    imports mmadmd before it loads the config."""
    project = tmp_path / 'project'
    project.mkdir()
    _tiny_detector('retinanet_r50_fpn_2x_dior.py', dior_root,
                   18).dump(str(project / 'my_retinanet_r50.py'))
    teacher = _tiny_detector('retinanet_r101_fpn_2x_dior.py', dior_root, 34)
    teacher.dump(str(project / 'my_retinanet_r101.py'))
    [config] = readme_blocks('## Use it in your own project', 'python')
    (project / 'my_admd.py').write_text(config)
    [command] = readme_blocks('## Use it in your own project', 'bash')
    assert command.startswith('mim train mmdet my_admd.py')

    # The teacher's checkpoint, where the recipe says (relative to the
    # working directory, as load_from is).
    elsewhere = tmp_path / 'elsewhere'
    init_default_scope('mmdet')
    weights = {'state_dict': MODELS.build(teacher.model).state_dict()}
    for cwd in (project, elsewhere):
        (cwd / 'work_dirs' / 'teacher').mkdir(parents=True)
        torch.save(weights, cwd / 'work_dirs' / 'teacher' / 'epoch_24.pth')

    train = osp.join(osp.dirname(mmdet.__file__), '.mim', 'tools', 'train.py')
    venv = osp.dirname(sys.executable)
    env = dict(os.environ, PATH=venv + os.pathsep + os.environ['PATH'])
    runs = [([sys.executable, train, '../project/my_admd.py', '--work-dir',
              'work'], elsewhere, elsewhere / 'work'),
            (command, project, project / 'work_dirs' / 'my_admd')]
    for cmd, cwd, work_dir in runs:
        result = subprocess.run(
            cmd, shell=isinstance(cmd, str), capture_output=True, text=True,
            timeout=600, cwd=cwd, env=env)
        assert result.returncode == 0, result.stderr[-3000:]
        log = open(glob.glob(str(work_dir / '*' / '*.log'))[0]).read()
        assert 'distill.loss_admd_fpn' in log, cmd
        assert 'admd/weight_ratio' in log, cmd
        assert osp.exists(work_dir / 'last_checkpoint'), cmd


def test_readme_recipe_runs_in_mmrotate(tmp_path, dota_split_root):
    """The same recipe with rotated detectors, as its comment says (scope
    'mmrotate'), through MMRotate's own train.py from another folder."""
    project = tmp_path / 'project'
    project.mkdir()
    student = _tiny_detector('rotated-retinanet-rbox-le90_r50_fpn_1x_dota.py',
                             dota_split_root, 18)
    student.dump(str(project / 'my_retinanet_r50.py'))
    teacher = _tiny_detector(
        'rotated-retinanet-rbox-le90_r101_fpn_1x_dota.py', dota_split_root,
        34)
    teacher.dump(str(project / 'my_retinanet_r101.py'))
    [config] = readme_blocks('## Use it in your own project', 'python')
    assert "_scope_='mmdet'),  # 'mmrotate' for rotated" in config
    (project / 'my_admd.py').write_text(
        config.replace("_scope_='mmdet'", "_scope_='mmrotate'"))
    elsewhere = tmp_path / 'elsewhere'
    init_default_scope('mmrotate')
    from mmrotate.registry import MODELS as MMROTATE_MODELS
    weights = {'state_dict': MMROTATE_MODELS.build(teacher.model).state_dict()}
    (elsewhere / 'work_dirs' / 'teacher').mkdir(parents=True)
    torch.save(weights, elsewhere / 'work_dirs' / 'teacher' / 'epoch_24.pth')
    train = osp.join(osp.dirname(mmrotate.__file__), '.mim', 'tools',
                     'train.py')
    result = subprocess.run(
        [sys.executable, train, '../project/my_admd.py', '--work-dir',
         'work'], capture_output=True, text=True, timeout=600, cwd=elsewhere)
    assert result.returncode == 0, result.stderr[-3000:]
    log = open(glob.glob(str(elsewhere / 'work' / '*' / '*.log'))[0]).read()
    assert 'distill.loss_admd_fpn' in log


def test_config_model_names_the_fix_for_a_relative_path(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match=r"config='\{\{fileDirname\}\}/my_teacher.py'"):
        ConfigModel(str(tmp_path / 'nowhere' / 'my_teacher.py'))


def test_own_project_guide_prints_the_readme_recipe():
    for lang in ('python', 'bash'):
        assert doc_blocks('docs/user_guides/own_project.md',
                          '## The fragment', lang) == readme_blocks(
                              '## Use it in your own project', lang), lang
