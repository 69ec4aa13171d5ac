# Real-data benchmark teacher, GFL: the RetinaNet teacher's backbone, FPN
# width, data, crops, optimizer and schedule (inherited), with mmdet's GFL
# head, ATSS assignment and FPN extras (mmdet::gfl/gfl_r50_fpn_1x_coco.py:
# quality focal loss, distribution focal loss, GIoU) at the CPU width. The
# GPU counterpart is ../detectors/gfl_r101_fpn_2x_nwpu.py.
_base_ = './retinanet_r34-w32_fpn_cpu_nwpu.py'
model = dict(
    type='GFL',
    neck=dict(add_extra_convs='on_output'),
    bbox_head=dict(
        _delete_=True,
        type='GFLHead',
        num_classes=10,
        in_channels=64,
        stacked_convs=2,
        feat_channels=64,
        anchor_generator=dict(
            type='AnchorGenerator',
            ratios=[1.0],
            octave_base_scale=8,
            scales_per_octave=1,
            strides=[8, 16, 32, 64, 128]),
        loss_cls=dict(
            type='QualityFocalLoss',
            use_sigmoid=True,
            beta=2.0,
            loss_weight=1.0),
        loss_dfl=dict(type='DistributionFocalLoss', loss_weight=0.25),
        reg_max=16,
        loss_bbox=dict(type='GIoULoss', loss_weight=2.0)),
    train_cfg=dict(
        _delete_=True,
        assigner=dict(type='ATSSAssigner', topk=9),
        allowed_border=-1,
        pos_weight=-1,
        debug=False),
    test_cfg=dict(nms=dict(iou_threshold=0.6)))
