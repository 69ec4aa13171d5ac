# Copyright (c) mmadmd contributors. All rights reserved.
"""mmrazor 1.0.0 must import on this torch through mmadmd.compat (the
start-up hook itself: tests/test_startup.py)."""
import os
import subprocess
import sys

import torch


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-c', code],
                          capture_output=True,
                          text=True,
                          timeout=300,
                          env=dict(os.environ, **env))


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
    # Without the start-up hook (interpreter started with -S, or a clone on
    # PYTHONPATH), importing mmadmd after the failure repairs the import.
    result = _run('try:\n    import mmrazor.models\nexcept ImportError:\n'
                  '    pass\nelse:\n    raise SystemExit("imported")\n'
                  'import mmadmd\nimport mmrazor.models\n',
                  MMADMD_NO_STARTUP='1')
    assert result.returncode == 0, result.stderr


def test_fpn_teacher_distill_builds():
    from mmrazor.models import FpnTeacherDistill
    from mmrazor.registry import MODELS
    from mmadmd.testing.toy import distill_model_cfg

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
