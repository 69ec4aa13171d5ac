# DIOR with horizontal boxes (`Annotations/Horizontal Bounding Boxes/`, VOC
# XML) for mmdet detectors: mmadmd's DIORHBBDataset, VOC-style mAP@0.5.
# Trains on train + val (JPEGImages-trainval/), evaluates on test
# (JPEGImages-test/), as the DIOR benchmark does.
#
# Keys are prefixed `dior_` so that this file can be inherited beside a full
# mmdet config (mmengine forbids duplicate keys among bases); configs apply
# `dior_data` with: train_dataloader = _base_.dior_data.train_dataloader
# (and the same for val/test dataloaders and evaluators).
dior_data_root = 'data/DIOR/'
dior_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=(800, 800), keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
dior_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(800, 800), keep_ratio=True),
    # after Resize, so that the boxes keep their original scale
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]
dior_train_dataloader = dict(
    _delete_=True,
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='AspectRatioBatchSampler'),
    dataset=dict(
        type='ConcatDataset',
        datasets=[
            dict(
                type='mmadmd.DIORHBBDataset',
                data_root=dior_data_root,
                ann_file=f'ImageSets/Main/{split}.txt',
                img_subdir='JPEGImages-trainval',
                filter_cfg=dict(filter_empty_gt=True, min_size=2),
                pipeline=dior_train_pipeline) for split in ('train', 'val')
        ]))
dior_test_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='mmadmd.DIORHBBDataset',
        data_root=dior_data_root,
        ann_file='ImageSets/Main/test.txt',
        img_subdir='JPEGImages-test',
        test_mode=True,
        pipeline=dior_test_pipeline))
dior_evaluator = dict(
    _delete_=True, type='VOCMetric', metric='mAP', eval_mode='area')
dior_data = dict(
    train_dataloader=dior_train_dataloader,
    val_dataloader=dior_test_dataloader,
    test_dataloader=dior_test_dataloader,
    val_evaluator=dior_evaluator,
    test_evaluator=dior_evaluator)
