# Copyright (c) mmadmd contributors. All rights reserved.
"""Checkpoints of a distillation: a teacher checkpoint of the wrong model
stops with the file, the keys and the fix (the opt-out loads what fits); a
forgotten teacher checkpoint, a folder, a config or a truncated file stop
with what to give; a student checkpoint as load_from loads into the
student."""
import os.path as osp

import pytest
import torch
from mmengine.runner import Runner, save_checkpoint

from mmadmd.models.utils.checkpoint import (compare_state_dict,
                                            load_state_dict_strictly)
from mmadmd.registry import MODELS
from mmadmd.testing.toy import ToyDetector, distill_model_cfg, runner_cfg


def _distill(**kwargs):
    cfg = distill_model_cfg()
    kwargs.setdefault('teacher_ckpt_required', 'teacher_ckpt' in kwargs)
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
    cfg.update(_scope_='mmadmd', type='PrecisionFpnTeacherDistill',
               teacher_ckpt_required=False)
    with pytest.raises(ValueError) as info:
        MODELS.build(cfg)
    msg = str(info.value)
    assert msg.startswith(f"{who}_recorders 'fpn': source 'necks' names no "
                          f'module of the {who} (ToyDetector); closest: neck')
    assert 'top-level modules: data_preprocessor, backbone, neck, head' in msg


@pytest.mark.parametrize('teacher_ckpt', [None, ''])
def test_forgotten_teacher_ckpt_says_how_to_pass_it(teacher_ckpt):
    with pytest.raises(ValueError) as info:
        _distill(teacher_ckpt=teacher_ckpt)
    msg = str(info.value)
    assert msg.startswith(f'model.teacher_ckpt is {teacher_ckpt!r}: the '
                          'teacher would start from random weights')
    assert '--cfg-options model.teacher_ckpt=work_dirs/' in msg
    assert 'model.teacher_trainable=True' in msg
    assert 'model.teacher_ckpt_required=False' in msg


def test_random_teacher_on_purpose_builds(tmp_path):
    # a teacher that trains, the explicit opt-out, weights from init_cfg
    assert _distill(teacher_trainable=True,
                    teacher_ckpt_required=True).teacher_trainable
    assert _distill(teacher_ckpt_required=False)
    teacher = ToyDetector(width=8, seed=7)
    cfg = distill_model_cfg()
    cfg['teacher']['init_cfg'] = dict(
        type='Pretrained', checkpoint=_save(teacher, tmp_path / 't.pth'))
    cfg.update(_scope_='mmadmd', type='PrecisionFpnTeacherDistill')
    model = MODELS.build(cfg)
    model.init_weights()
    torch.testing.assert_close(model.teacher.head.weight,
                               teacher.head.weight)


def test_directory_as_teacher_ckpt_names_its_checkpoints(tmp_path):
    work_dir = tmp_path / 'teacher_run'
    work_dir.mkdir()
    with pytest.raises(IsADirectoryError) as info:
        _distill(teacher_ckpt=str(work_dir))
    assert str(info.value).startswith(
        f'model.teacher_ckpt: {work_dir} is a directory; a checkpoint file '
        '(.pth) is expected. It holds no .pth file')
    last = _save(ToyDetector(width=8), work_dir / 'iter_8.pth')
    _save(ToyDetector(width=8), work_dir / 'iter_4.pth')
    (work_dir / 'last_checkpoint').write_text(last)
    with pytest.raises(IsADirectoryError) as info:
        _distill(teacher_ckpt=str(work_dir))
    msg = str(info.value)
    assert f'Its last_checkpoint names {last}.' in msg
    assert 'It holds 2 checkpoint(s): iter_4.pth, iter_8.pth; e.g. ' \
        f'model.teacher_ckpt={last}.' in msg


