# Copyright (c) mmadmd contributors. All rights reserved.
"""The mini benchmark's --quick mode: every run, a table, a chart, resume."""
import json
import os
from dataclasses import replace

import cv2
import pytest

from mmadmd.benchmarks.machine import describe_machine, machine
from mmadmd.benchmarks.mini_benchmark import (BenchmarkSettings, all_runs,
                                              default_runs, format_delta,
                                              format_mean, machines_note,
                                              method_runs, run_config,
                                              run_mini_benchmark, summarize,
                                              train_pending)

pytestmark = pytest.mark.e2e  # trains or runs tools: see setup.cfg


def test_quick_benchmark_runs_everything_and_resumes(tmp_path):
    work_dir, data = str(tmp_path / 'bench'), str(tmp_path / 'data')
    settings = BenchmarkSettings.quick()
    results = run_mini_benchmark(work_dir, data, settings)
    keys = [run.key for run in default_runs()]
    assert sorted(results['runs']) == sorted(f'{k}/seed0' for k in keys)
    for key, run in results['runs'].items():
        assert 0.0 <= run['mAP'] <= 1.0, key
    iters = {k: v['iters'] for k, v in results['runs'].items()}
    assert iters['student-3x/seed0'] == 3 * iters['student/seed0']
    table = open(f'{work_dir}/results.md').read()
    for run in default_runs():
        assert f'| {run.name} |' in table
    assert cv2.imread(f'{work_dir}/results.png') is not None
    # Run again: nothing is retrained, nothing is lost.
    before = json.load(open(f'{work_dir}/results.json'))
    lines = []
    again = run_mini_benchmark(work_dir, data, settings, log=lines.append)
    assert again == before
    assert '0 runs to do' in lines[-1]
    # With every run done, the table is rebuilt from results.json alone:
    # a copied results.json needs no teacher checkpoint and no scenes.
    for name in os.listdir(f'{work_dir}/teacher'):
        if name.endswith('.pth'):
            os.remove(f'{work_dir}/teacher/{name}')
    os.remove(f'{work_dir}/results.md')
    other_data = str(tmp_path / 'no_scenes')
    lines = []
    again = run_mini_benchmark(
        work_dir, other_data, settings, log=lines.append)
    assert again == before
    assert not any(line.startswith('teacher') for line in lines)
    assert not os.path.exists(other_data)
    student = again['runs']['student/seed0']['mAP']
    assert f"| s0 {student:.3f} |" in open(f'{work_dir}/results.md').read()
    # An extra run asked for by name joins the table; nothing else reruns.
    extra = [run for run in all_runs() if run.key == 'admd-3x-bf16']
    assert extra and extra[0] not in default_runs()
    again = run_mini_benchmark(work_dir, data, settings, extra)
    assert sorted(again['runs']) == sorted(
        list(before['runs']) + ['admd-3x-bf16/seed0'])
    assert all(again['runs'][k] == v for k, v in before['runs'].items())
    table = open(f'{work_dir}/results.md').read()
    for run in default_runs() + extra:
        assert f'| {run.name} |' in table
    # Other sizes in the same work dir: a clear error, not a mix.
    other = replace(settings, data=replace(settings.data, student_iters=3))
    with pytest.raises(ValueError, match='other settings'):
        run_mini_benchmark(work_dir, data, other)


def test_runs_record_their_machine_and_another_one_is_named(tmp_path):
    student, = method_runs(('student', ))

    def train_one(run, seed, run_dir):
        os.makedirs(run_dir)
        return dict(mAP=0.5, iters=1)

    def train(todo, results):
        lines = []
        train_pending(todo, results, str(tmp_path), train_one, lambda: None,
                      lines.append)
        return [line for line in lines if line.startswith('warning')]

    this = machine()
    results = dict(runs={'student/seed0': dict(mAP=0.4, iters=1)})
    # Runs saved before machines were recorded raise no warning.
    assert train([(1, student)], results) == []
    assert results['runs']['student/seed1'] == dict(
        mAP=0.5, iters=1, machine=this)
    elsewhere = dict(this, cpu='Another CPU (family 6, model 106)')
    results['runs']['student/seed2'] = dict(
        mAP=0.3, iters=1, machine=elsewhere)
    warning, = train([(3, student)], results)
    assert 'Another CPU' in warning and this['cpu'] in warning
    assert '--work-dir' in warning
    # Nothing left to train: nothing to pair, no warning.
    assert train([], results) == []
    # The table says which machines trained its runs.
    note = machines_note(results)
    assert note.startswith('\nTrained on 2 machines')
    assert 'Another CPU' in note and '1 runs saved no machine' in note
    del results['runs']['student/seed2'], results['runs']['student/seed0']
    assert machines_note(results) == (
        f'\nTrained on {describe_machine(this)}.\n')


