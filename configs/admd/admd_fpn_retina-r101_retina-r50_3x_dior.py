# ADMD: RetinaNet R101 (teacher) -> R50 (student), 3x, DIOR (the paper
# reports larger gains with longer schedules): the 2x
# config on the 3x schedule. Student baseline:
# ../detectors/retinanet_r50_fpn_3x_dior.py.
# Train the teacher with ../detectors/retinanet_r101_fpn_2x_dior.py first, then:
#   --cfg-options model.teacher_ckpt=<teacher checkpoint>
_base_ = ['./admd_fpn_retina-r101_retina-r50_2x_dior.py']
train_cfg = _base_.schedule_3x.train_cfg
param_scheduler = _base_.schedule_3x.param_scheduler
