# Copyright (c) mmadmd contributors. All rights reserved.
"""The support-matrix machinery on the pairs that differ in width and in
levels (the whole matrix: tools/analysis/support_matrix.py)."""
import os.path as osp

import pytest

from mmadmd.benchmarks.support_matrix import (CUDA_ONLY, FAMILIES, PAIRS,
                                              FamilyResult, Outcome,
                                              check_family, check_pair,
                                              get_family, matrix_markdown,
                                              synthetic_batch)

pytestmark = pytest.mark.e2e  # trains or runs tools: see setup.cfg

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))


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


def test_families_that_need_the_runner_or_quadrilaterals():
    # R3Det reads its train_cfg by attribute (a ConfigDict, as from a
    # config file); TOOD reads the epoch from the message hub.
    for name in ('r3det', 'tood'):
        result = check_family(get_family(name))
        assert result.verdict == 'pass', (result.student, result.admd)
    # RepPoints-based rotated families train on quadrilaterals
    batch = synthetic_batch(get_family('cfa'))
    boxes = batch['data_samples'][0].gt_instances.bboxes
    assert type(boxes).__name__ == 'QuadriBoxes' and boxes.tensor.shape[-1] \
        == 8


def test_cuda_only_ops_are_named_as_such():
    family = get_family('cfa')
    needs_cuda = FamilyResult(
        family, Outcome(False, f'RuntimeError: convex_iou_impl: {CUDA_ONLY}.'))
    assert needs_cuda.verdict == 'needs a CUDA-only op'
    assert '| needs CUDA: RuntimeError' in matrix_markdown([needs_cuda])
    broken = FamilyResult(family, Outcome(False, 'ValueError: bad'))
    assert broken.verdict == 'student alone fails on CPU'


def test_the_table_lists_every_family():
    table = open(osp.join(REPO, 'docs', 'support_matrix.md')).read()
    for family in FAMILIES:
        assert f'| {family.name} | {family.scope} | `{family.config}` |' \
            in table, f'rerun tools/analysis/support_matrix.py ({family})'
    for pair in PAIRS:
        assert f'| {pair.name} |' in table
    # what the own-project guide says of it: all pass but the families that
    # need CUDA
    rows = [line.split(' | ') for line in table.splitlines()
            if line.startswith('| ') and '` |' in line]
    failing = {row[0][2:] for row in rows if row[4] != 'pass'}
    assert failing == {f.name for f in FAMILIES if f.box_type == 'qbox'}
    assert all('needs CUDA' in row[3] for row in rows
               if row[0][2:] in failing)
    guide = open(osp.join(REPO, 'docs', 'user_guides',
                          'own_project.md')).read()
    assert 'All pass but the four RepPoints-based rotated families' in \
        ' '.join(guide.split())
