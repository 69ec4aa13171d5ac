# Copyright (c) mmadmd contributors. All rights reserved.
"""Every shipped config builds its model and dataloaders, offline."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import MODELS, init_default_scope
from mmengine.runner import Runner
from mmrazor.models import FpnTeacherDistill

from mmadmd.benchmarks.nwpu_benchmark import FAMILIES
from mmadmd.models.algorithms import skip_teacher_ckpt_check
from mmadmd.utils import adapt_data, no_pretrained_options

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def shipped(*patterns: str) -> list:
    """The shipped configs matching ``patterns`` (under ``configs/``)."""
    return sorted(path for pattern in patterns
                  for path in glob.glob(osp.join(ROOT, 'configs', pattern)))


def names(paths: list) -> list:
    """Test ids: the configs' names."""
    return [osp.basename(path)[:-3] for path in paths]


CONFIGS = shipped('detectors/*.py', 'admd/*.py', 'kd/*.py')
#: config name prefix -> the distillation loss it must build
LOSSES = dict(
    admd='ADMDLoss',
    pkd='PKDLoss',
    cwd='ChannelWiseDivergence',
    mgd='MGDLoss',
    fbkd='FBKDLoss',
    fitnet='L2Loss',
    fgd='FGDLoss')


def test_configs_are_shipped():
    names = [osp.basename(c) for c in CONFIGS]
    for family in ('retina', 'fcos', 'gfl', 'rotated-retina'):
        assert any(n.startswith(f'admd_fpn_{family}-') for n in names), family
    for method in LOSSES:
        for setup in ('retina-r101_retina-r50_2x_dior',
                      'rotated-retina-r101_rotated-retina-r50_1x_dota'):
            assert f'{method}_fpn_{setup}.py' in names
    assert len(CONFIGS) >= 35


@pytest.mark.parametrize('path', CONFIGS, ids=names(CONFIGS))
def test_config_builds_offline(path, dior_root, dota_split_root, nwpu_root):
    cfg = Config.fromfile(path)
    data_root = dota_split_root if 'dota' in path else \
        nwpu_root if 'nwpu' in path else dior_root
    adapt_data(cfg, data_root=data_root, num_workers=0)
    if 'nwpu' in path:  # the fixture's own split lists
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            dataset = cfg[key].dataset
            dataset.ann_file = osp.join(nwpu_root,
                                        osp.basename(dataset.ann_file))
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    # The override users of this test rely on: no ImageNet downloads.
    cfg.merge_from_dict(no_pretrained_options(cfg))
    # Built without a teacher checkpoint: the random teacher is on purpose.
    model = MODELS.build(skip_teacher_ckpt_check(cfg.model))
    model.init_weights()
    is_distill = isinstance(model, FpnTeacherDistill)
    method = osp.basename(path).split('_')[0]
    assert is_distill == (method in LOSSES)
    if is_distill:
        assert type(model.teacher).__name__ == type(model.student).__name__
        losses = {
            type(m).__name__
            for m in model.distiller.distill_losses.values()
        }
        assert losses == {LOSSES[method]}
        # ADMD sees every FPN level of both.
        feats = model.student.extract_feat(torch.rand(1, 3, 128, 128))
        assert len(feats) == 5
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = Runner.build_dataloader(cfg.get(key))
        assert len(loader.dataset) > 0, key


@pytest.mark.parametrize('teacher_ckpt', [None, ''])
def test_distillation_without_teacher_ckpt_stops(teacher_ckpt):
    """The shipped default teacher_ckpt=None (or `model.teacher_ckpt=` on
    the command line) would distil from a random teacher."""
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'admd',
                 'admd_fpn_retina-r101_retina-r50_2x_dior.py'))
    cfg.merge_from_dict(no_pretrained_options(cfg))
    cfg.model.teacher_ckpt = teacher_ckpt
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    # the message itself: tests/models/test_checkpoint.py
    with pytest.raises(ValueError, match='teacher would start from random'):
        MODELS.build(cfg.model)


