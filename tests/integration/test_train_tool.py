# Copyright (c) mmadmd contributors. All rights reserved.
"""tools/train.py on the toy distillation: a forgotten teacher checkpoint
and a resume from another config's checkpoint stop with their messages; a
resume of the same config needs no teacher checkpoint (the checkpoint holds
the teacher)."""
import os.path as osp
import subprocess
import sys

import pytest
from mmengine.config import Config
from mmengine.runner import save_checkpoint

from mmadmd.testing.toy import ToyDetector, distill_model_cfg, runner_cfg

pytestmark = pytest.mark.e2e  # runs tools/train.py: see setup.cfg

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TRAIN = osp.join(ROOT, 'tools', 'train.py')


def _config(tmp_path, name: str, width: int, max_iters: int) -> str:
    model = distill_model_cfg()
    model['architecture']['width'] = width
    model.update(_scope_='mmadmd', type='PrecisionFpnTeacherDistill')
    cfg = runner_cfg(
        str(tmp_path / 'work'),
        max_iters=max_iters,
        model=model,
        custom_imports=dict(imports=['mmadmd.testing.toy']))
    path = str(tmp_path / f'{name}.py')
    Config(cfg).dump(path)
    return path


def _train(*args: str):
    return subprocess.run([sys.executable, TRAIN, *args],
                          capture_output=True, text=True, timeout=300)


def test_teacher_and_resume_checks(tmp_path):
    config = _config(tmp_path, 'admd', width=4, max_iters=2)
    out = _train(config)
    assert out.returncode != 0
    assert 'model.teacher_ckpt is None: the teacher would start from ' \
        'random weights' in out.stderr
    teacher = str(tmp_path / 'teacher.pth')
    save_checkpoint(dict(state_dict=ToyDetector(width=8).state_dict()),
                    teacher)
    out = _train(config, '--cfg-options', f'model.teacher_ckpt={teacher}')
    assert out.returncode == 0, out.stderr[-3000:]
    checkpoint = str(tmp_path / 'work' / 'iter_2.pth')
    assert osp.isfile(checkpoint)
    # another config (a wider student) resumed from this run's checkpoint
    wider = _config(tmp_path, 'wider', width=6, max_iters=3)
    out = _train(wider, '--resume', checkpoint)
    assert out.returncode != 0
    assert f'The checkpoint {checkpoint} does not fit the model of ' \
        f'{wider}' in out.stderr
    assert 'Resume with the config that wrote the checkpoint' in out.stderr
    # the same config resumes, its teacher from the checkpoint
    longer = _config(tmp_path, 'longer', width=4, max_iters=3)
    out = _train(longer, '--resume', checkpoint)
    assert out.returncode == 0, out.stderr[-3000:]
    assert osp.isfile(str(tmp_path / 'work' / 'iter_3.pth'))
