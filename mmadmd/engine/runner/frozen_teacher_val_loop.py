# Copyright (c) mmadmd contributors. All rights reserved.
from typing import Dict, Optional

from mmengine.model import is_model_wrapper
from mmengine.registry import DefaultScope
from mmrazor.engine import SingleTeacherDistillValLoop

from mmadmd.registry import LOOPS


@LOOPS.register_module()
class FrozenTeacherDistillValLoop(SingleTeacherDistillValLoop):
    """mmrazor's ``SingleTeacherDistillValLoop`` that evaluates a frozen
    teacher once.

    Every validation reports the student's metrics and the teacher's under
    ``teacher.*``, as mmrazor's loop does; but a teacher that does not train
    (``teacher_trainable=False``, the default of distillation) gives the
    same metrics each time, so they are computed at the first validation of
    a run and reused afterwards. A trainable teacher is evaluated every time.

    Use it as ``val_cfg = dict(type='mmadmd.FrozenTeacherDistillValLoop')``
    (the shipped configs do, through ``admd_val_cfg``).
    """

    def __init__(self, runner, *args, **kwargs) -> None:
        # Loaded through 'mmadmd::_base_/admd_fpn.py', this loop is built in
        # mmadmd's scope; its dataloader and evaluator are the runner's
        # (mmdet's or mmrotate's transforms and metrics).
        with DefaultScope.overwrite_default_scope(
                runner.cfg.get('default_scope')):
            super().__init__(runner, *args, **kwargs)
        self.teacher_metrics: Optional[Dict[str, float]] = None

    def run(self) -> Dict[str, float]:
        """Validate the student, and the teacher unless already done.

        Returns:
            dict: Student metrics and ``teacher.*`` metrics.
        """
        model = self.runner.model
        if is_model_wrapper(model):
            model = model.module
        self.runner.call_hook('before_val')
        self.runner.call_hook('before_val_epoch')
        self.runner.model.eval()
        for idx, data_batch in enumerate(self.dataloader):
            self.run_iter(idx, data_batch)
        metrics = self.evaluator.evaluate(len(self.dataloader.dataset))
        if self.teacher_metrics is None or getattr(model, 'teacher_trainable',
                                                   False):
            for idx, data_batch in enumerate(self.dataloader):
                self.run_iter_teacher(idx, data_batch)
            teacher = self.evaluator.evaluate(len(self.dataloader.dataset))
            self.teacher_metrics = {f'teacher.{k}': v
                                    for k, v in teacher.items()}
        metrics.update(self.teacher_metrics)
        self.runner.call_hook('after_val_epoch', metrics=metrics)
        self.runner.call_hook('after_val')
        return metrics