#: Configs trained from random weights.
FROM_SCRATCH = shipped('demo/*.py', 'benchmark_nwpu/*.py')


@pytest.mark.parametrize('path', FROM_SCRATCH, ids=names(FROM_SCRATCH))
def test_from_scratch_configs_train_the_whole_backbone(path):
    """A backbone trained from random weights trains every stage and its BN
    statistics: the ImageNet defaults (stem and stage 1 frozen, BN in eval
    mode) would keep them at their random initialization."""
    model = Config.fromfile(path).model
    # a distiller: check its student
    backbone = model.get('architecture', model).backbone
    assert backbone.get('init_cfg') is None
    assert backbone.frozen_stages == -1
    assert backbone.norm_eval is False


@pytest.mark.parametrize('family', list(FAMILIES))
def test_nwpu_student_alone_and_distilled_train_alike(family):
    """The real-data benchmark compares the student alone with distilled
    students: the same model, optimizer, schedule and data, or the
    comparison measures the recipe instead of the distillation."""
    folder = osp.join(ROOT, 'configs', 'benchmark_nwpu')
    teacher, student, distilled = FAMILIES[family]
    alone = Config.fromfile(osp.join(folder, student))
    admd = Config.fromfile(osp.join(folder, distilled))
    for key in ('optim_wrapper', 'param_scheduler', 'train_cfg',
                'train_dataloader', 'randomness'):
        assert admd.get(key) == alone.get(key), key
    assert admd.model.architecture == alone.model
    assert admd.model.teacher.config == osp.join(folder, teacher)


@pytest.mark.parametrize('family', list(FAMILIES))
def test_nwpu_teacher_trains_like_its_students(family):
    """A teacher trained with a weaker recipe than its students is beaten
    by the student alone at 3x (SGD teacher 0.508, AdamW student 0.561):
    the teacher config trains with the students' optimizer and data, and
    every family with the RetinaNet teacher's (only the head differs)."""
    folder = osp.join(ROOT, 'configs', 'benchmark_nwpu')
    teacher_cfg, student_cfg, _ = FAMILIES[family]
    teacher = Config.fromfile(osp.join(folder, teacher_cfg))
    alone = Config.fromfile(osp.join(folder, student_cfg))
    retina = Config.fromfile(osp.join(folder, FAMILIES['retinanet'][0]))
    assert teacher.optim_wrapper.optimizer.type == 'AdamW'
    for key in ('optim_wrapper', 'param_scheduler', 'train_dataloader'):
        assert teacher.get(key) == alone.get(key), key
        assert teacher.get(key) == retina.get(key), key
    assert teacher.model.backbone == retina.model.backbone
    assert alone.model.backbone.depth == 18
    assert teacher.model.type == {
        'retinanet': 'RetinaNet', 'fcos': 'FCOS', 'gfl': 'GFL'}[family]


ADMD_CONFIGS = shipped('admd/admd_*.py', 'benchmark_nwpu/admd_*.py')


@pytest.mark.parametrize('path', ADMD_CONFIGS, ids=names(ADMD_CONFIGS))
def test_admd_configs_use_their_familys_loss_weight(path):
    """The FCOS configs set the loss weight chosen for FCOS on the
    real-data val split (docs/benchmarks.md, "FCOS: the loss weight"),
    the others keep the fragment's; nothing else of the fragment's
    distiller changes, so the published results are of what ships."""
    fragment = Config.fromfile(
        osp.join(ROOT, 'configs', '_base_', 'admd_fpn.py'))
    weight = 1.0 if '_fcos-' in osp.basename(path) else 3.0
    expected = fragment.admd_model.distiller.to_dict()
    expected['distill_losses']['loss_admd_fpn']['loss_weight'] = weight
    assert Config.fromfile(path).model.distiller.to_dict() == expected
