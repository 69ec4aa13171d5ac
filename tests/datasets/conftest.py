# Copyright (c) mmadmd contributors. All rights reserved.
import pytest
from mmengine.registry import DefaultScope


@pytest.fixture(autouse=True)
def default_scope(request):
    """Build in a fixed scope, whatever scope earlier tests left behind:
    mmrotate for DOTA, DIOR-R and mmrotate tests, mmdet for the others."""
    name = request.module.__name__ + '::' + request.node.name
    rotated = any(k in name for k in ('dior_r', 'dota', 'mmrotate'))
    with DefaultScope.overwrite_default_scope(
            'mmrotate' if rotated else 'mmdet'):
        yield
