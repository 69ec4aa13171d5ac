# RetinaNet R50 on DIOR, 3x schedule: the student baseline of the 3x
# ADMD config.
_base_ = './retinanet_r50_fpn_2x_dior.py'
train_cfg = _base_.schedule_3x.train_cfg
param_scheduler = _base_.schedule_3x.param_scheduler
