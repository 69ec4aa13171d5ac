# Copyright (c) mmadmd contributors. All rights reserved.
"""End to end on CPU, for each detector family, through the shipped configs.

The shipped ADMD config is shrunk (ResNet-18/34 with 16 base channels, 32 FPN
channels, 128 px synthetic scenes, 2 iterations); then: distill, check the
loss and which parameters moved, resume, evaluate, export the student and run
it with mmdet/mmrotate alone.
"""
import os
import os.path as osp
import subprocess
import sys
import textwrap

import mmdet
import pytest
import torch
from mmengine.config import Config, ConfigDict
from mmengine.runner import Runner, save_checkpoint

from mmadmd.apis import export_student
from mmadmd.models import ConfigModel
from mmadmd.utils import adapt_data, distill_options

pytestmark = pytest.mark.e2e  # trains or runs tools: see setup.cfg

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(ROOT, 'configs')

# family: (ADMD config, scope, data fixture)
FAMILIES = {
    'retinanet': ('admd_fpn_retina-r101_retina-r50_2x_dior.py', 'mmdet',
                  'dior_root'),
    'fcos': ('admd_fpn_fcos-r101_fcos-r50_2x_dior.py', 'mmdet', 'dior_root'),
    'gfl': ('admd_fpn_gfl-r101_gfl-r50_2x_dior.py', 'mmdet', 'dior_root'),
    'rotated_retinanet':
    ('admd_fpn_rotated-retina-r101_rotated-retina-r50_1x_dota.py', 'mmrotate',
     'dota_split_root'),
}


def tiny_distill_cfg(config: str, data_root: str, work_dir: str,
                     max_iters: int) -> Config:
    cfg = Config.fromfile(osp.join(CONFIGS, 'admd', config))
    cfg.merge_from_dict(distill_options(cfg, depth=34, base_channels=16))
    adapt_data(
        cfg,
        data_root=data_root,
        img_scale=(128, 128),
        batch_size=2,
        num_workers=0)
    cfg.work_dir = work_dir
    cfg.train_cfg = ConfigDict(
        type='IterBasedTrainLoop', max_iters=max_iters, val_interval=100)
    cfg.param_scheduler = []
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint = dict(
        type='CheckpointHook', by_epoch=False, interval=2)
    cfg.default_hooks.admd_weight_increasing.warmup_iters = 1
    cfg.log_level = 'WARNING'
    return cfg


def _params(module):
    return {k: v.detach().clone() for k, v in module.named_parameters()}


