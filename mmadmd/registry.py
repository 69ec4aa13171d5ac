# Copyright (c) mmadmd contributors. All rights reserved.
"""mmadmd's registries, and the one rule for where a class registers.

Rule: **a class registers where the builder that builds it looks.**

* A *part* of another package's component (a loss or recorder that
  mmrazor's ``ConfigurableDistiller`` builds, an IoU calculator that an
  mmrotate assigner builds, a model wrapper that mmengine's runner builds)
  registers in that package's registry, so a config names it by its bare
  name, beside the package's own parts (``type='ADMDLoss'`` next to
  ``type='ModuleOutputs'``).
* What a config names at its own level (the distillation algorithm,
  ``ConfigModel``, datasets, hooks, loops) registers in mmadmd's registries
  below, all with scope ``mmadmd``. A config writes ``mmadmd.X`` from any
  scope (mmengine then imports mmadmd by itself, so configs do not depend
  on ``custom_imports``, which inheritance replaces), or the bare name in a
  dict with ``_scope_='mmadmd'``. Each registry is a child of the registry
  whose components such a config uses by bare name: ``MODELS`` of
  mmrazor's (a distiller built in the ``mmadmd`` scope finds
  ``ConfigurableDistiller``), ``DATASETS`` of mmdet's (transforms and
  metrics of mmdet), ``HOOKS`` and ``LOOPS`` of mmengine's root (usable
  from mmdet, mmrotate and mmrazor scopes alike).

========================================  ==========================  ====================================
class                                     registry                    config spelling
========================================  ==========================  ====================================
``ADMDLoss``, ``FGDLoss``                 mmrazor ``MODELS``          ``type='ADMDLoss'`` in a distiller
``DiscrepancyMaskRecorder``               mmrazor ``TASK_UTILS``      ``type='DiscrepancyMask'`` [#]_
``HBoxOverlaps2D``                        mmrotate ``TASK_UTILS``     ``iou_calculator=dict(type=...)``
``CPUDistributedDataParallel``            mmengine ``MODEL_WRAPPERS`` ``model_wrapper_cfg=dict(type=...)``
``PrecisionFpnTeacherDistill``            mmadmd ``MODELS``           ``_scope_='mmadmd'`` (or ``mmadmd.``)
``ConfigModel``                           mmadmd ``MODELS``           ``type='mmadmd.ConfigModel'``
``DIORHBBDataset``, ``NWPUVHR10Dataset``  mmadmd ``DATASETS``         ``type='mmadmd.DIORHBBDataset'``
hooks (``WeightIncreasingHook``, ...)     mmadmd ``HOOKS``            ``type='mmadmd.WeightIncreasingHook'``
``FrozenTeacherDistillValLoop``           mmadmd ``LOOPS``            ``type='mmadmd.FrozenTeacher...'``
========================================  ==========================  ====================================

.. [#] mmrazor's ``RecorderManager`` appends ``Recorder`` to the type.

``tests/test_registry.py`` checks this table.
"""
from mmdet.registry import DATASETS as MMDET_DATASETS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import Registry
from mmrazor.registry import MODELS as MMRAZOR_MODELS

MODELS = Registry(
    'model', parent=MMRAZOR_MODELS, scope='mmadmd', locations=['mmadmd.models'])
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

__all__ = ['MODELS', 'DATASETS', 'HOOKS', 'LOOPS']
