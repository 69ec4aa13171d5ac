# Copyright (c) mmadmd contributors. All rights reserved.
"""The drop-in fragment in a user's project, run by mmdet's own train.py."""
import glob
import os.path as osp
import subprocess
import sys
import textwrap

import mmdet
from mmengine.config import Config, ConfigDict

from mmadmd.utils import adapt_data, distill_options, no_pretrained_options

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DETECTORS = osp.join(ROOT, 'configs', 'detectors')


def test_fragment_survives_replaced_lists_and_runs_in_mmdet(
        tmp_path, dior_root):
    # The user's student config replaces custom_imports and custom_hooks.
    (tmp_path / 'my_student.py').write_text(
        textwrap.dedent(f"""
        _base_ = '{DETECTORS}/retinanet_r18_fpn_2x_dior.py'
        custom_imports = dict(imports=['json'], allow_failed_imports=False)
        custom_hooks = [dict(type='EmptyCacheHook', after_iter=True)]
        """))
    # The five lines of the README.
    (tmp_path / 'my_admd.py').write_text(
        textwrap.dedent(f"""
        _base_ = ['./my_student.py', '{ROOT}/configs/_base_/admd_fpn.py']
        model = dict(_base_.admd_model,
                     architecture=dict(_base_.model, _scope_='mmdet'),
                     teacher=dict(type='ConfigModel', config='{DETECTORS}/retinanet_r50_fpn_2x_dior.py'))
        default_hooks = dict(admd_weight_increasing=_base_.admd_weight_increasing_hook)
        val_cfg = _base_.admd_val_cfg
        """))  # noqa: E501
    cfg = Config.fromfile(str(tmp_path / 'my_admd.py'))
    assert cfg.custom_imports.imports == ['json']
    assert [h['type'] for h in cfg.custom_hooks] == ['EmptyCacheHook']
    assert cfg.default_hooks.admd_weight_increasing.type == \
        'mmadmd.WeightIncreasingHook'

    # Shrink it for the CPU, then run mmdet's train.py on it.
    cfg.merge_from_dict(distill_options(cfg, depth=18))
    cfg.merge_from_dict(no_pretrained_options(cfg))
    adapt_data(cfg, dior_root, (128, 128), batch_size=2, num_workers=0)
    cfg.train_cfg = ConfigDict(
        type='IterBasedTrainLoop', max_iters=2, val_interval=100)
    cfg.param_scheduler = []
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.admd_weight_increasing.warmup_iters = 1
    cfg.dump(str(tmp_path / 'run.py'))
    train = osp.join(osp.dirname(mmdet.__file__), '.mim', 'tools', 'train.py')
    work_dir = tmp_path / 'work'
    result = subprocess.run(
        [sys.executable, train,
         str(tmp_path / 'run.py'), '--work-dir',
         str(work_dir)],
        capture_output=True,
        text=True,
        timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    log = open(glob.glob(str(work_dir / '*' / '*.log'))[0]).read()
    assert 'distill.loss_admd_fpn' in log
    assert 'admd/weight_ratio' in log
