# Copyright (c) mmadmd contributors. All rights reserved.
"""benchmark_kd_cost: every method of both setups trains a step, and the
tool writes its table."""
import json
import os.path as osp
import subprocess
import sys

import pytest
import torch

from mmadmd.benchmarks.kd_cost import (METHODS, _build_variant,
                                       benchmark_kd_cost, format_costs,
                                       method_config)

pytestmark = pytest.mark.e2e  # trains or runs tools: see setup.cfg

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.mark.parametrize('setup', [
    'retina-r101_retina-r50_2x_dior',
    'rotated-retina-r101_rotated-retina-r50_1x_dota'
])
def test_every_method_runs_a_step(setup):
    variants = ['student', 'floor', *METHODS, 'admd@bf16', 'floor@fp32+cl']
    lines = []
    costs = benchmark_kd_cost(
        setup,
        variants,
        batch_size=1,
        size=256,  # FBKD pools P3 by 8 and P7 by 2: 256 px at least
        num_boxes=3,
        rounds=2,
        warmup=0,
        tiny=True,
        measure_memory=False,
        log=lines.append)
    assert list(costs) == variants
    for cost in costs.values():
        assert len(cost.seconds) == 2 and cost.median_s > 0
    table = format_costs(costs)
    assert '| floor |' in table and '| 1.000 |' in table
    assert len(lines) == len(variants) + 2  # builds, then rounds


def test_teacher_layout_suffix():
    setup = 'retina-r101_retina-r50_2x_dior'
    for variant, expected in (('floor@bf16', None), ('admd@bf16+nocl', False),
                              ('floor@fp32+cl', True)):
        model = _build_variant(setup, variant, True, torch.device('cpu'))[0]
        assert model.teacher_channels_last is expected
    with pytest.raises(ValueError, match='"cl" or "nocl"'):
        _build_variant(setup, 'admd@bf16+nhwc', True, torch.device('cpu'))


def test_unknown_names_are_errors():
    with pytest.raises(ValueError, match='unknown method'):
        method_config('retina-r101_retina-r50_2x_dior', 'kd')
    with pytest.raises(ValueError, match='unknown setup'):
        method_config('yolo', 'admd')


def test_tool_writes_results(tmp_path):
    out = tmp_path / 'cost'
    subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools', 'analysis', 'benchmark_kd_cost.py'),
        '--tiny', '--size', '128', '--batch-size', '1', '--rounds', '1',
        '--warmup', '0', '--variants', 'student', 'admd',
        '--out', str(out)
    ], check=True, cwd=str(tmp_path))
    results = json.load(open(out / 'results.json'))
    assert list(results['variants']) == ['student', 'admd']
    # CPU memory: measured in one fresh process per variant.
    for name, variant in results['variants'].items():
        assert variant['median_mb'] > 0, name
    assert '| admd |' in (out / 'results.md').read_text()


def test_memory_only_mode():
    costs = benchmark_kd_cost(
        'retina-r101_retina-r50_2x_dior', ['admd'],
        batch_size=1,
        size=128,
        rounds=0,
        tiny=True,
        log=lambda _: None)
    assert costs['admd'].seconds == [] and costs['admd'].median_mb > 0
    row = format_costs(costs).splitlines()[-1]
    assert row.startswith('| admd | - | - | ')


def test_report_merges_time_and_memory_runs(tmp_path):
    from mmadmd.benchmarks.kd_cost import load_costs

    def write(name, settings, variants):
        path = tmp_path / name
        path.write_text(json.dumps(dict(settings=settings,
                                        variants=variants)))
        return str(path)

    timed = write('time.json', dict(device='cpu'), {
        'floor': dict(seconds=[2.0, 4.0], peak_mb=[1.0]),
        'admd': dict(seconds=[1.0, 4.0], peak_mb=[1.0])
    })
    memory = write('memory.json',
                   dict(device='cpu', memory='first step in a fresh '
                        'process'), {
                            'floor': dict(seconds=[], peak_mb=[100.0]),
                            'admd': dict(seconds=[], peak_mb=[120.0])
                        })
    costs = load_costs(timed, memory)
    # Old CPU memory (in-process RSS) is ignored, the fresh-process kept.
    assert costs['admd'].peak_mb == [120.0]
    assert costs['admd'].seconds == [1.0, 4.0]
    row = format_costs(costs).splitlines()[-1]
    # of medians 2.5 / 3.0; per round median(0.5, 1.0) = 0.75
    assert row == '| admd | 2.500 | 0.833 | 0.750 | 120 |'
