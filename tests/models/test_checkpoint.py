# Copyright (c) mmadmd contributors. All rights reserved.
"""Strict checkpoint loading: a teacher checkpoint of the wrong model stops
with the file, the keys and the fix; the opt-out loads what fits."""
import pytest
import torch
from mmengine.runner import save_checkpoint

from mmadmd.models.utils.checkpoint import (compare_state_dict,
                                            load_state_dict_strictly)
from mmadmd.registry import MODELS
from mmadmd.testing.toy import ToyDetector, distill_model_cfg


def _distill(**kwargs):
    cfg = distill_model_cfg()
    cfg.update(_scope_='mmadmd', type='PrecisionFpnTeacherDistill', **kwargs)
    return MODELS.build(cfg)


def _save(model, path):
    save_checkpoint(dict(state_dict=model.state_dict()), str(path))
    return str(path)


def test_right_teacher_checkpoint_loads_exactly(tmp_path):
    teacher = ToyDetector(width=8, seed=7)
    model = _distill(teacher_ckpt=_save(teacher, tmp_path / 't.pth'))
    for (name, p), q in zip(teacher.state_dict().items(),
                            model.teacher.state_dict().values()):
        torch.testing.assert_close(p, q, msg=name)


def test_student_checkpoint_as_teacher_is_an_error(tmp_path):
    # The student's checkpoint (another width) given as the teacher's.
    path = _save(ToyDetector(width=4), tmp_path / 'student.pth')
    with pytest.raises(ValueError) as info:
        _distill(teacher_ckpt=path)
    msg = str(info.value)
    assert f'The checkpoint {path} does not fit the teacher' in msg
    assert 'keys of another shape, e.g. backbone.weight: checkpoint ' \
        '(4, 3, 3, 3) vs model (8, 3, 3, 3)' in msg
    assert 'model.teacher_ckpt_strict=False' in msg


def test_distillation_checkpoint_as_teacher_says_what_it_is(tmp_path):
    path = _save(_distill(), tmp_path / 'admd.pth')
    with pytest.raises(ValueError, match="it is a distillation checkpoint"):
        _distill(teacher_ckpt=path)


def test_opt_out_loads_what_fits(tmp_path):
    other = ToyDetector(width=4, seed=5)
    path = _save(other, tmp_path / 'other.pth')
    model = _distill(teacher_ckpt=path, teacher_ckpt_strict=False)
    # head.weight has the same shape in both widths: loaded
    torch.testing.assert_close(model.teacher.head.weight, other.head.weight)
    assert model.teacher.backbone.weight.shape[0] == 8


def test_compare_lists_missing_unexpected_and_mismatched():
    model = ToyDetector(width=4)
    state = dict(model.state_dict())
    state.pop('head.bias')
    state['extra'] = torch.zeros(1)
    state['head.weight'] = torch.zeros(2, 8, 1, 1)
    diff = compare_state_dict(model, state)
    assert diff == dict(
        missing=['head.bias'],
        unexpected=['extra'],
        mismatched=[('head.weight', (2, 8, 1, 1), (1, 8, 1, 1))])
    with pytest.raises(ValueError, match='1 keys missing from the checkpoint'
                       ', e.g. head.bias'):
        load_state_dict_strictly(model, state, 'x.pth')


@pytest.mark.parametrize('who', ['student', 'teacher'])
def test_recorder_source_naming_no_module(who):
    cfg = distill_model_cfg()
    cfg['distiller'][f'{who}_recorders']['fpn']['source'] = 'necks'
    cfg.update(_scope_='mmadmd', type='PrecisionFpnTeacherDistill')
    with pytest.raises(ValueError) as info:
        MODELS.build(cfg)
    msg = str(info.value)
    assert msg.startswith(f"{who}_recorders 'fpn': source 'necks' names no "
                          f'module of the {who} (ToyDetector); closest: neck')
    assert 'top-level modules: data_preprocessor, backbone, neck, head' in msg
