# Copyright (c) mmadmd contributors. All rights reserved.
"""`make demo` in miniature: every stage runs and the report is complete."""
import os.path as osp

import cv2

from mmadmd.apis.demo import DemoSettings, run_demo


def test_quick_demo_writes_report(tmp_path):
    work_dir = str(tmp_path / 'demo')
    result = run_demo(work_dir, str(tmp_path / 'data'), DemoSettings.quick())
    assert set(result['stages']) == {'teacher', 'student', 'student + ADMD'}
    for stage in result['stages'].values():
        assert 0.0 <= stage['mAP'] <= 1.0
        # each stage's own losses feed the plots
        assert stage['logged_iters'] == [1, 2, 3, 4]
    report = open(result['report']).read()
    for row in ('| teacher |', '| student |', '| student + ADMD |'):
        assert row in report
    pictures = [
        line.split('(')[1].rstrip(')') for line in report.splitlines()
        if line.startswith('![')
    ]
    names = [osp.basename(p) for p in pictures]
    assert 'loss_curves.png' in names and 'weight_ratio.png' in names
    # One discrepancy-mask heatmap per FPN level.
    assert sum(n.startswith('iter_') for n in names) == 5
    for p in pictures:
        assert cv2.imread(osp.join(work_dir, p)) is not None, p
    assert osp.exists(result['student_checkpoint'])
    assert osp.exists(result['student_config'])
