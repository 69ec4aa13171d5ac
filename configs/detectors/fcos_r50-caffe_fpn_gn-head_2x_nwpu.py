# FCOS R50 (caffe style, GN head) on NWPU VHR-10: mmdet's model, mmadmd's data
# pieces and schedule.
_base_ = [
    'mmdet::fcos/fcos_r50-caffe_fpn_gn-head_1x_coco.py',
    '../_base_/datasets/nwpu_vhr10.py', '../_base_/schedules.py'
]
model = dict(bbox_head=dict(num_classes=10))
train_dataloader = _base_.nwpu_data.train_dataloader
val_dataloader = _base_.nwpu_data.val_dataloader
test_dataloader = _base_.nwpu_data.test_dataloader
val_evaluator = _base_.nwpu_data.val_evaluator
test_evaluator = _base_.nwpu_data.test_evaluator
train_cfg = _base_.schedule_2x.train_cfg
# FCOS's constant warm-up, over mmadmd's 2x epochs
param_scheduler = [
    _base_.param_scheduler[0], _base_.schedule_2x.param_scheduler[1]
]
default_hooks = dict(check_loss=_base_.finite_loss_hook)
