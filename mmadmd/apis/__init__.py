# Copyright (c) mmadmd contributors. All rights reserved.
from .export import STUDENT_PREFIX, export_student, student_config

__all__ = ['STUDENT_PREFIX', 'export_student', 'student_config']
