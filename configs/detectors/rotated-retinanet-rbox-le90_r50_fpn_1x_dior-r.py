# Rotated RetinaNet R50 on DIOR-R: mmrotate's model, mmadmd's data pieces.
_base_ = [
    'mmrotate::rotated_retinanet/rotated-retinanet-rbox-le90_r50_fpn_1x_dior.py',
    '../_base_/datasets/dior_r.py', '../_base_/schedules.py'
]
train_dataloader = _base_.dior_r_data.train_dataloader
val_dataloader = _base_.dior_r_data.val_dataloader
test_dataloader = _base_.dior_r_data.test_dataloader
val_evaluator = _base_.dior_r_data.val_evaluator
test_evaluator = _base_.dior_r_data.test_evaluator
train_cfg = _base_.schedule_1x.train_cfg
param_scheduler = _base_.schedule_1x.param_scheduler
default_hooks = dict(check_loss=_base_.finite_loss_hook)
