# Copyright (c) mmadmd contributors. All rights reserved.
import pytest
from mmengine.registry import DefaultScope


@pytest.fixture(autouse=True)
def default_scope():
    """Build mmrotate's DIOR / DOTA datasets in mmrotate's scope, whatever
    scope earlier tests left behind."""
    with DefaultScope.overwrite_default_scope('mmrotate'):
        yield
