# Copyright (c) mmadmd contributors. All rights reserved.
from mmadmd.benchmarks.machine import describe_machine, machine


def test_machine_names_what_the_last_digits_depend_on():
    this = machine()
    assert set(this) == {'cpu', 'flags', 'kernels', 'torch', 'threads'}
    assert this['cpu'] and this['kernels'] and this['threads'] >= 1
    # Same machine, same record: runs are paired by comparing records.
    assert machine() == this


def test_describe_machine_is_one_line_of_a_report():
    record = dict(cpu='Some CPU (family 6, model 207)', flags='0123',
                  kernels='AVX512', torch='2.13.0', threads=2)
    assert describe_machine(record) == (
        'Some CPU (family 6, model 207), AVX512 kernels, torch 2.13.0, '
        '2 threads')
