# Copyright (c) mmadmd contributors. All rights reserved.
import pytest
import torch
from mmrazor.registry import MODELS as MMRAZOR_MODELS

from mmadmd.registry import MODELS
from mmadmd.testing.toy import distill_model_cfg


def _model(precision=None, **kwargs):
    cfg = distill_model_cfg()
    if precision is not None:
        cfg.update(
            _scope_='mmadmd',
            type='PrecisionFpnTeacherDistill',
            teacher_precision=precision,
            teacher_ckpt_required=False,
            **kwargs)
        return MODELS.build(cfg)
    return MMRAZOR_MODELS.build(cfg)


def _conv_weights(module):
    # 1x1 or single-channel kernels are contiguous in both layouts.
    weights = [
        p for p in module.parameters()
        if p.dim() == 4 and p.shape[1] > 1 and p.shape[2] * p.shape[3] > 1
    ]
    assert weights
    return weights


def _neck_dtypes(model):
    """Record the dtype of the teacher's and the student's neck outputs."""
    seen = {}
    for who in ('teacher', 'student'):
        getattr(model, who).neck.register_forward_hook(
            lambda m, i, out, who=who: seen.__setitem__(who, out[0].dtype))
    return seen


def test_fp32_equals_mmrazor_fpn_teacher_distill():
    inputs = torch.rand(2, 3, 16, 16)
    ours, theirs = _model('fp32'), _model()
    assert _model().__class__.__name__ == 'FpnTeacherDistill'
    ours.load_state_dict(theirs.state_dict())
    got, expected = ours.loss(inputs), theirs.loss(inputs)
    assert got.keys() == expected.keys()
    for key in got:
        torch.testing.assert_close(got[key], expected[key])


@pytest.mark.parametrize('precision,dtype', [('bf16', torch.bfloat16),
                                             ('fp16', torch.float16)])
def test_teacher_runs_in_low_precision_losses_get_float32(precision, dtype):
    model = _model(precision)
    seen = _neck_dtypes(model)
    inputs = torch.rand(2, 3, 16, 16)
    losses = model.loss(inputs)
    assert seen == dict(teacher=dtype, student=torch.float32)
    recorded = model.distiller.teacher_recorders.get_recorder(
        'fpn').get_record_data()
    assert all(f.dtype == torch.float32 for f in recorded)
    assert all(torch.isfinite(v) for v in losses.values())
    # Close to the fp32 teacher: only the teacher's rounding differs.
    reference = _model('fp32')
    reference.load_state_dict(model.state_dict())
    torch.testing.assert_close(
        losses['distill.loss_admd'],
        reference.loss(inputs)['distill.loss_admd'],
        rtol=0.1,
        atol=0.01)
    # The teacher gets no gradient, the student does.
    losses['distill.loss_admd'].backward()
    assert all(p.grad is None for p in model.teacher.parameters())
    assert any(p.grad is not None for p in model.student.parameters())


@pytest.mark.parametrize('precision,channels_last,expected', [
    ('fp32', None, False),
    ('bf16', None, True),
    ('fp16', None, True),
    ('bf16', False, False),
    ('fp32', True, True),
])
def test_teacher_memory_format(precision, channels_last, expected):
    model = _model(precision, teacher_channels_last=channels_last)
    layouts = []
    model.teacher.backbone.register_forward_pre_hook(
        lambda m, args: layouts.append(args[0].is_contiguous(
            memory_format=torch.channels_last)))
    reference = _model('fp32')
    reference.load_state_dict(model.state_dict())
    inputs = torch.rand(2, 3, 16, 16)
    losses = model.loss(inputs)
    assert layouts == [expected]
    assert all(
        w.is_contiguous(memory_format=torch.channels_last) == expected
        for w in _conv_weights(model.teacher))
    # The student and what the losses get keep the default layout.
    assert all(w.is_contiguous() for w in _conv_weights(model.student))
    recorded = model.distiller.teacher_recorders.get_recorder(
        'fpn').get_record_data()
    assert all(f.is_contiguous() and f.dtype == torch.float32
               for f in recorded)
    if precision == 'fp32':  # the layout alone changes no result
        torch.testing.assert_close(losses['distill.loss_admd'],
                                   reference.loss(inputs)['distill.loss_admd'])


def test_layout_follows_precision_set_after_building():
    # teacher_precision_error switches the precision of one model.
    model = _model('fp32')
    inputs = torch.rand(2, 3, 16, 16)
    for precision, channels_last in (('bf16', True), ('fp32', False)):
        model.teacher_precision = precision
        model.loss(inputs)
        assert all(
            w.is_contiguous(memory_format=torch.channels_last) ==
            channels_last for w in _conv_weights(model.teacher))


def test_unknown_precision_is_an_error():
    with pytest.raises(ValueError, match='teacher_precision'):
        _model('int8')
    with pytest.raises(ValueError, match='teacher_channels_last'):
        _model('bf16', teacher_channels_last='yes')
