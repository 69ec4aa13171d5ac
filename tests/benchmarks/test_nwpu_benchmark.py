# Copyright (c) mmadmd contributors. All rights reserved.
"""The real-data benchmark's --quick mode on a tiny NWPU VHR-10 folder:
every default run, val and test mAP, the teacher's curve, resume."""
import glob
import json
import os.path as osp
import re
import subprocess
import sys
from dataclasses import replace

import cv2
import pytest
import torch
import yaml
from mmengine.config import Config

from mmadmd.benchmarks.mini_benchmark import summarize
from mmadmd.benchmarks.nwpu_benchmark import (FAMILIES, LEAD_RUNS_3X,
                                              SHIPPED_RESULTS,
                                              SHIPPED_TEACHER,
                                              SHIPPED_TEACHERS, NWPUSettings,
                                              default_nwpu_runs,
                                              evaluate_teacher, family_table,
                                              lead_table, nwpu_runs,
                                              nwpu_stage_config,
                                              run_nwpu_benchmark,
                                              save_teacher_weights,
                                              teacher_note)

pytestmark = pytest.mark.e2e  # trains or runs tools: see setup.cfg

REPO = osp.abspath(osp.join(osp.dirname(__file__), '..', '..'))


def test_quick_benchmark_runs_everything_and_resumes(tmp_path, nwpu_root):
    work_dir = str(tmp_path / 'bench')
    settings = NWPUSettings.quick()
    results = run_nwpu_benchmark(work_dir, nwpu_root, settings,
                                 split_dir=nwpu_root)
    keys = [run.key for run in default_nwpu_runs()]
    assert sorted(results['runs']) == sorted(f'{k}/seed0' for k in keys)
    for key, run in results['runs'].items():
        assert 0.0 <= run['mAP'] <= 1.0 and 0.0 <= run['val_mAP'] <= 1.0
    iters = {k: v['iters'] for k, v in results['runs'].items()}
    assert iters['admd-3x/seed0'] == 3 * iters['admd/seed0']
    # the teacher was validated as it trained (its learning curve)
    assert [it for it, _ in results['teacher']['val_curve']] == [1, 2]
    for name in ('results.md', 'results_val.md'):
        table = open(osp.join(work_dir, name)).read()
        for run in default_nwpu_runs():
            assert f'| {run.name} |' in table
    assert cv2.imread(osp.join(work_dir, 'results.png')) is not None
    # the teacher's checkpoint is kept for later runs; of the students'
    # only the final weights (to look at a trained student's masks)
    assert osp.exists(osp.join(work_dir, 'teacher', 'iter_2.pth'))
    assert osp.exists(osp.join(work_dir, 'admd', 'seed0', 'iter_2.pth'))
    assert osp.exists(osp.join(work_dir, 'admd-3x', 'seed0', 'iter_6.pth'))
    assert not osp.exists(osp.join(work_dir, 'admd', 'seed0',
                                   'last_checkpoint'))
    before = json.load(open(osp.join(work_dir, 'results.json')))
    lines = []
    again = run_nwpu_benchmark(work_dir, nwpu_root, settings,
                               split_dir=nwpu_root, log=lines.append)
    assert again == before and '0 runs to do' in lines[-1]
    other = replace(settings, student_iters=3)
    with pytest.raises(ValueError, match='other settings'):
        run_nwpu_benchmark(work_dir, nwpu_root, other, split_dir=nwpu_root)
    # A later run trains the teacher further from its weights.
    teacher = osp.join(work_dir, 'teacher', 'iter_2.pth')
    longer = replace(settings, teacher_init=teacher)
    lines = []
    more = run_nwpu_benchmark(str(tmp_path / 'longer'), nwpu_root, longer,
                              runs=default_nwpu_runs()[:1],
                              split_dir=nwpu_root, log=lines.append)
    assert more['settings']['teacher_init'] == teacher
    dumped = open(glob.glob(str(tmp_path / 'longer' / 'teacher' /
                                '*_nwpu.py'))[0]).read()
    assert f"load_from='{teacher}'" in dumped
    # Or uses trained teacher weights as they are: evaluated, not trained.
    given = replace(settings, teacher_ckpt=teacher)
    reused = run_nwpu_benchmark(str(tmp_path / 'given'), nwpu_root, given,
                                runs=default_nwpu_runs()[1:2],
                                split_dir=nwpu_root)
    assert reused['teacher']['iters'] == 0
    assert reused['teacher']['mAP'] == pytest.approx(before['teacher']['mAP'])
    assert reused['settings']['teacher_ckpt'] == teacher
    assert not glob.glob(str(tmp_path / 'given' / 'teacher' / 'iter_*.pth'))
    assert list(reused['runs']) == [f'{default_nwpu_runs()[1].key}/seed0']
    # Weights of another model (here the student's) stop before any run.
    student = osp.join(work_dir, 'student', 'seed0', 'iter_2.pth')
    with pytest.raises(ValueError, match='does not fit the model of the '
                       'teacher config'):
        run_nwpu_benchmark(
            str(tmp_path / 'wrong'), nwpu_root,
            replace(settings, teacher_ckpt=student),
            runs=default_nwpu_runs()[1:2], split_dir=nwpu_root)
    assert not osp.exists(str(tmp_path / 'wrong' / 'admd'))
    # the message names the shipped teacher, which exists
    assert osp.isfile(osp.join(REPO, SHIPPED_TEACHER))
    with pytest.raises(FileNotFoundError, match=SHIPPED_TEACHER):
        run_nwpu_benchmark(
            str(tmp_path / 'missing'), nwpu_root,
            replace(settings, teacher_ckpt=str(tmp_path / 'none.pth')),
            split_dir=nwpu_root)


