# Copyright (c) mmadmd contributors. All rights reserved.
from .precision_fpn_teacher_distill import (TEACHER_DTYPES,
                                            PrecisionFpnTeacherDistill,
                                            skip_teacher_ckpt_check)

__all__ = [
    'PrecisionFpnTeacherDistill', 'TEACHER_DTYPES', 'skip_teacher_ckpt_check'
]
