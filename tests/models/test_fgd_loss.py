# Copyright (c) mmadmd contributors. All rights reserved.
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from mmadmd.models import FGDLoss


def _sample(boxes, shape=(64, 64)):
    sample = DetDataSample(metainfo=dict(batch_input_shape=shape))
    sample.gt_instances = InstanceData(
        bboxes=torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4))
    return sample


def test_box_masks_hand_computed():
    # 64 px input, 8x8 map: box (8, 8, 24, 40) -> x 1..3, y 1..5, 15 cells.
    fg, bg = FGDLoss.box_masks([_sample([[8., 8., 24., 40.]])], (8, 8),
                               torch.device('cpu'))
    assert fg.shape == bg.shape == (1, 8, 8)
    expected = torch.zeros(8, 8)
    expected[1:6, 1:4] = 1 / 15
    torch.testing.assert_close(fg[0], expected)
    assert torch.all(bg[0][expected > 0] == 0)
    torch.testing.assert_close(bg[0][expected == 0],
                               torch.full((49, ), 1 / 49))


def test_box_masks_overlap_keeps_smallest_box_and_empty_images():
    big, small = [0., 0., 56., 56.], [16., 16., 24., 24.]
    samples = [_sample([big, small]), _sample([])]
    fg, bg = FGDLoss.box_masks(samples, (8, 8), torch.device('cpu'))
    # The small box (2x2 cells after floor/ceil) wins where both cover.
    assert fg[0, 2, 2].item() == pytest.approx(1 / 4)
    assert fg[0, 0, 0].item() == pytest.approx(1 / 64)
    # No boxes: no foreground, a uniform background summing to 1.
    assert fg[1].sum() == 0
    assert bg[1].sum().item() == pytest.approx(1.0)


def test_rotated_boxes_use_their_horizontal_hull():
    from mmrotate.structures.bbox import RotatedBoxes
    sample = DetDataSample(metainfo=dict(batch_input_shape=(64, 64)))
    # A 16x32 box centred at (16, 24), not rotated: hull (8, 8, 24, 40).
    sample.gt_instances = InstanceData(
        bboxes=RotatedBoxes(torch.tensor([[16., 24., 16., 32., 0.]])))
    fg_r, _ = FGDLoss.box_masks([sample], (8, 8), torch.device('cpu'))
    fg_h, _ = FGDLoss.box_masks([_sample([[8., 8., 24., 40.]])], (8, 8),
                                torch.device('cpu'))
    torch.testing.assert_close(fg_r, fg_h)


def _reference(loss, s, t, samples):
    """FGD written term by term from the paper, one image at a time."""
    total = 0.
    for i in range(len(s)):
        si, ti = s[i:i + 1], t[i:i + 1]
        sp_t, ch_t = loss.attention(ti, loss.temp)
        sp_s, ch_s = loss.attention(si, loss.temp)
        fg, bg = loss.box_masks(samples[i:i + 1], t.shape[2:], t.device)
        diff = (si - ti)**2
        w = sp_t[:, None] * ch_t[:, :, None, None]
        total += loss.alpha_fgd * (fg[:, None] * w * diff).sum()
        total += loss.beta_fgd * (bg[:, None] * w * diff).sum()
        total += loss.gamma_fgd * ((ch_s - ch_t).abs().sum() +
                                   (sp_s - sp_t).abs().sum())
        total += loss.lambda_fgd * ((loss.student_context(si) -
                                     loss.teacher_context(ti))**2).sum()
    return total / len(s)


def test_matches_per_image_reference():
    torch.manual_seed(0)
    loss = FGDLoss(16, 16, gamma_fgd=0.0005)
    # Non-zero GcBlock output so the global term is exercised.
    torch.nn.init.normal_(loss.student_context.channel_add[-1].weight)
    s, t = torch.randn(3, 16, 8, 8), torch.randn(3, 16, 8, 8)
    samples = [_sample([[8., 8., 24., 40.], [30., 2., 60., 20.]]),
               _sample([]), _sample([[0., 0., 63., 63.]])]
    got = loss(s, t, samples)
    torch.testing.assert_close(got, _reference(loss, s, t, samples))
    assert got.item() > 0


def test_identical_features_give_zero_loss():
    t = torch.randn(2, 16, 8, 8)
    samples = [_sample([[8., 8., 24., 40.]]), _sample([])]
    # The GcBlocks start as the identity, so every term is zero.
    assert FGDLoss(16, 16)(t.clone(), t, samples).item() == pytest.approx(0.)


def test_gradients_reach_student_and_gcblocks_only():
    loss = FGDLoss(8, 16)  # different channels: a 1x1 align conv
    s = torch.randn(2, 8, 8, 8, requires_grad=True)
    t = torch.randn(2, 16, 8, 8, requires_grad=True)
    out = loss(s, t, [_sample([[8., 8., 24., 40.]]), _sample([])])
    out.backward()
    assert s.grad is not None and s.grad.abs().sum() > 0
    assert t.grad is None
    assert loss.align.weight.grad is not None
    assert loss.student_context.channel_add[-1].weight.grad is not None


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_low_precision_inputs_give_finite_float32(dtype):
    s, t = torch.randn(2, 16, 8, 8), torch.randn(2, 16, 8, 8)
    samples = [_sample([[8., 8., 24., 40.]]), _sample([])]
    loss = FGDLoss(16, 16)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = loss(s.to(dtype), t.to(dtype), samples)
    assert out.dtype == torch.float32 and torch.isfinite(out)
    torch.testing.assert_close(
        out, loss(s.to(dtype).float(), t.to(dtype).float(), samples))


def test_errors():
    loss = FGDLoss(16, 16)
    with pytest.raises(ValueError, match='temp'):
        FGDLoss(16, 16, temp=0)
    with pytest.raises(ValueError, match='FGDLoss: alpha_fgd must be >= 0, '
                       'got -0.001'):
        FGDLoss(16, 16, alpha_fgd=-0.001)
    with pytest.raises(TypeError, match='FGDLoss: temp must be a number, got '
                       r'\[0, 5\] .*not a comma: temp=0.5'):
        FGDLoss(16, 16, temp=[0, 5])
    with pytest.raises(ValueError, match='one level'):
        loss(torch.randn(1, 16, 8, 8), torch.randn(1, 16, 4, 4),
             [_sample([])])
    with pytest.raises(ValueError, match='data_idx=1'):
        loss(torch.randn(2, 16, 8, 8), torch.randn(2, 16, 8, 8),
             [_sample([])])