def test_other_families_train_teacher_first_then_students(
        tmp_path, nwpu_root):
    """--family trains that family's teacher and students; no runs (the
    tool's --teacher-only) trains the teacher alone, and the students then
    reuse it. (Each family's configs distill in
    tests/integration/test_distill_detectors.py and
    tests/configs/test_shipped_configs.py.)"""
    family = 'gfl'
    work_dir = str(tmp_path / family)
    settings = replace(NWPUSettings.quick(), family=family)
    only = run_nwpu_benchmark(work_dir, nwpu_root, settings, runs=[],
                              split_dir=nwpu_root)
    assert only['runs'] == {} and only['settings']['family'] == family
    assert [it for it, _ in only['teacher']['val_curve']] == [1, 2]
    dumped = open(glob.glob(osp.join(work_dir, 'teacher', '*.py'))[0]).read()
    assert f"type='{family.upper()}'" in dumped
    # shipped as fp16 weights with a note, and evaluated as they are
    shipped = save_teacher_weights(
        osp.join(work_dir, 'teacher', 'iter_2.pth'),
        str(tmp_path / 'teacher_fp16.pth'),
        teacher_note(settings, only['teacher']))
    saved = torch.load(shipped, weights_only=False)
    assert {v.dtype for v in saved['state_dict'].values()
            if v.is_floating_point()} == {torch.float16}
    assert saved['meta']['note'].startswith(
        'NWPU VHR-10 benchmark teacher (configs/benchmark_nwpu/'
        'gfl_r34-w32_fpn_cpu_nwpu.py), 2 iterations from random '
        'initialization, seed 0; weights only, fp16; val mAP ')
    assert saved['meta']['dataset_meta']['classes'][0] == 'airplane'
    with pytest.raises(FileExistsError, match='teacher_fp16.pth exists'):
        save_teacher_weights(osp.join(work_dir, 'teacher', 'iter_2.pth'),
                             shipped, 'again')
    evaluated = run_nwpu_benchmark(
        str(tmp_path / 'shipped'), nwpu_root,
        replace(settings, teacher_ckpt=shipped), runs=[],
        split_dir=nwpu_root)
    assert evaluated['teacher']['iters'] == 0
    assert evaluated['teacher']['mAP'] == pytest.approx(
        only['teacher']['mAP'], abs=0.02)
    runs = [r for r in nwpu_runs() if r.key in ('student', 'admd')]
    lines = []
    results = run_nwpu_benchmark(work_dir, nwpu_root, settings, runs=runs,
                                 split_dir=nwpu_root, log=lines.append)
    assert not any(line.startswith('teacher: 2 iterations') for line in lines)
    assert results['teacher'] == only['teacher']
    assert sorted(results['runs']) == ['admd/seed0', 'student/seed0']
    for run in results['runs'].values():
        assert 0.0 <= run['mAP'] <= 1.0


