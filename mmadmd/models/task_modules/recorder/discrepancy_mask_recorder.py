# Copyright (c) mmadmd contributors. All rights reserved.
from typing import List, Optional

import torch
from mmrazor.models.task_modules.recorder.base_recorder import BaseRecorder
from mmrazor.registry import TASK_UTILS
from torch import nn


@TASK_UTILS.register_module()
class DiscrepancyMaskRecorder(BaseRecorder):
    """Recorder for the per-level discrepancy masks that ADMD losses compute.

    Each call of an :class:`~mmadmd.models.ADMDLoss` (or of a loss class
    named by ``source``) adds one record: the list of its per-level masks,
    each of shape (N, H, W), detached, with mean 1 per image. They are the
    very tensors the loss used, not a recomputation: like mmrazor's
    ``ModuleOutputsRecorder``, the recorder puts forward hooks on the
    modules it records (the loss and its ``masker``) and keeps no global
    state. ``initialize(model)`` hooks every matching loss inside ``model``:
    the loss itself, a distiller or a whole distillation algorithm.

    In mmrazor's distillers the distill losses are computed *after* the
    student forward, outside the recorder context. So, unlike other
    recorders, this one keeps recording after ``__exit__``; entering the
    context clears the buffer. A ``ConfigurableDistiller`` enters its
    student recorders every iteration, so after ``compute_distill_losses``
    the buffer holds the current iteration's masks, in the order the ADMD
    losses ran (``record_idx``). The masks can then be read for inspection,
    for :class:`~mmadmd.engine.DiscrepancyMaskVisualizationHook`, or as
    weights of losses computed after the ADMD loss.

    As a distiller's recorder (``type='DiscrepancyMask'``), it needs the
    distiller's losses, which mmrazor does not show recorders (they are
    given the student or the teacher):
    :class:`~mmadmd.models.PrecisionFpnTeacherDistill` (the shipped configs'
    algorithm) hooks them; with another algorithm, call
    ``recorder.initialize(algorithm)`` once.

    Args:
        source (str): Class name of the losses whose masks are recorded
            (a subclass also matches). Defaults to ``'ADMDLoss'``.

    Examples:
        >>> from mmadmd.models import ADMDLoss
        >>> loss = ADMDLoss()
        >>> recorder = DiscrepancyMaskRecorder('ADMDLoss')
        >>> recorder.initialize(loss)
        >>> feats_s = (torch.rand(2, 8, 16, 16), torch.rand(2, 8, 8, 8))
        >>> feats_t = (torch.rand(2, 8, 16, 16), torch.rand(2, 8, 8, 8))
        >>> with recorder:
        ...     value = loss(feats_s, feats_t)
        >>> [m.shape for m in recorder.get_record_data()]
        [torch.Size([2, 16, 16]), torch.Size([2, 8, 8])]
        >>> recorder.get_record_data(data_idx=1).mean(dim=(1, 2))
        tensor([1.0000, 1.0000])

        In a distiller config (``ADMDLoss`` first in ``distill_losses``)::

            student_recorders=dict(
                fpn=dict(type='ModuleOutputs', source='neck'),
                mask=dict(type='DiscrepancyMask')),
    """

    def __init__(self, source: str = 'ADMDLoss') -> None:
        super().__init__(source)
        self._hooked: List[nn.Module] = []
        self._new_call = False

    def prepare_from_model(self, model: Optional[nn.Module] = None) -> None:
        """Hook every loss inside ``model`` whose class (or a base class) is
        named ``source``; losses hooked before are not hooked twice.

        Args:
            model (nn.Module, optional): A loss, a distiller or an
                algorithm. None or a model without such a loss (the student
                or teacher mmrazor's recorder managers pass) hooks nothing.
        """
        if model is None:
            return
        for module in model.modules():
            if not any(cls.__name__ == self.source
                       for cls in type(module).__mro__):
                continue
            if any(module is done for done in self._hooked):
                continue
            if not isinstance(getattr(module, 'masker', None), nn.Module):
                raise TypeError(
                    f'DiscrepancyMaskRecorder: {type(module).__name__} has '
                    'no `masker` module computing its masks; record an '
                    'ADMDLoss (or a subclass).')
            module.register_forward_pre_hook(self._start_call)
            module.masker.register_forward_hook(self._record_level)
            self._hooked.append(module)

    def _start_call(self, module: nn.Module, args) -> None:
        self._new_call = True

    def _record_level(self, module: nn.Module, args,
                      mask: torch.Tensor) -> None:
        if self._new_call:  # first level of a call: a new record
            self.data_buffer.append([])
            self._new_call = False
        self.data_buffer[-1].append(mask.detach())

    def get_record_data(self,
                        record_idx: int = 0,
                        data_idx: Optional[int] = None
                        ) -> 'List[torch.Tensor] | torch.Tensor':
        """Get the masks of one loss call.

        Args:
            record_idx (int): Which loss call, in execution order. Defaults
                to 0.
            data_idx (int, optional): A level index; None returns all
                levels. Defaults to None.

        Returns:
            list[torch.Tensor] | torch.Tensor: Per-level (N, H, W) masks, or
            the mask of level ``data_idx``.
        """
        if not self.data_buffer:
            if not self._hooked:
                raise RuntimeError(
                    'DiscrepancyMaskRecorder has no masks: it is attached to '
                    f'no {self.source}. Initialize it with the model that '
                    'holds the loss (recorder.initialize(algorithm)); as a '
                    "distiller's recorder, use mmadmd's "
                    'PrecisionFpnTeacherDistill, which does that.')
            raise RuntimeError(
                'DiscrepancyMaskRecorder has no masks: no loss of type '
                f'{self.source!r} ran since the recorder was entered. Check '
                'that the distiller has an ADMDLoss in distill_losses.')
        return super().get_record_data(record_idx, data_idx)
