# Copyright (c) mmadmd contributors. All rights reserved.
"""The teacher-precision check: fp32 vs bf16 features of the real path."""
import pytest

from mmadmd.benchmarks.demo import (DEMOS, DemoSettings, generate_data,
                                     stage_config)
from mmadmd.benchmarks.teacher_precision import (format_precision_error,
                                                 teacher_precision_error)

pytestmark = pytest.mark.e2e  # trains or runs tools: see setup.cfg


@pytest.fixture(scope='module')
def admd_cfg(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('precision')
    settings = DemoSettings.quick()
    data_root = generate_data(str(tmp / 'data'), settings)
    admd_config = DEMOS['dior'][0][2]
    return stage_config(admd_config, str(tmp / 'work'), data_root, settings, 1)


def test_fp32_is_exact_and_bf16_is_rounding(admd_cfg):
    same = teacher_precision_error(admd_cfg, 'fp32', num_batches=1)
    # One row per FPN level of the demo teacher (P3..P7), batch of 2.
    assert [row['feature'] for row in same] == [f'fpn[{i}]' for i in range(5)]
    assert all(row['shape'][0] == 2 for row in same)
    assert all(row['rel_error'] == 0 == row['rel_error_normalized']
               for row in same)
    bf16 = teacher_precision_error(admd_cfg, 'bf16', num_batches=2)
    for row in bf16:
        # bf16 keeps 8 bits of mantissa: about 0.4 % per value, a few
        # tenths of a percent to about 1 % after a whole backbone.
        assert 0 < row['rel_error'] < 0.05, row
        # Standardizing 2 x 1 x 1 maps (P7 of 128 px) amplifies rounding.
        if row['shape'][2] >= 4:
            assert 0 < row['rel_error_normalized'] < 0.05, row
    table = format_precision_error(bf16, 'bf16')
    assert '| fpn[4] |' in table and 'bf16 vs fp32' in table


def test_bad_arguments(admd_cfg):
    with pytest.raises(ValueError, match='precision must be one of'):
        teacher_precision_error(admd_cfg, 'int8')
    with pytest.raises(ValueError, match='num_batches'):
        teacher_precision_error(admd_cfg, 'bf16', num_batches=0)
    plain = admd_cfg.copy()
    plain.model = dict(admd_cfg.model, type='mmrazor.FpnTeacherDistill')
    plain.model.pop('teacher_precision')
    with pytest.raises(TypeError, match='PrecisionFpnTeacherDistill'):
        teacher_precision_error(plain, 'bf16')
