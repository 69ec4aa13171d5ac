# Copyright (c) mmadmd contributors. All rights reserved.
"""Evidence machinery: drivers that produce the numbers and tables in
``docs/`` (issue 16 moves the demo and benchmark drivers of
``mmadmd.apis`` here)."""
from .machine import describe_machine, machine
from .support_matrix import FAMILIES, check_family, matrix_markdown, run_matrix

__all__ = [
    'FAMILIES', 'check_family', 'describe_machine', 'machine',
    'matrix_markdown', 'run_matrix'
]
