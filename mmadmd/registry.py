# Copyright (c) mmadmd contributors. All rights reserved.
"""mmadmd's registries.

Losses and recorders go straight into mmrazor's ``MODELS`` and
``TASK_UTILS`` (they are used inside mmrazor distillers). Hooks get a
registry of their own under mmengine's root, so every downstream scope
reaches them with one spelling: ``dict(type='mmadmd.WeightIncreasingHook')``
works in mmdet-, mmrotate- and mmrazor-scoped configs alike.
"""
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import Registry

HOOKS = Registry(
    'hook',
    parent=MMENGINE_HOOKS,
    scope='mmadmd',
    locations=['mmadmd.engine.hooks'])

__all__ = ['HOOKS']
