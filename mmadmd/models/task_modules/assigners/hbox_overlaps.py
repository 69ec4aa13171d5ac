# Copyright (c) mmadmd contributors. All rights reserved.
import torch
from mmdet.structures.bbox import bbox_overlaps
from mmrotate.registry import TASK_UTILS
from mmrotate.structures.bbox import RotatedBoxes


@TASK_UTILS.register_module()
class HBoxOverlaps2D:
    """IoU of the circumscribed horizontal boxes of rotated boxes, computed
    with mmdet's vectorized ``bbox_overlaps``.

    The same values as mmrotate's ``FakeRBboxOverlaps2D`` (mmrotate's "hbox"
    assignment), which computes them with the rotated-IoU op
    ``box_iou_rotated``; on a CPU that op dominates a rotated RetinaNet step
    (timings: docs/DEVELOPMENT.md). mmadmd's rotated demo uses this one.

    Examples:
        >>> iou = HBoxOverlaps2D()
        >>> a = torch.tensor([[10., 10., 4., 2., 0.]])
        >>> b = torch.tensor([[10., 10., 2., 4., 0.], [30., 30., 2., 2., 0.]])
        >>> iou(a, b)
        tensor([[0.3333, 0.0000]])
    """

    def __call__(self,
                 bboxes1: torch.Tensor,
                 bboxes2: torch.Tensor,
                 mode: str = 'iou',
                 is_aligned: bool = False) -> torch.Tensor:
        """IoU (or IoF) between two sets of rotated boxes.

        Args:
            bboxes1 (Tensor | RotatedBoxes): (m, 5) ``(cx, cy, w, h, t)`` or
                (m, 6) with a score.
            bboxes2 (Tensor | RotatedBoxes): (n, 5) or (n, 6).
            mode (str): ``'iou'`` or ``'iof'``. Defaults to ``'iou'``.
            is_aligned (bool): Pairwise (m == n) instead of all pairs.

        Returns:
            Tensor: (m, n), or (m, ) if ``is_aligned``.
        """
        hboxes = []
        for boxes in (bboxes1, bboxes2):
            if not isinstance(boxes, RotatedBoxes):
                boxes = RotatedBoxes(boxes[..., :5])
            hboxes.append(boxes.convert_to('hbox').tensor)
        return bbox_overlaps(hboxes[0], hboxes[1], mode, is_aligned)

    def __repr__(self) -> str:
        return self.__class__.__name__ + '()'
