# Copyright (c) mmadmd contributors. All rights reserved.
"""The registry table at the top of ``mmadmd/registry.py``: every class is
found under the spelling the table gives, from the registry a config of
that kind is built with."""
import pytest
from mmdet.registry import DATASETS as MMDET_DATASETS
from mmengine.registry import HOOKS, LOOPS, MODEL_WRAPPERS, DefaultScope
from mmrazor.registry import MODELS as MMRAZOR_MODELS
from mmrazor.registry import TASK_UTILS as MMRAZOR_TASK_UTILS
from mmrotate.registry import DATASETS as MMROTATE_DATASETS
from mmrotate.registry import TASK_UTILS as MMROTATE_TASK_UTILS

import mmadmd
from mmadmd import registry
from mmadmd.datasets import DIORHBBDataset, NWPUVHR10Dataset
from mmadmd.engine import (DiscrepancyMaskVisualizationHook, FiniteLossHook,
                           FrozenTeacherDistillValLoop, WeightIncreasingHook)
from mmadmd.engine.dist import CPUDistributedDataParallel
from mmadmd.models import (ADMDLoss, ConfigModel, DiscrepancyMaskRecorder,
                           FGDLoss, PrecisionFpnTeacherDistill)
from mmadmd.models.task_modules import HBoxOverlaps2D

# (upstream registry, spelling, class): parts of other packages' components
# by their bare names.
PARTS = [
    (MMRAZOR_MODELS, 'ADMDLoss', ADMDLoss),
    (MMRAZOR_MODELS, 'FGDLoss', FGDLoss),
    # mmrazor's RecorderManager appends 'Recorder' to type='DiscrepancyMask'
    (MMRAZOR_TASK_UTILS, 'DiscrepancyMaskRecorder', DiscrepancyMaskRecorder),
    (MMROTATE_TASK_UTILS, 'HBoxOverlaps2D', HBoxOverlaps2D),
    (MODEL_WRAPPERS, 'CPUDistributedDataParallel',
     CPUDistributedDataParallel),
]
# (mmadmd registry, class): what configs name at their own level.
OWN = [
    (registry.MODELS, PrecisionFpnTeacherDistill),
    (registry.MODELS, ConfigModel),
    (registry.DATASETS, DIORHBBDataset),
    (registry.DATASETS, NWPUVHR10Dataset),
    (registry.HOOKS, WeightIncreasingHook),
    (registry.HOOKS, FiniteLossHook),
    (registry.HOOKS, DiscrepancyMaskVisualizationHook),
    (registry.LOOPS, FrozenTeacherDistillValLoop),
]


@pytest.mark.parametrize('upstream,name,cls', PARTS)
def test_parts_by_bare_name(upstream, name, cls):
    assert upstream.get(name) is cls


@pytest.mark.parametrize('own,cls', OWN)
def test_own_classes_in_mmadmd_scope(own, cls):
    assert own.scope == 'mmadmd'
    assert own.get(cls.__name__) is cls
    # ... and nowhere upstream by the bare name
    assert own.parent.get(cls.__name__) is None


@pytest.mark.parametrize('upstream,own,cls', [
    (MMDET_DATASETS, registry.DATASETS, DIORHBBDataset),
    (MMROTATE_DATASETS, registry.DATASETS, NWPUVHR10Dataset),
    (HOOKS, registry.HOOKS, WeightIncreasingHook),
    (LOOPS, registry.LOOPS, FrozenTeacherDistillValLoop),
    (MMRAZOR_MODELS, registry.MODELS, ConfigModel),
])
def test_prefixed_name_from_other_scopes(upstream, own, cls):
    assert upstream.get(f'mmadmd.{cls.__name__}') is cls


def test_bare_names_in_mmadmd_scope_find_mmrazor_parts():
    # A distiller built with _scope_='mmadmd' finds mmrazor's own parts.
    with DefaultScope.overwrite_default_scope('mmadmd'):
        models = MMRAZOR_MODELS.switch_scope_and_registry('mmadmd')
        with models as found:
            assert found is registry.MODELS
            assert found.get('ConfigurableDistiller') is not None
            assert found.get('ADMDLoss') is ADMDLoss


def test_every_registered_class_is_in_the_table():
    listed = {cls for _, _, cls in PARTS} | {cls for _, cls in OWN}
    for own in (registry.MODELS, registry.DATASETS, registry.HOOKS,
                registry.LOOPS):
        own.import_from_location()
        assert set(own.module_dict.values()) <= listed, own
    # `mmadmd.X` from a scope without an mmadmd child registry (e.g. a
    # dataset from mmrotate's) resolves through the package's attributes.
    exported = {id(getattr(mmadmd, name)) for name in dir(mmadmd)}
    assert {c for c in listed if id(c) not in exported} == {HBoxOverlaps2D}
