# DOTA v1.0 split into 1024x1024 patches with gap 200 (mmrotate's split
# tool, wrapped by tools/dataset_converters/split_dota.py) for mmrotate's
# DOTADataset, evaluated with DOTAMetric (mAP@0.5, rotated IoU).
#
# Layout: data/split_ss_dota/{train,val}/{images,annfiles}. DOTA's test
# labels are not public, so validation and test use the val split.
#
# Keys are prefixed `dota_` so that this file can be inherited beside a full
# mmrotate config (mmengine forbids duplicate keys among bases); configs
# apply `dota_data` with: train_dataloader = _base_.dota_data.train_dataloader
# (and the same for val/test dataloaders and evaluators).
dota_data_root = 'data/split_ss_dota/'
dota_train_pipeline = [
    dict(type='mmdet.LoadImageFromFile'),
    dict(type='mmdet.LoadAnnotations', with_bbox=True, box_type='qbox'),
    dict(type='ConvertBoxType', box_type_mapping=dict(gt_bboxes='rbox')),
    dict(type='mmdet.Resize', scale=(1024, 1024), keep_ratio=True),
    dict(
        type='mmdet.RandomFlip',
        prob=0.75,
        direction=['horizontal', 'vertical', 'diagonal']),
    dict(type='mmdet.PackDetInputs')
]
dota_test_pipeline = [
    dict(type='mmdet.LoadImageFromFile'),
    dict(type='mmdet.Resize', scale=(1024, 1024), keep_ratio=True),
    # after Resize, so that the boxes keep their original scale
    dict(type='mmdet.LoadAnnotations', with_bbox=True, box_type='qbox'),
    dict(type='ConvertBoxType', box_type_mapping=dict(gt_bboxes='rbox')),
    dict(
        type='mmdet.PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]
dota_train_dataloader = dict(
    _delete_=True,
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=None,
    dataset=dict(
        type='mmrotate.DOTADataset',
        data_root=dota_data_root,
        ann_file='train/annfiles/',
        data_prefix=dict(img_path='train/images/'),
        filter_cfg=dict(filter_empty_gt=True),
        pipeline=dota_train_pipeline))
dota_val_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='mmrotate.DOTADataset',
        data_root=dota_data_root,
        ann_file='val/annfiles/',
        data_prefix=dict(img_path='val/images/'),
        test_mode=True,
        pipeline=dota_test_pipeline))
dota_val_evaluator = dict(
    _delete_=True, type='mmrotate.DOTAMetric', metric='mAP')
dota_data = dict(
    train_dataloader=dota_train_dataloader,
    val_dataloader=dota_val_dataloader,
    test_dataloader=dota_val_dataloader,
    val_evaluator=dota_val_evaluator,
    test_evaluator=dota_val_evaluator)
