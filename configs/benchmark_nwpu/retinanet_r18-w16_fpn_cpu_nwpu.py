# Real-data benchmark student: RetinaNet with a quarter-width ResNet-18,
# trained alone on the same data, crops and budget as the distilled student.
_base_ = './retinanet_r34-w32_fpn_cpu_nwpu.py'
model = dict(
    backbone=_base_.cpu_student_backbone, neck=_base_.cpu_student_neck)
# Optimizer, schedule, data and crops: the teacher's (AdamW).
