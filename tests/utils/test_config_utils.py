# Copyright (c) mmadmd contributors. All rights reserved.
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmadmd.utils import adapt_data, config_path


def _dior_cfg() -> Config:
    # DIOR's train split is a ConcatDataset of train and val (a wrapper).
    return Config.fromfile(
        config_path('demo', 'retinanet_r18-w16_fpn_demo_synthetic-dior.py'))


def test_adapt_data_points_every_dataset_at_the_new_root_and_size(
        dior_root):
    cfg = adapt_data(
        _dior_cfg(), data_root=dior_root, img_scale=(96, 64), batch_size=3)
    train = cfg.train_dataloader
    assert train.batch_size == 3
    assert [d.data_root for d in train.dataset.datasets] == [dior_root] * 2
    assert cfg.test_dataloader.dataset.data_root == dior_root
    resize = [
        t for t in cfg.val_dataloader.dataset.pipeline
        if t['type'].endswith('Resize')
    ]
    assert resize and all(t['scale'] == (96, 64) for t in resize)
    # Workers untouched unless asked for.
    assert 'serialize_data' not in cfg.val_dataloader.dataset


def test_adapt_data_without_workers_does_not_serialize(dior_root):
    cfg = adapt_data(_dior_cfg(), data_root=dior_root, num_workers=0)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[key].num_workers == 0
        assert cfg[key].persistent_workers is False
    # Leaf datasets only: mmengine's ConcatDataset takes no such argument.
    assert 'serialize_data' not in cfg.train_dataloader.dataset
    assert [d.serialize_data for d in cfg.train_dataloader.dataset.datasets
            ] == [False, False]
    assert cfg.val_dataloader.dataset.serialize_data is False
    init_default_scope(cfg.default_scope)
    loader = Runner.build_dataloader(cfg.train_dataloader)
    assert len(loader.dataset) > 0
    assert not loader.dataset.datasets[0].serialize_data
