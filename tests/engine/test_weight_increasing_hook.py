# Copyright (c) mmadmd contributors. All rights reserved.
import glob
import json
import os
import os.path as osp
import socket
import subprocess
import sys

import pytest
import torch
from mmengine.runner import Runner

from mmadmd.engine import WeightIncreasingHook, find_admd_losses
from mmadmd.testing.toy import distill_model_cfg, runner_cfg

HOOK = 'mmadmd.WeightIncreasingHook'


def test_adaptive_update_by_hand():
    hook = WeightIncreasingHook(
        warmup_iters=2, momentum=0.5, power=1.0, max_ratio=3.0)
    # ema: 4, 4 (-> L_ref = 4 at the end of warm-up), 3, 2, 3, 0.5
    ratios = [hook.update(r, it, 100) for it, r in enumerate([4, 4, 2, 1, 4,
                                                               -2])]
    assert ratios == pytest.approx([1, 1, 4 / 3, 2, 2, 3])
    assert hook.ref == 4 and hook.ema == pytest.approx(0.5)


def test_power_and_floor():
    hook = WeightIncreasingHook(warmup_iters=1, momentum=0.0, power=2.0,
                                max_ratio=10.0)
    assert hook.update(4.0, 0, 10) == 1.0  # L_ref = 4
    assert hook.update(8.0, 1, 10) == 1.0  # a growing loss never lowers it
    assert hook.update(2.0, 2, 10) == pytest.approx(4.0)


def test_linear_and_constant_modes():
    hook = WeightIncreasingHook(mode='linear', max_ratio=5.0)
    assert [hook.update(1.0, it, 4) for it in range(4)] == [2, 3, 4, 5]
    hook = WeightIncreasingHook(mode='constant')
    assert [hook.update(r, it, 4) for it, r in enumerate([4, 1, .1])] == \
        [1, 1, 1]


@pytest.mark.parametrize('bad', [float('nan'), float('inf')])
def test_non_finite_raw_value_is_skipped(bad):
    # Spec section 4 (revised): not folded into the EMA, the ratio moves on.
    hook = WeightIncreasingHook(
        warmup_iters=2, momentum=0.5, power=1.0, max_ratio=3.0)
    ratios = [hook.update(r, it, 100)
              for it, r in enumerate([4, 4, bad, 2, 1])]
    assert ratios == pytest.approx([1, 1, 1, 4 / 3, 2])
    assert hook.ema == pytest.approx(2.0) and hook.ref == 4


def test_non_finite_raw_value_in_runner_warns_and_keeps_schedule(
        tmp_path, monkeypatch):
    runner = _train(tmp_path, 'nan', 4,
                    dict(type=HOOK, warmup_iters=1, momentum=0.5),
                    model=distill_model_cfg())
    hook, (loss, ) = _hook(runner), find_admd_losses(runner.model)
    before = hook.state_dict()
    warnings = []
    monkeypatch.setattr(runner.logger, 'warning', warnings.append)
    loss.last_raw_loss = torch.tensor(float('nan'))
    hook.after_train_iter(runner, 0)
    assert hook.ema == before['ema'] and hook.ratio == before['ratio']
    assert len(warnings) == 1 and 'is nan; skipped' in warnings[0]


def test_defaults_are_the_shipped_fragment():
    # `dict(type='mmadmd.WeightIncreasingHook')` gets the shipped settings.
    from mmengine.config import Config
    root = osp.join(osp.dirname(__file__), '..', '..', 'configs')
    shipped = Config.fromfile(osp.join(root, '_base_', 'admd_fpn.py'))
    hook = WeightIncreasingHook()
    for key, value in shipped.admd_weight_increasing_hook.items():
        if key != 'type':
            assert getattr(hook, key) == value, key


@pytest.mark.parametrize('kwargs', [
    dict(mode='cosine'), dict(momentum=1.0), dict(max_ratio=0.5),
    dict(interval=0)
])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError, match='WeightIncreasingHook'):
        WeightIncreasingHook(**kwargs)


@pytest.mark.parametrize('power', [0, -1.0])
def test_power_must_be_positive(power):
    with pytest.raises(ValueError) as info:
        WeightIncreasingHook(power=power)
    assert str(info.value).startswith(
        f'WeightIncreasingHook: power must be > 0, got {power}: a negative '
        'power lowers the weight as the loss shrinks, 0 freezes it at 1.')


def test_decimal_comma_is_named():
    # --cfg-options ...power=1,5 gives a list
    with pytest.raises(TypeError) as info:
        WeightIncreasingHook(power=[1, 5])
    assert str(info.value) == (
        'WeightIncreasingHook: power must be a number, got [1, 5] (a list). '
        'Write decimals with a decimal point, not a comma: power=1.5 '
        '(--cfg-options reads power=1,5 as a list).')
    with pytest.raises(TypeError, match='warmup_iters must be an integer, '
                       "got '100'"):
        WeightIncreasingHook(warmup_iters='100')


def test_warmup_beyond_the_run_warns(tmp_path, monkeypatch):
    cfg = runner_cfg(str(tmp_path), max_iters=4,
                     custom_hooks=[dict(type=HOOK, warmup_iters=4)],
                     experiment_name='warmup_beyond_the_run')
    runner = Runner.from_cfg(cfg)
    warnings = []
    monkeypatch.setattr(runner.logger, 'warning', warnings.append)
    _hook(runner).before_train(runner)
    assert warnings == [
        "WeightIncreasingHook: warmup_iters=4 >= the run's max_iters=4: the "
        'reference loss is never taken and the weight ratio stays 1 (ADMD '
        'without the weight-increasing module). For a short run set it '
        'lower, e.g. --cfg-options '
        'default_hooks.admd_weight_increasing.warmup_iters=1.'
    ]
    warnings.clear()
    _hook(runner).warmup_iters = 3
    _hook(runner).before_train(runner)
    assert warnings == []


