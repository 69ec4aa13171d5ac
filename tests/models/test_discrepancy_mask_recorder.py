# Copyright (c) mmadmd contributors. All rights reserved.
import pytest
import torch
from mmrazor.registry import MODELS, TASK_UTILS

from mmadmd.models import (ADMDLoss, DiscrepancyMaskRecorder,
                           discrepancy_mask)
from mmadmd.testing.toy import distill_model_cfg


def test_recorder_gives_the_loss_masks():
    loss = ADMDLoss(tau=0.5)
    recorder = TASK_UTILS.build(
        dict(type='DiscrepancyMaskRecorder', _scope_='mmrazor'))
    recorder.initialize(loss)
    s = (torch.rand(2, 8, 16, 16), torch.rand(2, 8, 8, 8))
    t = (torch.rand(2, 8, 16, 16), torch.rand(2, 8, 8, 8))
    with recorder:
        loss(s, t)
    masks = recorder.get_record_data()
    assert [m.shape for m in masks] == [(2, 16, 16), (2, 8, 8)]
    for level in range(2):
        expected = discrepancy_mask(loss.level_error(level, s[level],
                                                     t[level]), tau=0.5)
        torch.testing.assert_close(
            recorder.get_record_data(data_idx=level), expected)
    # Entering again clears the previous masks.
    with recorder:
        pass
    with pytest.raises(RuntimeError, match='no masks'):
        recorder.get_record_data()


def test_recorder_filters_by_source():
    loss = ADMDLoss()
    recorder = DiscrepancyMaskRecorder(source='OtherLoss')
    recorder.initialize(loss)
    with recorder:
        loss(torch.rand(1, 4, 4, 4), torch.rand(1, 4, 4, 4))
    assert recorder.data_buffer == []


def test_recorders_see_only_their_own_losses():
    """No state between runs: a recorder of an earlier model (e.g. an
    earlier run in the same process) never receives a later loss's masks,
    and hooking a model twice records each call once."""
    first, second = ADMDLoss(), ADMDLoss()
    old, new = DiscrepancyMaskRecorder(), DiscrepancyMaskRecorder()
    old.initialize(first)
    new.initialize(second)
    new.initialize(torch.nn.Sequential(second))
    with old, new:
        second(torch.rand(1, 4, 4, 4), torch.rand(1, 4, 4, 4))
    assert old.data_buffer == [] and len(new.data_buffer) == 1
    assert len(new.get_record_data()) == 1
    # an empty batch computes no mask, so it adds no record
    with new:
        second(torch.rand(0, 4, 4, 4), torch.rand(0, 4, 4, 4))
    assert new.data_buffer == []


def test_recorder_attached_to_nothing_says_how_to_attach():
    recorder = DiscrepancyMaskRecorder()
    recorder.initialize(torch.nn.Conv2d(1, 1, 1))  # e.g. a student
    with recorder:
        pass
    with pytest.raises(RuntimeError, match=r'initialize\(algorithm\)'):
        recorder.get_record_data()


def test_recorder_inside_configurable_distiller():
    # mmadmd's algorithm hooks the distiller's losses for its recorders
    cfg = distill_model_cfg(
        extra_recorders=dict(mask=dict(type='DiscrepancyMask')))
    model = MODELS.build(
        dict(cfg, type='mmadmd.PrecisionFpnTeacherDistill',
             teacher_ckpt_required=False))
    distiller = model.distiller
    mask_recorder = distiller.student_recorders.get_recorder('mask')
    assert isinstance(mask_recorder, DiscrepancyMaskRecorder)
    for _ in range(2):  # the buffer holds the current iteration only
        inputs = torch.rand(2, 3, 16, 16)
        model.loss(inputs)
        assert len(mask_recorder.data_buffer) == 1
    feats_s = distiller.student_recorders.get_recorder(
        'fpn').get_record_data()
    feats_t = distiller.teacher_recorders.get_recorder(
        'fpn').get_record_data()
    loss = distiller.distill_losses['loss_admd']
    for level, (fs, ft) in enumerate(zip(feats_s, feats_t)):
        mask = distiller.get_record('mask', from_student=True, data_idx=level)
        assert mask.shape == (2, ) + ft.shape[2:]
        torch.testing.assert_close(
            mask, discrepancy_mask(loss.level_error(level, fs, ft)))
        torch.testing.assert_close(mask.mean(dim=(1, 2)), torch.ones(2))


def test_recorder_with_mmrazors_own_algorithm():
    model = MODELS.build(
        distill_model_cfg(
            extra_recorders=dict(mask=dict(type='DiscrepancyMask'))))
    recorder = model.distiller.student_recorders.get_recorder('mask')
    model.loss(torch.rand(2, 3, 16, 16))
    with pytest.raises(RuntimeError, match='PrecisionFpnTeacherDistill'):
        recorder.get_record_data()
    recorder.initialize(model)  # what the message says
    model.loss(torch.rand(2, 3, 16, 16))
    assert len(recorder.data_buffer) == 1  # one loss call
