# Copyright (c) mmadmd contributors. All rights reserved.
from .precision_fpn_teacher_distill import (TEACHER_DTYPES,
                                            PrecisionFpnTeacherDistill)

__all__ = ['PrecisionFpnTeacherDistill', 'TEACHER_DTYPES']
