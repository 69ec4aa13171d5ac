# Copyright (c) mmadmd contributors. All rights reserved.
"""Evidence machinery: the drivers that produce the numbers and tables in
``docs/`` (the demo, the benchmarks, the support matrix), kept apart from
the plugin."""
from .machine import describe_machine, machine
from .support_matrix import FAMILIES, check_family, matrix_markdown, run_matrix

__all__ = [
    'FAMILIES', 'check_family', 'describe_machine', 'machine',
    'matrix_markdown', 'run_matrix'
]
