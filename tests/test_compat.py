# Copyright (c) mmadmd contributors. All rights reserved.
"""mmrazor 1.0.0 must import on this torch through mmadmd.compat."""
import subprocess
import sys

import pytest
import torch

from mmadmd import compat


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-c', code],
                          capture_output=True,
                          text=True,
                          timeout=300)


@pytest.mark.parametrize('mmrazor_version, torch_version, expected', [
    ('1.0.0', '2.13.0+cu130', True),
    ('1.0.0', '2.1.0', True),
    ('1.0.0', '1.13.1', False),
    ('1.1.0', '2.13.0', False),
])
def test_needs_patch(mmrazor_version, torch_version, expected):
    assert compat.needs_patch(mmrazor_version, torch_version) is expected


def test_plain_mmrazor_fails_without_compat():
    """The failure the compat module exists for (guards against a no-op)."""
    result = _run('import mmrazor.models')
    assert result.returncode != 0
    assert 'torch>=1.13' in result.stderr


def test_mmrazor_models_import_after_mmadmd():
    result = _run(
        'import mmadmd, mmdet.models, mmrotate.models, mmrazor.models\n'
        'from mmrazor.structures.quantization import BackendConfigs\n'
        'assert all(v is None for v in BackendConfigs.values())\n'
        'from mmrazor.structures.quantization import '
        'get_native_backend_config\n'
        'try:\n'
        '    get_native_backend_config()\n'
        'except RuntimeError as e:\n'
        '    assert "torch 1.13" in str(e), e\n'
        'else:\n'
        '    raise SystemExit("getter did not raise")\n')
    assert result.returncode == 0, result.stderr


def test_compat_recovers_after_failed_import():
    result = _run('try:\n    import mmrazor.models\nexcept ImportError:\n'
                  '    pass\nelse:\n    raise SystemExit("imported")\n'
                  'import mmadmd\nimport mmrazor.models\n')
    assert result.returncode == 0, result.stderr


def test_fpn_teacher_distill_builds():
    from mmrazor.models import FpnTeacherDistill
    from mmrazor.registry import MODELS
    from toy import distill_model_cfg

    model = MODELS.build(distill_model_cfg())
    assert isinstance(model, FpnTeacherDistill)
    losses = model.loss(torch.rand(2, 3, 16, 16))
    assert set(losses) == {'student.loss_task', 'distill.loss_admd'}


def test_nms_rotated_runs():
    from mmcv.ops import nms_rotated
    boxes = torch.tensor([[5., 5., 4., 2., 0.3], [5., 5., 4., 2., 0.31],
                          [20., 20., 4., 2., 0.]])
    _, keep = nms_rotated(boxes, torch.tensor([0.9, 0.8, 0.7]), 0.5)
    assert keep.tolist() == [0, 2]