def test_unknown_family_names_the_known_ones():
    with pytest.raises(ValueError, match='retinanet, fcos, gfl'):
        NWPUSettings(family='yolo')


def test_stage_config_uses_the_split_and_sizes(nwpu_root, tmp_path):
    settings = NWPUSettings()
    cfg = nwpu_stage_config('retinanet_r18-w16_fpn_cpu_nwpu.py',
                            str(tmp_path), nwpu_root, settings, 600, 3)
    assert cfg.train_dataloader.dataset.ann_file.endswith(
        osp.join('nwpu_vhr10_split', 'train.txt'))
    assert cfg.val_dataloader.dataset.ann_file.endswith('val.txt')
    assert cfg.test_dataloader.dataset.ann_file.endswith('test.txt')
    steps = {s.type: s for s in cfg.train_dataloader.dataset.pipeline}
    assert steps['RandomCrop'].crop_size == (320, 320)
    assert steps['RandomResize'].scale == (512, 512)
    assert cfg.train_cfg.max_iters == 600 and cfg.randomness.seed == 3
    other = replace(settings, cfg_options={
        'optim_wrapper.optimizer.lr': 0.04})
    cfg = nwpu_stage_config('retinanet_r18-w16_fpn_cpu_nwpu.py',
                            str(tmp_path), nwpu_root, other, 600, 3)
    assert cfg.optim_wrapper.optimizer.lr == 0.04
    # tuning runs exist but are not in the default benchmark
    assert {r.key for r in nwpu_runs()} - {r.key for r in default_nwpu_runs()}


