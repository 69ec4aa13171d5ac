# DIOR-R: DIOR with oriented boxes (`Annotations/Oriented Bounding Boxes/`),
# read by mmrotate's DIORDataset and evaluated with DOTAMetric (mAP@0.5).
# Trains on train + val, evaluates on test, as the DIOR-R benchmark does.
#
# Keys are prefixed `dior_r_` so that this file can be inherited beside a full
# mmrotate config; configs apply `dior_r_data` as for DOTA (see dota.py).
dior_r_data_root = 'data/DIOR/'
dior_r_train_pipeline = [
    dict(type='mmdet.LoadImageFromFile'),
    dict(type='mmdet.LoadAnnotations', with_bbox=True, box_type='qbox'),
    dict(type='ConvertBoxType', box_type_mapping=dict(gt_bboxes='rbox')),
    dict(type='mmdet.Resize', scale=(800, 800), keep_ratio=True),
    dict(
        type='mmdet.RandomFlip',
        prob=0.75,
        direction=['horizontal', 'vertical', 'diagonal']),
    dict(type='mmdet.PackDetInputs')
]
dior_r_test_pipeline = [
    dict(type='mmdet.LoadImageFromFile'),
    dict(type='mmdet.Resize', scale=(800, 800), keep_ratio=True),
    dict(type='mmdet.LoadAnnotations', with_bbox=True, box_type='qbox'),
    dict(type='ConvertBoxType', box_type_mapping=dict(gt_bboxes='rbox')),
    dict(
        type='mmdet.PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]
dior_r_train_dataloader = dict(
    _delete_=True,
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=None,
    dataset=dict(
        type='ConcatDataset',
        ignore_keys=['DATASET_TYPE'],
        datasets=[
            dict(
                type='mmrotate.DIORDataset',
                data_root=dior_r_data_root,
                ann_file=f'ImageSets/Main/{split}.txt',
                data_prefix=dict(img_path='JPEGImages-trainval'),
                filter_cfg=dict(filter_empty_gt=True),
                pipeline=dior_r_train_pipeline)
            for split in ('train', 'val')
        ]))
dior_r_val_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='mmrotate.DIORDataset',
        data_root=dior_r_data_root,
        ann_file='ImageSets/Main/test.txt',
        data_prefix=dict(img_path='JPEGImages-test'),
        test_mode=True,
        pipeline=dior_r_test_pipeline))
dior_r_val_evaluator = dict(
    _delete_=True, type='mmrotate.DOTAMetric', metric='mAP')
dior_r_data = dict(
    train_dataloader=dior_r_train_dataloader,
    val_dataloader=dior_r_val_dataloader,
    test_dataloader=dior_r_val_dataloader,
    val_evaluator=dior_r_val_evaluator,
    test_evaluator=dior_r_val_evaluator)
