# Copyright (c) mmadmd contributors. All rights reserved.
"""The support-matrix machinery on the pairs that differ in width and in
levels (the whole matrix: tools/analysis/support_matrix.py)."""
import pytest

from mmadmd.benchmarks.support_matrix import (PAIRS, FamilyResult, check_pair,
                                              get_family, matrix_markdown)

pytestmark = pytest.mark.e2e  # trains or runs tools: see setup.cfg


def test_heterogeneous_pairs():
    outcomes = {p.name: check_pair(p) for p in PAIRS[1:]}
    width, levels, by_stride = outcomes.values()
    assert width.ok, width.detail  # 64 -> 256 through the align conv
    # 5 student levels against 3: an error that says how to pair them
    assert not levels.ok and 'data_idx' in levels.detail
    assert by_stride.ok, by_stride.detail
    assert 'distill.loss_admd_p2' in by_stride.detail
    # a row of the table (the families' rows come from check_family)
    row = matrix_markdown([
        FamilyResult(get_family('retinanet'), width, width, [])
    ]).splitlines()[-1]
    assert row.startswith('| retinanet | mmdet |') and '| pass |' in row