@pytest.mark.parametrize('family', list(FAMILIES))
def test_distill_resume_evaluate_export(family, request, tmp_path):
    config, scope, data_fixture = FAMILIES[family]
    data_root = request.getfixturevalue(data_fixture)
    work_dir = str(tmp_path / 'work')
    cfg = tiny_distill_cfg(config, data_root, work_dir, max_iters=2)

    # A teacher checkpoint, as after training the teacher config.
    teacher = ConfigModel(cfg.model.teacher.config,
                                      cfg.model.teacher.cfg_options)
    teacher_ckpt = str(tmp_path / 'teacher.pth')
    save_checkpoint(dict(state_dict=teacher.state_dict()), teacher_ckpt)
    cfg.model.teacher_ckpt = teacher_ckpt

    runner = Runner.from_cfg(cfg)
    student0 = _params(runner.model.student)
    teacher0 = _params(runner.model.teacher)
    runner.train()
    hub = runner.message_hub
    distill = hub.get_scalar('train/distill.loss_admd_fpn').current()
    total = hub.get_scalar('train/loss').current()
    assert torch.isfinite(torch.tensor([distill, total])).all()
    assert distill > 0
    moved = [
        k for k, v in _params(runner.model.student).items()
        if not torch.equal(v, student0[k])
    ]
    assert any(k.startswith('neck.') for k in moved)
    assert any(k.startswith('backbone.') for k in moved)
    for k, v in _params(runner.model.teacher).items():
        assert torch.equal(v, teacher0[k]), f'teacher parameter {k} changed'

    # Resume from iteration 2 and train one more.
    cfg3 = tiny_distill_cfg(config, data_root, work_dir, max_iters=3)
    cfg3.model.teacher_ckpt = teacher_ckpt
    cfg3.resume = True
    cfg3.load_from = osp.join(work_dir, 'iter_2.pth')
    # The first run validated (student and teacher); here the test loop
    # below evaluates, since DOTAMetric spawns 4 processes per evaluation.
    cfg3.train_cfg.val_begin = 4
    resumed = Runner.from_cfg(cfg3)
    resumed.train()
    assert resumed.iter == 3

    # Evaluate the student (the test loop) on the synthetic test split.
    metrics = resumed.test()
    assert any(k.endswith('mAP') for k in metrics), metrics

    # Export and run the student without mmadmd or mmrazor importable.
    ckpt, student_cfg = export_student(cfg3, osp.join(work_dir, 'iter_3.pth'),
                                       str(tmp_path / 'student'))
    # A second export into the same folder: refused unless asked to.
    with pytest.raises(FileExistsError, match='already holds an export'):
        export_student(cfg3, osp.join(work_dir, 'iter_3.pth'),
                       str(tmp_path / 'student'))
    assert export_student(cfg3, osp.join(work_dir, 'iter_3.pth'),
                          str(tmp_path / 'student'),
                          overwrite=True) == (ckpt, student_cfg)
    image = _first_image(resumed)
    code = textwrap.dedent(f"""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('mmadmd', 'mmrazor'):
                    raise ImportError('blocked: ' + name)
        sys.meta_path.insert(0, Block())
        from mmdet.apis import inference_detector, init_detector
        model = init_detector({student_cfg!r}, {ckpt!r}, device='cpu')
        result = inference_detector(model, {image!r})
        assert 'mmadmd' not in sys.modules and 'mmrazor' not in sys.modules
        print('DETECTIONS', len(result.pred_instances),
              type(result.pred_instances.bboxes).__name__)
        if {scope!r} == 'mmdet':  # MMDetection's high-level inferencer
            from mmdet.apis import DetInferencer
            inferencer = DetInferencer(model={student_cfg!r},
                                       weights={ckpt!r}, device='cpu')
            out = inferencer({image!r}, no_save_vis=True, no_save_pred=True)
            assert 'mmadmd' not in sys.modules, 'DetInferencer'
            print('INFERENCER', sorted(out['predictions'][0]))
    """)
    out = subprocess.run([sys.executable, '-c', code],
                         capture_output=True,
                         text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert 'DETECTIONS' in out.stdout
    if scope == 'mmdet':
        assert "INFERENCER ['bboxes', 'labels', 'scores']" in out.stdout
    if family == 'retinanet':
        _check_wrong_checkpoints(student_cfg, ckpt,
                                 osp.join(work_dir, 'iter_3.pth'), cfg3,
                                 str(tmp_path))


def _check_wrong_checkpoints(student_cfg, student_ckpt, admd_ckpt, admd_cfg,
                             tmp):
    """tools/test.py and export stop on a checkpoint of another config."""
    test_py = osp.join(ROOT, 'tools', 'test.py')

    def test(config, checkpoint):
        return subprocess.run(
            [sys.executable, test_py, config, checkpoint, '--work-dir',
             osp.join(tmp, 'test'), '--cfg-options', 'log_level=INFO'],
            capture_output=True, text=True,
            timeout=300, cwd=tmp)

    # The ADMD checkpoint given to the plain student config: says what to do.
    out = test(student_cfg, admd_ckpt)
    assert out.returncode != 0
    assert f'The checkpoint {admd_ckpt} does not fit the model of ' \
        f'{student_cfg}' in out.stderr
    assert 'it is a distillation checkpoint' in out.stderr
    assert 'export the student first' in out.stderr
    # The ADMD checkpoint with its own config evaluates the student and
    # says how to get the teacher's metrics.
    admd_path = osp.join(tmp, 'admd_config.py')
    admd_cfg.dump(admd_path)
    out = test(admd_path, admd_ckpt)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "These are the student's metrics" in out.stdout
    # The exported student is a plain mmdet model: MMDetection's own
    # test.py evaluates it in a process where mmadmd and mmrazor cannot be
    # imported (stand-ins that raise shadow them; no start-up hook).
    assert 'mmadmd' not in open(student_cfg).read()
    blocked = osp.join(tmp, 'blocked')
    for package in ('mmadmd', 'mmrazor'):
        os.makedirs(osp.join(blocked, package))
        with open(osp.join(blocked, package, '__init__.py'), 'w') as f:
            f.write(f"raise ImportError('{package} is blocked here')\n")
    mmdet_test = osp.join(osp.dirname(mmdet.__file__), '.mim', 'tools',
                          'test.py')
    out = subprocess.run(
        [sys.executable, mmdet_test, student_cfg, student_ckpt, '--work-dir',
         osp.join(tmp, 'mmdet_test'), '--cfg-options', 'log_level=INFO'],
        capture_output=True, text=True, timeout=300, cwd=tmp,
        env=dict(os.environ, PYTHONPATH=blocked, MMADMD_NO_STARTUP='1'))
    assert out.returncode == 0, out.stderr[-3000:]
    assert 'pascal_voc/mAP' in out.stdout + out.stderr
    # ... and its get_flops.py counts it (it builds the val dataloader too).
    get_flops = osp.join(osp.dirname(mmdet.__file__), '.mim', 'tools',
                         'analysis_tools', 'get_flops.py')
    out = subprocess.run(
        [sys.executable, get_flops, student_cfg, '--num-images', '1'],
        capture_output=True, text=True, timeout=300, cwd=tmp,
        env=dict(os.environ, PYTHONPATH=blocked, MMADMD_NO_STARTUP='1'))
    assert out.returncode == 0, out.stderr[-3000:]
    assert 'Flops:' in out.stdout and 'Params:' in out.stdout, out.stdout
    # Exporting with a distillation config whose student is wider: an error.
    wider = Config(admd_cfg.to_dict())
    wider.model.architecture.neck.out_channels = 48
    wider.model.architecture.bbox_head.in_channels = 48
    with pytest.raises(ValueError, match='does not fit the student of this '
                       'distillation config'):
        export_student(wider, admd_ckpt, osp.join(tmp, 'wrong'))


def _first_image(runner) -> str:
    dataset = runner.test_dataloader.dataset
    return dataset.get_data_info(0)['img_path']