def test_config_or_truncated_file_as_teacher_ckpt_is_named(tmp_path):
    config = tmp_path / 'teacher_config.py'
    config.write_text("# a config\nmodel = dict(type='RetinaNet')\n")
    with pytest.raises(ValueError) as info:
        _distill(teacher_ckpt=str(config))
    msg = str(info.value)
    assert msg.startswith(f'model.teacher_ckpt: cannot load {config} as a '
                          'checkpoint (a .pth file saved by torch.save / '
                          'mmengine is expected): it is a config or text '
                          'file, not a checkpoint')
    whole = _save(ToyDetector(width=8), tmp_path / 'whole.pth')
    truncated = tmp_path / 'truncated.pth'
    data = open(whole, 'rb').read()
    truncated.write_bytes(data[:len(data) // 2])
    with pytest.raises(ValueError) as info:
        _distill(teacher_ckpt=str(truncated))
    assert str(info.value).startswith(
        f'model.teacher_ckpt: cannot load {truncated} as a checkpoint (a '
        '.pth file saved by torch.save / mmengine is expected): a truncated '
        f'or corrupted file ({len(data) // 2} bytes)')
    with pytest.raises(FileNotFoundError,
                       match='model.teacher_ckpt: the checkpoint .*none.pth '
                       r'does not exist \(a checkpoint file, .pth, is '
                       r'expected\)'):
        _distill(teacher_ckpt=str(tmp_path / 'none.pth'))
    # --cfg-options model.teacher_ckpt="my runs/teacher.pth" drops spaces
    (tmp_path / 'my runs').mkdir()
    with pytest.raises(FileNotFoundError,
                       match=r"With spaces, '.*/my runs/teacher.pth' would be "
                       'meant: .*Set model.teacher_ckpt in a config file'):
        _distill(teacher_ckpt=str(tmp_path / 'myruns' / 'teacher.pth'))


def _runner(tmp_path, load_from, teacher):
    model = distill_model_cfg()
    model.update(_scope_='mmadmd', type='PrecisionFpnTeacherDistill',
                 teacher_ckpt=_save(teacher, tmp_path / 'teacher.pth'))
    return Runner.from_cfg(
        runner_cfg(str(tmp_path / 'run'), model=model, load_from=load_from,
                   experiment_name=osp.basename(load_from)))


def test_plain_student_checkpoint_as_load_from_loads_into_the_student(
        tmp_path, monkeypatch):
    # load_from=<the student's own pretrained checkpoint>
    student = ToyDetector(width=4, seed=9)
    teacher = ToyDetector(width=8, seed=7)
    runner = _runner(tmp_path, _save(student, tmp_path / 'student.pth'),
                     teacher)
    logged = []
    monkeypatch.setattr(runner.logger, 'log',
                        lambda level, msg, *args, **kw: logged.append(msg))
    runner.load_or_resume()
    assert logged == [
        'Loaded a plain detector checkpoint into the student (ToyDetector, '
        "8 keys mapped to 'architecture.*', checked strictly); the teacher "
        'and the distiller keep their weights.'
    ]
    for name, value in student.state_dict().items():
        torch.testing.assert_close(
            runner.model.student.state_dict()[name], value, msg=name)
    for name, value in teacher.state_dict().items():
        torch.testing.assert_close(
            runner.model.teacher.state_dict()[name], value, msg=name)


def test_load_from_that_fits_neither_student_nor_distillation_stops(
        tmp_path):
    teacher = ToyDetector(width=8, seed=7)
    # the teacher's checkpoint given as load_from
    runner = _runner(tmp_path, _save(teacher, tmp_path / 't2.pth'), teacher)
    with pytest.raises(ValueError, match='fits the teacher, not the student'
                       '.*Pass the teacher checkpoint as '
                       r'model.teacher_ckpt=<file> instead, and '
                       'load_from=None'):
        runner.load_or_resume()
    # another detector's
    other = ToyDetector(width=4, out_channels=6)
    runner = _runner(tmp_path, _save(other, tmp_path / 'o.pth'), teacher)
    with pytest.raises(ValueError) as info:
        runner.load_or_resume()
    msg = str(info.value)
    assert msg.startswith('The checkpoint given to the distillation model '
                          '(e.g. as load_from) does not fit the student '
                          '(model.architecture) (ToyDetector)')
    assert 'A plain detector checkpoint given as load_from is loaded into ' \
        'the student' in msg
