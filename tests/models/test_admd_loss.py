# Copyright (c) mmadmd contributors. All rights reserved.
import math

import pytest
import torch

from mmadmd.models import ADMDLoss, discrepancy_mask, pixel_error


def _pair(*shape, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=gen), torch.randn(
        *shape, generator=gen)


def test_hand_computed_softmax_and_linear():
    # One image, one channel, two pixels: S = 0, T = (1, 3).
    # e = (1, 9); d = (1, 3), mean 2 -> dn = (0.5, 1.5).
    s = torch.zeros(1, 1, 1, 2)
    t = torch.tensor([[[[1., 3.]]]])
    soft = 2 / (1 + math.e)  # 2 * softmax((0.5, 1.5))[0]
    expected = (soft * 1 + (2 - soft) * 9) / 2
    loss = ADMDLoss(normalize='none')
    assert loss(s, t).item() == pytest.approx(expected, rel=1e-5)
    # linear: M = dn = (0.5, 1.5) -> (0.5 * 1 + 1.5 * 9) / 2 = 7
    loss = ADMDLoss(normalize='none', mask_type='linear', loss_weight=2.)
    assert loss(s, t).item() == pytest.approx(14.0, rel=1e-5)
    assert loss.last_raw_loss.item() == pytest.approx(7.0, rel=1e-5)


def test_tau_controls_concentration():
    s = torch.zeros(1, 1, 1, 2)
    t = torch.tensor([[[[1., 3.]]]])
    # tau = 0.5: softmax((1, 3)) -> weights 2 / (1 + e^2), 2 e^2 / (1 + e^2)
    w0 = 2 / (1 + math.e**2)
    expected = (w0 * 1 + (2 - w0) * 9) / 2
    loss = ADMDLoss(normalize='none', tau=0.5)
    assert loss(s, t).item() == pytest.approx(expected, rel=1e-5)
    # Very large tau: uniform mask, the plain mean squared error.
    loss = ADMDLoss(normalize='none', tau=1e6)
    assert loss(s, t).item() == pytest.approx(5.0, rel=1e-4)


def test_channel_normalization():
    s, t = _pair(2, 3, 4, 5)
    s = s * 10 + 3  # other scale and offset: normalization removes them

    def norm(x):
        x = x.permute(1, 0, 2, 3).reshape(3, -1)
        x = (x - x.mean(1, keepdim=True)) / (x.std(1, keepdim=True) + 1e-6)
        return x.reshape(3, 2, 4, 5).permute(1, 0, 2, 3)

    e = ((norm(t) - norm(s))**2).mean(1)
    d = e.sqrt().flatten(1)
    dn = d / (d.mean(1, keepdim=True) + 1e-6)
    mask = torch.softmax(dn, 1) * 20
    expected = (mask * e.flatten(1)).mean()
    assert ADMDLoss()(s, t).item() == pytest.approx(expected.item(), 1e-5)


@pytest.mark.parametrize('mask_type', ['softmax', 'linear'])
@pytest.mark.parametrize('tau', [0.5, 1.0, 2.0])
def test_mask_mean_one_per_image(mask_type, tau):
    s, t = _pair(3, 4, 7, 9)
    mask = discrepancy_mask(pixel_error(s, t), tau, mask_type)
    assert mask.shape == (3, 7, 9)
    assert not mask.requires_grad
    torch.testing.assert_close(mask.mean(dim=(1, 2)), torch.ones(3))


def test_levels_sum_and_single_tensor():
    s, t = _pair(2, 4, 8, 8)
    s2, t2 = _pair(2, 4, 4, 4, seed=1)
    loss = ADMDLoss(loss_weight=3.0)
    total = loss((s, s2), (t, t2))
    torch.testing.assert_close(total, loss(s, t) + loss(s2, t2))


