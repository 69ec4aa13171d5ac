# Copyright (c) mmadmd contributors. All rights reserved.
"""`make demo` in miniature: every stage runs and the report is complete."""
import glob
import os.path as osp
import subprocess
import sys

import cv2
import pytest

from mmadmd.benchmarks.demo import (DEMOS, DemoSettings, generate_data,
                                    run_demo, stage_config)
from mmadmd.benchmarks.machine import describe_machine, machine
from mmadmd.benchmarks.nwpu_benchmark import SHIPPED_TEACHER

pytestmark = pytest.mark.e2e  # trains or runs tools: see setup.cfg

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))


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
    # Its times are read against the machine that measured them.
    assert describe_machine(machine()) in report
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


def test_scenes_follow_the_zoom(tmp_path):
    """The scenes are rewritten when the zoom changes, not silently reused,
    and the demo's default zoom gives objects twice as large."""
    import xml.etree.ElementTree as ET

    def widths(root):
        xml = osp.join(root, 'Annotations', 'Horizontal Bounding Boxes',
                       '00001.xml')
        boxes = ET.parse(xml).getroot().iter('bndbox')
        return sorted(
            int(b.find('xmax').text) - int(b.find('xmin').text)
            for b in boxes)

    assert DemoSettings().zoom == 2.0
    data = str(tmp_path / 'data')
    settings = DemoSettings(num_train=1, num_val=0, num_test=0, zoom=1.0)
    generate_data(data, settings)
    at_1 = widths(data)
    settings.zoom = 2.0
    generate_data(data, settings)
    at_2 = widths(data)
    assert at_1 != at_2 and min(at_2) > min(at_1)


def test_stage_warmup(tmp_path):
    """Both demos warm up for min(200, iters / 5) iterations (what their
    teachers were measured with); other settings keep a tenth, at most
    50."""

    def warmup(dataset, settings, iters):
        cfg = stage_config(DEMOS[dataset][0][0], str(tmp_path), 'data',
                           settings, iters)
        first, second = cfg.param_scheduler
        assert second.begin == first.end and second.end == iters
        return first.end

    assert warmup('dior', DemoSettings(), 1000) == 200
    assert warmup('dior', DemoSettings(), 600) == 120
    assert warmup('dota', DemoSettings.rotated(), 800) == 160
    assert warmup('dota', DemoSettings.quick('dota'), 300) == 30


REAL_NWPU = osp.abspath(osp.join(osp.dirname(__file__), '..', '..', '..',
                                 'shared', 'data', 'NWPU_VHR-10'))


@pytest.mark.skipif(
    not osp.isdir(REAL_NWPU),
    reason=f'NWPU VHR-10 not found at {REAL_NWPU} (../shared/data beside '
    'the repository, present in development and CI)')
def test_quick_demo_on_a_users_nwpu_folder(tmp_path):
    # As a user runs it: the command line, on the release folder, with the
    # benchmark's shipped teacher instead of training one.
    work_dir = str(tmp_path / 'demo-nwpu')
    out = subprocess.run(
        [sys.executable, 'tools/demo.py', '--dataset', 'nwpu', '--data-root',
         REAL_NWPU, '--quick', '--work-dir', work_dir, '--teacher-ckpt',
         SHIPPED_TEACHER],
        capture_output=True, text=True, cwd=REPO, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    report = open(osp.join(work_dir, 'report.md')).read()
    assert report.startswith('# mmadmd demo: ADMD on NWPU VHR-10')
    assert '| student + ADMD |' in report
    assert osp.exists(osp.join(work_dir, 'exported', 'student.pth'))
    # The given teacher was evaluated, not trained.
    assert f'The teacher is `{SHIPPED_TEACHER}`' in report
    assert '| given |' in report
    assert not glob.glob(osp.join(work_dir, 'teacher', '*.pth'))


def test_demo_stops_on_a_teacher_of_another_model(tmp_path):
    # The NWPU teacher (10 classes) does not fit the DIOR demo's (6).
    out = subprocess.run(
        [sys.executable, 'tools/demo.py', '--quick', '--work-dir',
         str(tmp_path / 'demo'), '--data-root', str(tmp_path / 'data'),
         '--teacher-ckpt', SHIPPED_TEACHER],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert out.returncode != 0
    assert SHIPPED_TEACHER in out.stderr
    assert 'bbox_head.retina_cls' in out.stderr
    assert not osp.exists(osp.join(tmp_path, 'demo', 'student'))


def test_demo_teacher_ckpt_excludes_teacher_iters():
    out = subprocess.run(
        [sys.executable, 'tools/demo.py', '--teacher-ckpt', SHIPPED_TEACHER,
         '--teacher-iters', '10'],
        capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode != 0
    assert '--teacher-ckpt and --teacher-iters exclude' in out.stderr


def test_nwpu_demo_needs_its_folder():
    out = subprocess.run(
        [sys.executable, 'tools/demo.py', '--dataset', 'nwpu'],
        capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode != 0
    assert '--dataset nwpu needs --data-root' in out.stderr


@pytest.mark.parametrize('report,pages', [
    ('demo', ('README.md', 'docs/get_started.md')),
    ('demo-rotated', ('docs/get_started.md', ))
])
def test_docs_quote_the_demo_tables_of_the_reports(report, pages):
    """The README and the get-started page quote each demo's table as the
    real run wrote it."""

    def tables(text):
        return [
            line for line in text.splitlines()
            if line.startswith('| ') and ('teacher' in line
                                          or 'student' in line)
        ]

    generated = tables(open(osp.join(REPO, 'docs', report,
                                     'report.md')).read())
    assert len(generated) == 3
    for page in pages:
        text = open(osp.join(REPO, page)).read()
        for line in generated:
            assert line in text, f'{page} lacks the {report} row {line}'


@pytest.mark.parametrize('dataset,report', [('dior', 'demo'),
                                            ('dota', 'demo-rotated')])
def test_demo_metafile_quotes_the_summary(dataset, report):
    """configs/demo/metafile.yml gives each demo config the mAP of its
    stage in docs/demo*/summary.json."""
    import json

    import yaml
    summary = json.load(open(osp.join(REPO, 'docs', report, 'summary.json')))
    meta = yaml.safe_load(
        open(osp.join(REPO, 'configs', 'demo', 'metafile.yml')))
    maps = {m['Name']: m['Results'][0]['Metrics']['mAP']
            for m in meta['Models']}
    stages = ('teacher', 'student', 'student + ADMD')
    for config, stage in zip(DEMOS[dataset][0], stages):
        assert maps[config[:-3]] == round(summary[stage]['mAP'], 3), config
