# Copyright (c) mmadmd contributors. All rights reserved.
"""mmadmd's registries.

``ADMDLoss`` and ``DiscrepancyMaskRecorder`` are registered in mmrazor's
``MODELS`` and ``TASK_UTILS`` themselves, so ``type='ADMDLoss'`` works in any
mmrazor-scoped distiller. The registries here add the ``mmadmd`` scope:

- ``MODELS`` and ``TASK_UTILS`` are children of mmrazor's, so a model built
  with ``_scope_='mmadmd'`` finds every mmrazor component, and mmengine
  imports ``mmadmd`` (with its mmrazor compat) by itself when it meets that
  scope: configs work even when ``custom_imports`` was replaced by
  inheritance.
- ``DATASETS`` is a child of mmdet's: ``type='mmadmd.DIORHBBDataset'``
  imports mmadmd by itself from an mmdet-scoped config.
- ``HOOKS`` and ``LOOPS`` are children of mmengine's root, so
  ``dict(type='mmadmd.WeightIncreasingHook')`` and
  ``dict(type='mmadmd.FrozenTeacherDistillValLoop')`` work in mmdet-,
  mmrotate- and mmrazor-scoped configs alike.
"""
from mmdet.registry import DATASETS as MMDET_DATASETS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import Registry
from mmrazor.registry import MODELS as MMRAZOR_MODELS
from mmrazor.registry import TASK_UTILS as MMRAZOR_TASK_UTILS

MODELS = Registry(
    'model', parent=MMRAZOR_MODELS, scope='mmadmd', locations=['mmadmd.models'])
TASK_UTILS = Registry(
    'task util',
    parent=MMRAZOR_TASK_UTILS,
    scope='mmadmd',
    locations=['mmadmd.models'])
DATASETS = Registry(
    'dataset',
    parent=MMDET_DATASETS,
    scope='mmadmd',
    locations=['mmadmd.datasets'])
HOOKS = Registry(
    'hook',
    parent=MMENGINE_HOOKS,
    scope='mmadmd',
    locations=['mmadmd.engine.hooks'])
LOOPS = Registry(
    'loop',
    parent=MMENGINE_LOOPS,
    scope='mmadmd',
    locations=['mmadmd.engine.runner'])

__all__ = ['MODELS', 'TASK_UTILS', 'DATASETS', 'HOOKS', 'LOOPS']
