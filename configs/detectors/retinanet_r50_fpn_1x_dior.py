# RetinaNet R50 on DIOR, 1x schedule: the student baseline of the 1x
# ADMD config.
_base_ = './retinanet_r50_fpn_2x_dior.py'
train_cfg = _base_.schedule_1x.train_cfg
param_scheduler = _base_.schedule_1x.param_scheduler
