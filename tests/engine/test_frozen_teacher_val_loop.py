# Copyright (c) mmadmd contributors. All rights reserved.
"""FrozenTeacherDistillValLoop: student every validation, frozen teacher
once, both reported."""
from mmengine.evaluator import BaseMetric
from mmengine.registry import METRICS
from mmengine.runner import Runner

from mmadmd.testing.toy import runner_cfg


@METRICS.register_module(force=True)
class ToyFeatureMetric(BaseMetric):
    """Mean of the first level's outputs: differs between the models."""

    def process(self, data_batch, data_samples) -> None:
        self.results.append(float(data_samples[0].mean()))

    def compute_metrics(self, results) -> dict:
        return dict(feat=sum(results) / len(results))


def _run(tmp_path, trainable=False):
    cfg = runner_cfg(
        str(tmp_path),
        max_iters=6,
        train_cfg=dict(by_epoch=False, max_iters=6, val_interval=2),
        val_dataloader=dict(
            dataset=dict(type='mmengine.ToyImages', length=4),
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=2, num_workers=0),
        val_cfg=dict(type='mmadmd.FrozenTeacherDistillValLoop'),
        val_evaluator=dict(type='ToyFeatureMetric'))
    cfg['model']['teacher_trainable'] = trainable
    runner = Runner.from_cfg(cfg)
    calls = []
    runner.model.teacher.register_forward_hook(
        lambda *args: calls.append(1))
    seen = []
    orig = runner.val_loop.run

    def run():
        metrics = orig()
        seen.append(dict(metrics))
        return metrics

    runner.val_loop.run = run
    runner.train()
    return calls, seen


def test_frozen_teacher_is_evaluated_once_and_reported_every_time(tmp_path):
    calls, seen = _run(tmp_path)
    assert len(seen) == 3
    # 4 images, batch 2: two teacher forwards, at the first validation only
    assert len(calls) == 2
    assert all('teacher.feat' in m and 'feat' in m for m in seen)
    assert len({m['teacher.feat'] for m in seen}) == 1
    # the student trains, so its metric moves
    assert len({m['feat'] for m in seen}) > 1


def test_trainable_teacher_is_evaluated_every_time(tmp_path):
    calls, seen = _run(tmp_path, trainable=True)
    assert len(seen) == 3 and len(calls) == 6
