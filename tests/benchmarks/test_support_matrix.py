# Copyright (c) mmadmd contributors. All rights reserved.
"""The support-matrix machinery on one family and the pairs that differ in
width and in levels (the whole matrix: tools/analysis/support_matrix.py)."""
from mmadmd.benchmarks.support_matrix import (PAIRS, check_family, check_pair,
                                              matrix_markdown, get_family)


def test_retinanet_row_passes_and_renders():
    result = check_family(get_family('retinanet'))
    assert result.verdict == 'pass', (result.student, result.admd)
    assert 'distill.loss_admd_fpn' in result.admd.detail
    row = matrix_markdown([result]).splitlines()[-1]
    assert row.startswith('| retinanet | mmdet |') and '| pass |' in row


def test_heterogeneous_pairs():
    outcomes = {p.name: check_pair(p) for p in PAIRS[1:]}
    width, levels, by_stride = outcomes.values()
    assert width.ok, width.detail  # 64 -> 256 through the align conv
    # 5 student levels against 3: an error that says how to pair them
    assert not levels.ok and 'data_idx' in levels.detail
    assert by_stride.ok, by_stride.detail
