# Copyright (c) mmadmd contributors. All rights reserved.
import argparse
import os.path as osp
import shutil

import pytest
from mmengine.config import Config
from mmengine.runner import Runner, save_checkpoint

from mmadmd.registry import MODELS
from mmadmd.testing.toy import distill_model_cfg, runner_cfg
from mmadmd.utils import HelpFormatter
from mmadmd.utils.cli import (add_runner_args, check_resume_checkpoint,
                              load_config, resume_checkpoint)


def _help(parser: argparse.ArgumentParser) -> str:
    # wide enough that no help line wraps
    return ' '.join(parser.format_help().split())


def test_help_formatter_shows_only_defaults_that_say_something():
    parser = argparse.ArgumentParser(formatter_class=HelpFormatter)
    parser.add_argument('--batches', type=int, default=4, help='batches')
    parser.add_argument('--device', default='cpu', help='cpu or cuda')
    # computed later; the help says what it will be
    parser.add_argument('--work-dir', help='default: work_dirs/x')
    parser.add_argument('--out', help='also write JSON here')
    parser.add_argument('--quick', action='store_true', help='tiny sizes')
    text = _help(parser)
    assert 'batches (default: 4)' in text
    assert 'cpu or cuda (default: cpu)' in text
    assert 'default: work_dirs/x' in text
    assert '(default: None)' not in text
    assert '(default: False)' not in text
    assert 'also write JSON here' in text and 'tiny sizes' in text


def test_resume_from_a_checkpoint_of_another_config_stops(tmp_path):
    def model(width):
        cfg = distill_model_cfg()
        cfg['architecture']['width'] = width
        cfg.update(_scope_='mmadmd', type='PrecisionFpnTeacherDistill',
                   teacher_ckpt_required=False)
        return cfg

    other = str(tmp_path / 'other.pth')
    save_checkpoint(dict(state_dict=MODELS.build(model(6)).state_dict()),
                    other)
    cfg = Config(
        runner_cfg(str(tmp_path / 'run'), model=model(4), resume=True,
                   load_from=other, experiment_name='resume_other'))
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ValueError) as info:
        check_resume_checkpoint(runner, cfg, 'this.py')
    msg = str(info.value)
    assert msg.startswith(f'The checkpoint {other} does not fit the model '
                          'of this.py (PrecisionFpnTeacherDistill):')
    assert 'architecture.backbone.weight: checkpoint (6, 3, 3, 3) vs ' \
        'model (4, 3, 3, 3)' in msg
    assert msg.endswith('Resume with the config that wrote the checkpoint '
                        '(its work_dir holds a copy), or start a new run '
                        'from it with load_from.')
    # a directory given to --resume
    cfg.load_from = str(tmp_path)
    with pytest.raises(IsADirectoryError, match='--resume: .* is a '
                       'directory; a checkpoint file'):
        check_resume_checkpoint(runner, cfg, 'this.py')
    # auto-resume: the latest checkpoint of the work dir, checked alike
    cfg.load_from = None
    assert resume_checkpoint(cfg) is None  # nothing to resume yet
    latest = str(tmp_path / 'run' / 'iter_2.pth')
    shutil.copy(other, latest)
    (tmp_path / 'run' / 'last_checkpoint').write_text(latest)
    assert resume_checkpoint(cfg) == latest
    with pytest.raises(ValueError, match=f'The checkpoint {latest} does not '
                       'fit the model of this.py'):
        check_resume_checkpoint(runner, cfg, 'this.py')


def test_data_root_with_spaces_reaches_every_dataset(tmp_path):
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    parser = argparse.ArgumentParser()
    parser.add_argument('config')
    add_runner_args(parser)
    config = osp.join(root, 'configs', 'detectors',
                      'retinanet_r50_fpn_2x_nwpu.py')
    args = parser.parse_args([
        config, '--data-root', 'data/NWPU VHR-10 dataset/', '--work-dir',
        str(tmp_path)
    ])
    cfg = load_config(args)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[key].dataset.data_root == 'data/NWPU VHR-10 dataset/', key
