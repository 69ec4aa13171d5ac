# Training schedules: 1x, 2x and 3x (12, 24, 36 epochs, learning rate x0.1
# at 2/3 and 11/12 of training, 500 iterations of linear warm-up). The paper
# stresses prolonged schedules, hence 3x.
#
# Each schedule is one key, so this file can be inherited beside a full
# mmdet/mmrotate config (mmengine forbids duplicate keys among bases).
# Configs apply one with:
#   train_cfg = _base_.schedule_2x.train_cfg
#   param_scheduler = _base_.schedule_2x.param_scheduler


def _schedule(epochs, milestones):
    return dict(
        train_cfg=dict(
            _delete_=True,
            type='EpochBasedTrainLoop',
            max_epochs=epochs,
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
                end=epochs,
                by_epoch=True,
                milestones=milestones,
                gamma=0.1)
        ])


schedule_1x = _schedule(12, [8, 11])
schedule_2x = _schedule(24, [16, 22])
schedule_3x = _schedule(36, [27, 33])

# Stop at the first non-finite loss, naming the terms and the iteration
# (mmdet's CheckInvalidLossHook, with a message). Configs apply it with:
#   default_hooks = dict(check_loss=_base_.finite_loss_hook)
finite_loss_hook = dict(type='mmadmd.FiniteLossHook', interval=1)