def test_gradient_reaches_student_only_and_mask_is_constant():
    s, t = _pair(2, 3, 4, 4)
    s.requires_grad_(True)
    t.requires_grad_(True)
    loss = ADMDLoss(normalize='none', loss_weight=2.0)
    loss(s, t).backward()
    assert t.grad is None
    # With a constant mask: dL/dS = w * M * 2 (S - T) / C / (N H W).
    e = ((t - s)**2).mean(1).detach()
    mask = discrepancy_mask(e)
    expected = 2.0 * mask[:, None] * 2 * (s - t).detach() / 3 / (2 * 16)
    torch.testing.assert_close(s.grad, expected)


def test_align_conv_and_resize():
    s = torch.randn(2, 4, 8, 8, requires_grad=True)
    t = torch.randn(2, 8, 16, 16)
    loss = ADMDLoss(student_channels=4, teacher_channels=8)
    value = loss(s, t)
    value.backward()
    assert torch.isfinite(value)
    assert loss.align.weight.grad.abs().sum() > 0
    assert s.grad.abs().sum() > 0


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_half_inputs_give_finite_float32(dtype):
    s, t = _pair(2, 8, 16, 16)
    ref = ADMDLoss()(s, t)
    value = ADMDLoss()(s.to(dtype), t.to(dtype))
    assert value.dtype == torch.float32 and torch.isfinite(value)
    assert value.item() == pytest.approx(ref.item(), rel=2e-2)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        conv = torch.nn.Conv2d(8, 8, 1)
        value = ADMDLoss()(conv(s), t.to(dtype))
    assert value.dtype == torch.float32 and torch.isfinite(value)


