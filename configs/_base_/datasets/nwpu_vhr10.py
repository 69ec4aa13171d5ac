# NWPU VHR-10 (10 classes, horizontal boxes, the release layout) for mmdet
# detectors: mmadmd's NWPUVHR10Dataset, VOC mAP@0.5 (area), as the
# literature reports on this set.
# The release has no official split: mmadmd ships a seeded class-stratified
# one (nwpu_vhr10_split/, written by
# tools/dataset_converters/nwpu_vhr10_split.py): 405 train, 96 val and 149
# test images. Train on train, validate (and tune) on val, report on test.
#
# Keys are prefixed `nwpu_` so that this file can be inherited beside a full
# mmdet config (mmengine forbids duplicate keys among bases); configs apply
# `nwpu_data` with: train_dataloader = _base_.nwpu_data.train_dataloader
# (and the same for val/test dataloaders and evaluators).
nwpu_data_root = 'data/NWPU_VHR-10/'
nwpu_split_dir = '{{fileDirname}}/nwpu_vhr10_split/'
nwpu_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=(800, 800), keep_ratio=True),
    dict(
        type='RandomFlip',
        prob=0.75,
        direction=['horizontal', 'vertical', 'diagonal']),
    dict(type='PackDetInputs')
]
nwpu_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(800, 800), keep_ratio=True),
    # after Resize, so that the boxes keep their original scale
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]


def _nwpu_loader(split, batch_size, pipeline, train):
    return dict(
        _delete_=True,
        batch_size=batch_size,
        num_workers=2,
        persistent_workers=True,
        drop_last=False,
        sampler=dict(type='DefaultSampler', shuffle=train),
        dataset=dict(
            type='mmadmd.NWPUVHR10Dataset',
            data_root=nwpu_data_root,
            ann_file=nwpu_split_dir + split + '.txt',
            test_mode=not train,
            pipeline=pipeline))


nwpu_evaluator = dict(
    _delete_=True, type='VOCMetric', metric='mAP', eval_mode='area')
nwpu_data = dict(
    train_dataloader=dict(
        _nwpu_loader('train', 2, nwpu_train_pipeline, True),
        batch_sampler=dict(type='AspectRatioBatchSampler')),
    val_dataloader=_nwpu_loader('val', 1, nwpu_test_pipeline, False),
    test_dataloader=_nwpu_loader('test', 1, nwpu_test_pipeline, False),
    val_evaluator=nwpu_evaluator,
    test_evaluator=nwpu_evaluator)