def test_paired_differences_use_shared_seeds_only():
    runs = [
        run for run in default_runs()
        if run.key in ('student', 'admd', 'admd-tau2')
    ]

    def res(m):
        return dict(mAP=m, seconds=1.0, iters=300)

    results = dict(
        runs={
            'student/seed0': res(0.10),
            'student/seed1': res(0.30),
            'student/seed2': res(0.20),
            'admd/seed0': res(0.15),
            'admd/seed1': res(0.40),
            'admd-tau2/seed0': res(0.05),
        })
    rows = {row['key']: row for row in summarize(results, runs)}
    assert rows['student']['vs_student'] is None
    mean, std, n = rows['admd']['vs_student']  # seeds 0, 1: +0.05, +0.10
    assert (mean, n) == (pytest.approx(0.075), 2)
    assert std == pytest.approx(0.0353553, abs=1e-6)
    assert rows['admd']['vs_admd'] is None  # plain ADMD is the reference
    assert rows['admd-tau2']['vs_admd'] == (pytest.approx(-0.10), 0.0, 1)
    assert rows['admd-tau2']['vs_student'] == (pytest.approx(-0.05), 0.0, 1)


def test_one_seed_shows_no_spread():
    """A single seed has no spread: tables must not print it as ± 0."""
    runs = {run.key: run for run in all_runs()}
    results = dict(runs={
        'student/seed0': dict(mAP=0.25, seconds=1.0, iters=300),
        'student/seed1': dict(mAP=0.35, seconds=1.0, iters=300),
        'admd/seed1': dict(mAP=0.40, seconds=1.0, iters=300),
    })
    rows = {row['key']: row for row in summarize(
        results, [runs['student'], runs['admd']])}
    assert format_mean(rows['student']) == '0.300 ± 0.071'
    assert format_mean(rows['admd']) == '0.400 (one seed)'
    assert format_delta(rows['admd']['vs_student']) == '+0.050 (1)'
    assert format_delta((0.05, 0.01, 3)) == '+0.050 ± 0.010 (3)'
    assert format_delta(None) == ''


def test_rounding_control_is_the_fp32_teacher_channels_last(tmp_path):
    runs = {run.key: run for run in all_runs()}
    data = BenchmarkSettings().data
    cfgs = {
        key: run_config(runs[key], 0, str(tmp_path / key), str(tmp_path),
                        data, 'teacher.pth')
        for key in ('admd', 'admd-cl', 'admd-bf16', 'admd-bf16-nocl')
    }
    assert cfgs['admd-cl'].model.teacher_precision == 'fp32'
    assert cfgs['admd-cl'].model.teacher_channels_last is True
    # bf16 in the layout it had before channels-last became its default.
    assert cfgs['admd-bf16-nocl'].model.teacher_precision == 'bf16'
    assert cfgs['admd-bf16-nocl'].model.teacher_channels_last is False
    for key in ('admd', 'admd-bf16'):  # the distiller's default
        assert cfgs[key].model.teacher_channels_last is None
    # It is compared with plain ADMD, never used as the reference.
    results = dict(runs={
        'admd-cl/seed0': dict(mAP=0.2, seconds=1.0, iters=300),
        'admd/seed0': dict(mAP=0.1, seconds=1.0, iters=300),
    })
    rows = {row['key']: row for row in summarize(
        results, [runs['admd-cl'], runs['admd']])}
    assert rows['admd-cl']['vs_admd'] == (pytest.approx(0.1), 0.0, 1)
    assert rows['admd']['vs_admd'] is None
