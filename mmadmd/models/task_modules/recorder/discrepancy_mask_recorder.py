# Copyright (c) mmadmd contributors. All rights reserved.
from typing import List, Optional, Sequence

import torch
from mmrazor.models.task_modules.recorder.base_recorder import BaseRecorder
from mmrazor.registry import TASK_UTILS
from torch import nn

from ...utils.discrepancy import add_mask_listener


@TASK_UTILS.register_module()
class DiscrepancyMaskRecorder(BaseRecorder):
    """Recorder for the per-level discrepancy masks that ADMD losses compute.

    Each call of an :class:`~mmadmd.models.ADMDLoss` (or of a loss class
    named by ``source``) adds one record: the list of its per-level masks,
    each of shape (N, H, W), detached, with mean 1 per image. They are the
    very tensors the loss used, not a recomputation.

    In mmrazor's distillers the distill losses are computed *after* the
    student forward, outside the recorder context. So, unlike other
    recorders, this one keeps recording after ``__exit__``; entering the
    context clears the buffer. A ``ConfigurableDistiller`` enters its
    student recorders every iteration, so after ``compute_distill_losses``
    the buffer holds the current iteration's masks, in the order the ADMD
    losses ran (``record_idx``). The masks can then be read for inspection,
    for :class:`~mmadmd.engine.DiscrepancyMaskVisualizationHook`, or as
    weights of losses computed after the ADMD loss.

    Args:
        source (str): Class name of the losses whose masks are recorded
            (a subclass also matches). Defaults to ``'ADMDLoss'``.

    Examples:
        >>> from mmadmd.models import ADMDLoss
        >>> loss = ADMDLoss()
        >>> recorder = DiscrepancyMaskRecorder('ADMDLoss')
        >>> recorder.initialize()
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

    def prepare_from_model(self, model: Optional[nn.Module] = None) -> None:
        """Start receiving masks; ``model`` is not needed.

        The masks come from the ADMD losses, which live in the distiller,
        not in the student or teacher the recorder managers pass here.
        """
        add_mask_listener(self)

    def receive_masks(self, loss_module: nn.Module,
                      masks: Sequence[torch.Tensor]) -> None:
        """Record the masks of one loss call if the loss matches ``source``.

        Args:
            loss_module (nn.Module): The loss that computed the masks.
            masks (Sequence[torch.Tensor]): Per-level (N, H, W) masks.
        """
        if any(cls.__name__ == self.source
               for cls in type(loss_module).__mro__):
            self.data_buffer.append(list(masks))

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
            raise RuntimeError(
                'DiscrepancyMaskRecorder has no masks: no loss of type '
                f'{self.source!r} ran since the recorder was entered. Check '
                'that the distiller has an ADMDLoss in distill_losses.')
        return super().get_record_data(record_idx, data_idx)
