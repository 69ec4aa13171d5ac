# Copyright (c) mmadmd contributors. All rights reserved.
"""tools/analysis/mask_statistics.py on the NWPU fixture."""
import json
import os.path as osp
import subprocess
import sys

import pytest
from mmengine.config import Config
from mmengine.runner import save_checkpoint

from mmadmd.models import ConfigModel

pytestmark = pytest.mark.e2e  # trains or runs tools: see setup.cfg

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))
CONFIG = osp.join(REPO, 'configs', 'benchmark_nwpu',
                  'admd_fpn_retina-r34-w32_retina-r18-w16_cpu_nwpu.py')


def test_prints_one_row_per_level_and_tau(tmp_path, nwpu_root):
    cfg = Config.fromfile(CONFIG)
    teacher = ConfigModel(cfg.model.teacher.config)
    ckpt = str(tmp_path / 'teacher.pth')
    save_checkpoint(dict(state_dict=teacher.state_dict()), ckpt)
    out = subprocess.run(
        [sys.executable, 'tools/analysis/mask_statistics.py', CONFIG,
         '--teacher-ckpt', ckpt, '--data-root', nwpu_root, '--images', '2',
         '--taus', '1', '4', '--json', str(tmp_path / 'rows.json'),
         '--cfg-options',
         f'train_dataloader.dataset.ann_file={nwpu_root}/train.txt'],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = json.load(open(tmp_path / 'rows.json'))
    assert [(r['level'], r['tau']) for r in rows] == [
        (f'P{lv}', tau) for lv in range(3, 8) for tau in (1.0, 4.0)]
    for r in rows:
        assert 0 < r['support'] <= 1 + 1e-6 and 0 < r['top_share'] <= 1
    # a higher temperature spreads the weight
    assert rows[0]['support'] < rows[1]['support']
    assert '| P3 | 40x40 | 1 |' in out.stdout