def test_cli_help_lists_runs():
    result = subprocess.run(
        [sys.executable, 'tools/analysis/nwpu_benchmark.py', '--help'],
        capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    for run in ('admd-3x-constant', 'pkd-3x', '--data-root', '--family',
                '--teacher-only', '--save-teacher'):
        assert run in result.stdout
    # options whose default is computed later say it in their help
    assert '(default: None)' not in result.stdout


def test_lead_table_pairs_each_method_with_its_schedule():
    def runs(**maps):
        return {f"{key.replace('_', '-')}/seed{seed}": dict(
            mAP=m, seconds=1.0, iters=1800)
                for key, per_seed in maps.items()
                for seed, m in enumerate(per_seed)}

    results = dict(runs=runs(student_3x=(0.5, 0.4), admd_3x=(0.7, 0.6),
                             pkd_3x=(0.6, 0.7)))
    table = lead_table(results, LEAD_RUNS_3X, against='pkd-3x')
    assert table.splitlines()[0].endswith('| vs PKD, 3x |')
    cells = [[c.strip() for c in line.split('|')[1:-1]]
             for line in table.splitlines()[2:]]
    # Runs without results get no row; the student alone and the run
    # compared with leave the last column empty.
    assert {c[0]: c[3:] for c in cells} == {
        'student alone, 3x': ['', ''],
        'ADMD, 3x': ['+0.200 ± 0.000 (2)', '+0.000 ± 0.141 (2)'],
        'PKD, 3x': ['+0.200 ± 0.141 (2)', '']
    }


@pytest.mark.parametrize('family', sorted(SHIPPED_RESULTS))
def test_readme_has_each_familys_shipped_real_data_table(family):
    """The README's real-data table of each family is its shipped results'
    own, and the command it names is one the tool accepts, on that
    family's shipped teacher; docs/benchmarks.md shows the same table (and
    the 3x one of each family with 3x runs)."""
    results = json.load(open(osp.join(REPO, SHIPPED_RESULTS[family])))
    assert results['settings'].get('family', 'retinanet') == family
    table = family_table(results)
    readme = open(osp.join(REPO, 'README.md')).read()
    page = open(osp.join(REPO, 'docs', 'benchmarks.md')).read()
    assert table in readme
    assert table in page
    if family == 'retinanet' or any(
            key.split('/')[0] in LEAD_RUNS_3X for key in results['runs']):
        assert lead_table(results, LEAD_RUNS_3X, against='pkd-3x') in page
    teacher = results['settings']['teacher_ckpt']
    assert teacher == SHIPPED_TEACHERS[family]
    assert osp.isfile(osp.join(REPO, teacher))
    # the 'Made with' line under the family's table
    after = readme[readme.index(table) + len(table):]
    line = next(line for line in after.splitlines()
                if line.startswith('Made with `python tools/analysis/nwpu'))
    command = line.split('`')[1].split()
    assert command[command.index('--teacher-ckpt') + 1] == teacher
    named = (command[command.index('--family') + 1]
             if '--family' in command else 'retinanet')
    assert named == family
    seeds = command[command.index('--seeds') + 1:]
    assert [int(s) for s in seeds] == sorted(
        {int(k.split('seed')[1]) for k in results['runs']})
    # argparse checks each option as it comes, so --help at the end exits
    # 0 only if everything before it is valid (run keys, numbers)
    check = subprocess.run(
        [sys.executable] + command[1:] + ['--help'],
        capture_output=True, text=True, cwd=REPO)
    assert check.returncode == 0, check.stderr


def test_a_missing_teacher_names_the_familys_shipped_one(tmp_path):
    """Before anything is built, a missing --teacher-ckpt names the
    family's shipped teacher, or says that none ships and how to train
    one."""
    missing = str(tmp_path / 'none.pth')
    for family in FAMILIES:
        shipped = SHIPPED_TEACHERS.get(family)
        match = (re.escape(shipped) if shipped else
                 f'no {family} teacher ships; train one with --teacher-only')
        with pytest.raises(FileNotFoundError, match=match):
            evaluate_teacher(Config(), missing, family)


@pytest.mark.parametrize('family', sorted(SHIPPED_RESULTS))
def test_config_folder_quotes_the_shipped_results(family):
    """configs/benchmark_nwpu's README table and metafile quote each
    family's shipped results for its teacher, student and ADMD configs."""
    path = SHIPPED_RESULTS[family]
    results = json.load(open(osp.join(REPO, path)))
    rows = {r['key']: r for r in summarize(results, nwpu_runs())}
    folder = osp.join(REPO, 'configs', 'benchmark_nwpu')
    models = {
        model['Name']: model for model in yaml.safe_load(
            open(osp.join(folder, 'metafile.yml')))['Models']
    }
    teacher_cfg, student_cfg, admd_cfg = FAMILIES[family]
    for cfg, value in ((teacher_cfg, results['teacher']['mAP']),
                       (student_cfg, rows['student']['mean']),
                       (admd_cfg, rows['admd']['mean'])):
        model = models[osp.splitext(cfg)[0]]
        assert model['Metadata']['Results from'].startswith(path), cfg
        assert model['Results'][0]['Metrics']['mAP'] == round(value, 3), cfg
    # the README's table is the one right after the results' path
    readme = open(osp.join(folder, 'README.md')).read()
    table = readme[readme.index(f'(`{path}`)'):].split('\n\n')[1]
    assert f"| teacher | {results['teacher']['mAP']:.3f} |" in table
    for key in ('student', 'admd', 'pkd'):
        row = rows[key]
        assert f"| {row['mean']:.3f} ± {row['std']:.3f} |" in table, key