def test_two_hooks_on_one_loss_are_an_error(tmp_path):
    # the fragment's default hook plus the docstring's custom_hooks entry
    cfg = runner_cfg(
        str(tmp_path),
        max_iters=2,
        default_hooks=dict(admd_weight_increasing=dict(type=HOOK)),
        custom_hooks=[dict(type=HOOK, warmup_iters=1)],
        experiment_name='two_hooks')
    with pytest.raises(RuntimeError) as info:
        Runner.from_cfg(cfg).train()
    msg = str(info.value)
    assert msg.startswith('2 WeightIncreasingHooks would rescale the same '
                          "ADMD losses: WeightIncreasingHook(mode='adaptive',"
                          ' warmup_iters=500,')
    assert "and WeightIncreasingHook(mode='adaptive', warmup_iters=1," in msg
    assert 'default_hooks.admd_weight_increasing=None' in msg


def _train(tmp_path, name, max_iters, hook_cfg, **kwargs):
    cfg = runner_cfg(
        str(tmp_path / name),
        max_iters=max_iters,
        custom_hooks=[hook_cfg],
        experiment_name=f'{name}_{max_iters}',
        **kwargs)
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


def _hook(runner):
    return next(h for h in runner.hooks
                if isinstance(h, WeightIncreasingHook))


def test_linear_in_runner_sets_weights_and_logs_ratio(tmp_path):
    runner = _train(tmp_path, 'linear', 8,
                    dict(type=HOOK, mode='linear', max_ratio=3.0),
                    model=distill_model_cfg(loss_weight=2.0))
    loss, = find_admd_losses(runner.model)
    assert _hook(runner).ratio == pytest.approx(3.0)
    assert loss.loss_weight == pytest.approx(6.0)
    scalars = glob.glob(osp.join(runner.log_dir, 'vis_data', 'scalars.json'))
    logged = [json.loads(line) for line in open(scalars[0])]
    ratios = [rec['admd/weight_ratio'] for rec in logged
              if 'admd/weight_ratio' in rec]
    assert len(ratios) == 4  # every logging interval (2) of 8 iterations
    assert ratios[-1] == pytest.approx(3.0, abs=0.3)
    assert ratios == sorted(ratios)


@pytest.mark.parametrize('scope', ['mmdet', 'mmrotate', 'mmrazor'])
def test_reachable_from_downstream_scopes(tmp_path, scope):
    runner = _train(tmp_path, scope, 2, dict(type=HOOK, mode='linear'),
                    default_scope=scope)
    assert _hook(runner).ratio > 1


def test_model_without_admd_is_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match='found no ADMDLoss module in the '
                       'model \\(FpnTeacherDistill\\)'):
        _train(tmp_path, 'none', 2, dict(type=HOOK),
               model=distill_model_cfg(with_admd=False))


def test_resume_equals_uninterrupted(tmp_path):
    hook_cfg = dict(type=HOOK, warmup_iters=2, momentum=0.5, max_ratio=50.)
    kwargs = dict(default_hooks=dict(
        logger=dict(type='LoggerHook', interval=2),
        checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=4)))
    full = _train(tmp_path, 'full', 8, hook_cfg, **kwargs)
    _train(tmp_path, 'part', 4, hook_cfg, **kwargs)
    resumed = _train(
        tmp_path,
        'part',
        8,
        hook_cfg,
        resume=True,
        load_from=str(tmp_path / 'part' / 'iter_4.pth'),
        **kwargs)
    state_full, state_resumed = _hook(full).state_dict(), _hook(
        resumed).state_dict()
    assert state_full['ratio'] > 1  # the schedule really moved
    assert state_full == pytest.approx(state_resumed)
    assert find_admd_losses(full.model)[0].loss_weight == pytest.approx(
        find_admd_losses(resumed.model)[0].loss_weight)
    for (name, p_full), p_res in zip(
            full.model.student.named_parameters(),
            resumed.model.student.parameters()):
        torch.testing.assert_close(p_full, p_res, msg=name)
    ckpt = torch.load(
        tmp_path / 'full' / 'iter_8.pth', map_location='cpu',
        weights_only=False)
    assert ckpt['admd_weight_increasing'] == pytest.approx(state_full)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_two_ranks_hold_the_same_weight(tmp_path):
    script = osp.join(osp.dirname(__file__), 'dist_weight_increasing.py')
    env = dict(os.environ, OMP_NUM_THREADS='1')
    result = subprocess.run([
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
        f'--master_port={_free_port()}', script,
        str(tmp_path)
    ],
                            capture_output=True,
                            text=True,
                            timeout=600,
                            env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = [
        json.load(open(tmp_path / f'rank{r}.json')) for r in range(2)
    ]
    # The ranks saw different data, hence different local losses ...
    assert ranks[0]['local_raw'] != pytest.approx(ranks[1]['local_raw'])
    # ... yet hold the same schedule and weight.
    assert ranks[0]['ratios'] == ranks[1]['ratios']
    assert ranks[0]['loss_weight'] == ranks[1]['loss_weight']
    assert ranks[0]['ratios'][-1] > 1
