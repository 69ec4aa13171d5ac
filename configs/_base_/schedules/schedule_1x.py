# 1x schedule: 12 epochs, learning rate x0.1 at epochs 8 and 11.
#
# One key, schedule_1x, so that it can be inherited beside a full
# mmdet/mmrotate config and beside other schedules (mmengine forbids
# duplicate keys among bases). Configs apply it with:
#   train_cfg = _base_.schedule_1x.train_cfg
#   param_scheduler = _base_.schedule_1x.param_scheduler
schedule_1x = dict(
    train_cfg=dict(
        _delete_=True,
        type='EpochBasedTrainLoop',
        max_epochs=12,
        val_interval=1),
    param_scheduler=[
        dict(
            type='LinearLR',
            start_factor=0.001,
            by_epoch=False,
            begin=0,
            end=500),
        dict(
            type='MultiStepLR',
            begin=0,
            end=12,
            by_epoch=True,
            milestones=[8, 11],
            gamma=0.1)
    ])
