# Copyright (c) mmadmd contributors. All rights reserved.
"""mmrazor 1.0.0 must import on this torch through mmadmd.compat (the
start-up hook itself: tests/test_startup.py)."""
import os
import pickle
import subprocess
import sys

import pytest
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
    result = _run(
        'try:\n    import mmrazor.models\nexcept ImportError:\n'
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


def _mmengine_checkpoint(path) -> None:
    """What a runner checkpoint's meta holds: the message hub with its
    HistoryBuffers (numpy arrays) and numpy scalars."""
    import numpy as np
    from mmengine.logging import MessageHub
    hub = MessageHub.get_instance('mmadmd-test-checkpoint')
    hub.update_scalar('train/loss', np.float64(0.5))
    hub.update_info('admd_ratio', np.float32(1.5))
    torch.save(
        dict(
            meta=dict(message_hub=hub.state_dict(), seed=np.int64(3)),
            state_dict={'w': torch.ones(2)}), path)


def test_checkpoint_safe_globals_cover_mmengine_checkpoints(tmp_path):
    """What mmengine 0.10.x on torch >= 2.6 needs (compat.py): a safe load
    with exactly these types."""
    from mmadmd.compat import checkpoint_safe_globals
    path = str(tmp_path / 'ckpt.pth')
    _mmengine_checkpoint(path)
    # As torch sees it before mmadmd registers anything (it does on
    # mmengine 0.10.x at import).
    registered = torch.serialization.get_safe_globals()
    torch.serialization.clear_safe_globals()
    try:
        needed = torch.serialization.get_unsafe_globals_in_checkpoint(path)
    finally:
        torch.serialization.add_safe_globals(registered)
    assert any('HistoryBuffer' in name for name in needed), needed
    allowed = {
        g[1] if isinstance(g, tuple) else f'{g.__module__}.{g.__qualname__}'
        for g in checkpoint_safe_globals()
    }
    assert set(needed) <= allowed, set(needed) - allowed
    with torch.serialization.safe_globals(checkpoint_safe_globals()):
        ckpt = torch.load(path, weights_only=True)
    hub = ckpt['meta']['message_hub']
    assert float(hub['log_scalars']['train/loss'].current()) == 0.5
    assert hub['runtime_info']['admd_ratio'] == 1.5
    # The getattr stand-in gives HistoryBuffer's statistics methods only.
    from mmengine.logging import HistoryBuffer
    from mmadmd.compat import history_buffer_method
    assert history_buffer_method(HistoryBuffer, 'mean') is HistoryBuffer.mean
    for owner, name in ((HistoryBuffer, '__init__'), (torch, 'load')):
        with pytest.raises(pickle.UnpicklingError, match='weights_only'):
            history_buffer_method(owner, name)


def test_mmengine_010_loads_checkpoints_on_this_torch(tmp_path):
    """mmengine before 0.11 calls torch.load without weights_only; on torch
    >= 2.6 ``import mmadmd`` registers the checkpoint types (nothing else)."""
    path = str(tmp_path / 'ckpt.pth')
    _mmengine_checkpoint(path)
    result = _run(
        'import mmengine, torch\n'
        'from mmengine.utils import digit_version\n'
        'mmengine.__version__ = "0.10.7"  # what the shim decides on\n'
        'load = lambda: torch.load(%r)\n'
        'new_torch = digit_version(torch.__version__) >= '
        'digit_version("2.6.0")\n'
        'if new_torch:\n'
        '    try:\n'
        '        load()\n'
        '    except Exception as e:\n'
        '        assert "Weights only load failed" in str(e), e\n'
        '    else:\n'
        '        raise SystemExit("loaded without the shim")\n'
        'from mmadmd.compat import allow_mmengine_checkpoints\n'
        'assert allow_mmengine_checkpoints() is new_torch\n'
        'assert load()["meta"]["seed"] == 3\n'
        'import pickle, fractions\n'
        'try:  # a type nobody registered is still refused\n'
        '    torch.save({"x": fractions.Fraction(1, 3)}, %r)\n'
        '    torch.load(%r)\n'
        'except pickle.UnpicklingError:\n'
        '    pass\n'
        'else:\n'
        '    assert not new_torch, "weights_only was switched off"\n' %
        (path, path + '2', path + '2'),
        MMADMD_NO_STARTUP='1')
    assert result.returncode == 0, result.stderr
