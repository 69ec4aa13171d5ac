# Copyright (c) mmadmd contributors. All rights reserved.
"""export_student refuses to replace an export unless asked to."""
import os.path as osp
import subprocess
import sys

import pytest

from mmadmd.apis import export_student

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.mark.parametrize('existing', ['student.pth', 'student_config.py'])
def test_existing_export_is_not_replaced(tmp_path, existing):
    (tmp_path / existing).write_text('an earlier export')
    with pytest.raises(FileExistsError) as info:
        export_student('admd.py', 'epoch_24.pth', str(tmp_path))
    assert str(info.value) == (
        f'{tmp_path} already holds an export ({tmp_path / existing}): '
        'choose another --out-dir, or pass --overwrite (overwrite=True) to '
        'replace it.')
    assert (tmp_path / existing).read_text() == 'an earlier export'


def test_tool_has_overwrite_option(tmp_path):
    (tmp_path / 'student.pth').write_text('an earlier export')
    tool = osp.join(ROOT, 'tools', 'export_student.py')
    out = subprocess.run(
        [sys.executable, tool, 'admd.py', 'epoch_24.pth', '--out-dir',
         str(tmp_path)],
        capture_output=True, text=True, timeout=300)
    assert out.returncode != 0
    assert 'already holds an export' in out.stderr
    # with --overwrite the tool goes on (and stops at the missing config)
    out = subprocess.run(
        [sys.executable, tool, 'admd.py', 'epoch_24.pth', '--out-dir',
         str(tmp_path), '--overwrite'],
        capture_output=True, text=True, timeout=300)
    assert out.returncode != 0
    assert 'already holds an export' not in out.stderr
    assert 'admd.py' in out.stderr