@pytest.mark.parametrize('kwargs, match', [
    (dict(tau=0), 'tau must be > 0'),
    (dict(tau=-1.0), 'tau must be > 0'),
    (dict(mask_type='gaussian'), "unknown mask_type 'gaussian'"),
    (dict(normalize='batch'), "unknown normalize 'batch'"),
    (dict(student_channels=4), 'give both student_channels'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ADMDLoss(**kwargs)


@pytest.mark.parametrize('weight', [-3.0, 0])
def test_loss_weight_must_be_positive(weight):
    with pytest.raises(ValueError) as info:
        ADMDLoss(loss_weight=weight)
    assert str(info.value).startswith(
        f'ADMDLoss: loss_weight must be > 0, got {weight}. A negative weight '
        'pushes the student away from the teacher')


@pytest.mark.parametrize('name, value, meant', [
    ('tau', [0, 5], '0.5'),
    ('loss_weight', [3, 0], '3.0'),
])
def test_decimal_comma_names_argument_and_value(name, value, meant):
    # --cfg-options ...tau=0,5 parses as the list [0, 5]
    with pytest.raises(TypeError) as info:
        ADMDLoss(**{name: value})
    comma = meant.replace('.', ',')
    assert str(info.value) == (
        f'ADMDLoss: {name} must be a number, got {value} (a list). Write '
        f'decimals with a decimal point, not a comma: {name}={meant} '
        f'(--cfg-options reads {name}={comma} as a list).')


@pytest.mark.parametrize('kwargs, match', [
    (dict(tau='1'), "tau must be a number, got '1' \\(a str\\)"),
    (dict(loss_weight=None), 'loss_weight must be a number, got None'),
    (dict(tau=float('nan')), 'tau must be finite, got nan'),
    (dict(student_channels=4.0, teacher_channels=8),
     'student_channels must be an integer, got 4.0'),
])
def test_wrong_types_name_the_argument(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        ADMDLoss(**kwargs)


def test_channel_mismatch_names_level_shapes_and_fix():
    s = (torch.rand(1, 8, 4, 4), torch.rand(1, 4, 2, 2))
    t = (torch.rand(1, 8, 4, 4), torch.rand(1, 16, 2, 2))
    with pytest.raises(ValueError) as err:
        ADMDLoss()(s, t)
    msg = str(err.value)
    assert 'level 1' in msg and '(1, 4, 2, 2)' in msg
    assert '(1, 16, 2, 2)' in msg
    assert 'student_channels=4' in msg and 'teacher_channels=16' in msg


def test_level_count_mismatch():
    s = (torch.rand(1, 8, 4, 4), ) * 2
    t = (torch.rand(1, 8, 4, 4), ) * 3
    with pytest.raises(ValueError, match='student gives 2 levels and the '
                       'teacher 3'):
        ADMDLoss()(s, t)


def test_non_4d_input():
    with pytest.raises(ValueError, match=r'level 0: the student .* 4D.*'
                       r'\(2, 8, 4\)'):
        ADMDLoss()(torch.rand(2, 8, 4), torch.rand(2, 8, 4, 4))


def test_spatial_mismatch_without_resize():
    with pytest.raises(ValueError) as err:
        ADMDLoss(resize_stu=False)(
            torch.rand(1, 8, 4, 4), torch.rand(1, 8, 8, 8))
    msg = str(err.value)
    assert 'level 0' in msg and '(1, 8, 4, 4)' in msg and \
        '(1, 8, 8, 8)' in msg and 'resize_stu=True' in msg


@pytest.mark.parametrize('who, bad', [('student', float('nan')),
                                      ('teacher', float('inf'))])
def test_non_finite_feature_names_level_and_side(who, bad):
    s = [torch.rand(1, 8, 4, 4), torch.rand(1, 8, 2, 2)]
    t = [torch.rand(1, 8, 4, 4), torch.rand(1, 8, 2, 2)]
    (s if who == 'student' else t)[1][0, 0, 0, 0] = bad
    with pytest.raises(ValueError, match=f'level 1: the {who} feature '
                       'contains NaN or Inf'):
        ADMDLoss()(s, t)


def test_single_value_channel_standardizes_to_zero_not_nan():
    # A 1x1 level of one image (spec section 2 step 4): std 0 by definition.
    s, t = _pair(1, 4, 1, 1)
    s.requires_grad_(True)
    loss = ADMDLoss()
    value = loss(s, t)
    assert value.item() == 0.0 and not torch.isnan(value)
    value.backward()
    assert torch.isfinite(s.grad).all()
    # Beside a normal level, the 1x1 level adds nothing and spoils nothing.
    big_s, big_t = _pair(1, 4, 4, 4, seed=1)
    both = ADMDLoss()((big_s, s.detach()), (big_t, t))
    assert both.item() == pytest.approx(ADMDLoss()(big_s, big_t).item())


def test_empty_batch_gives_exact_zero_in_the_graph_and_no_raw_value():
    loss = ADMDLoss(student_channels=4, teacher_channels=8)
    s = torch.zeros(0, 4, 8, 8, requires_grad=True)
    t = torch.zeros(0, 8, 8, 8)
    value = loss((s, s[:, :, :4, :4]), (t, t[:, :, :4, :4]))
    assert value.item() == 0.0 and value.requires_grad
    value.backward()
    # every parameter is reached (DDP's unused-parameter check passes)
    assert all(p.grad is not None and not p.grad.any()
               for p in loss.parameters())
    assert loss.last_raw_loss is None
    # a non-empty call afterwards still works and sets the raw value
    assert loss(_pair(2, 4, 4, 4)[0], _pair(2, 8, 4, 4)[1]).item() > 0
    assert loss.last_raw_loss is not None


def test_mask_statistics_by_hand():
    from mmadmd.models.utils import mask_statistics
    # uniform mask: support 1, top 1 pixel of 4 holds 1/4, ratio 1
    error = torch.tensor([[[1., 1.], [1., 5.]]])
    stats = mask_statistics(error, torch.ones(1, 2, 2), top=0.25)
    assert stats == pytest.approx(
        dict(support=1.0, top_share=0.25, masked_over_plain=1.0))
    # all weight on the last pixel (M = 4 there): support 1/4, top 1,
    # mean(M * e) / mean(e) = (4 * 5 / 4) / (8 / 4) = 2.5
    mask = torch.tensor([[[0., 0.], [0., 4.]]])
    stats = mask_statistics(error, mask, top=0.25)
    assert stats == pytest.approx(
        dict(support=0.25, top_share=1.0, masked_over_plain=2.5))
