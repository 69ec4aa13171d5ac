# DIOR-R: DIOR with oriented boxes (`Annotations/Oriented Bounding Boxes/`),
# read by mmrotate's DIORDataset and evaluated with DOTAMetric (mAP@0.5).
# Trains on train + val, evaluates on test, as the DIOR-R benchmark does.
# The pipelines are DOTA's (./dota.py) at DIOR's 800x800.
#
# Keys are prefixed `dior_r_` so that this file can be inherited beside a full
# mmrotate config; configs apply `dior_r_data` as for DOTA (see dota.py).
_base_ = './dota.py'

dior_r_data_root = 'data/DIOR/'


def _at_800(pipeline):
    return [
        dict(t, scale=(800, 800)) if t['type'] == 'mmdet.Resize' else t
        for t in pipeline
    ]


dior_r_train_pipeline = _at_800(_base_.dota_train_pipeline)
dior_r_test_pipeline = _at_800(_base_.dota_test_pipeline)
dior_r_train_dataloader = dict(
    _base_.dota_train_dataloader,
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
                pipeline=dior_r_train_pipeline) for split in ('train', 'val')
        ]))
dior_r_val_dataloader = dict(
    _base_.dota_val_dataloader,
    dataset=dict(
        type='mmrotate.DIORDataset',
        data_root=dior_r_data_root,
        ann_file='ImageSets/Main/test.txt',
        data_prefix=dict(img_path='JPEGImages-test'),
        test_mode=True,
        pipeline=dior_r_test_pipeline))
dior_r_data = dict(
    _base_.dota_data,
    train_dataloader=dior_r_train_dataloader,
    val_dataloader=dior_r_val_dataloader,
    test_dataloader=dior_r_val_dataloader)
