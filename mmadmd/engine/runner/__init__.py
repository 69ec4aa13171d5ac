# Copyright (c) mmadmd contributors. All rights reserved.
from .frozen_teacher_val_loop import FrozenTeacherDistillValLoop

__all__ = ['FrozenTeacherDistillValLoop']
