# ADMD: RetinaNet R101 (teacher) -> R50 (student), 1x, DIOR: the 2x
# config on the 1x schedule. Student baseline:
# ../detectors/retinanet_r50_fpn_1x_dior.py.
# Train the teacher with ../detectors/retinanet_r101_fpn_2x_dior.py first, then:
#   --cfg-options model.teacher_ckpt=<teacher checkpoint>
_base_ = ['./admd_fpn_retina-r101_retina-r50_2x_dior.py']
train_cfg = _base_.schedule_1x.train_cfg
param_scheduler = _base_.schedule_1x.param_scheduler
