# RetinaNet R50 on NWPU VHR-10 (10 classes): mmdet's model, mmadmd's data
# pieces and schedule.
_base_ = [
    'mmdet::retinanet/retinanet_r50_fpn_2x_coco.py',
    '../_base_/datasets/nwpu_vhr10.py', '../_base_/schedules.py'
]
model = dict(bbox_head=dict(num_classes=10))
train_dataloader = _base_.nwpu_data.train_dataloader
val_dataloader = _base_.nwpu_data.val_dataloader
test_dataloader = _base_.nwpu_data.test_dataloader
val_evaluator = _base_.nwpu_data.val_evaluator
test_evaluator = _base_.nwpu_data.test_evaluator
train_cfg = _base_.schedule_2x.train_cfg
param_scheduler = _base_.schedule_2x.param_scheduler
default_hooks = dict(check_loss=_base_.finite_loss_hook)
