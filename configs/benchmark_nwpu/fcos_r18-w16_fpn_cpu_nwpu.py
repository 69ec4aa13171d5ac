# Real-data benchmark student, FCOS: a quarter-width ResNet-18, trained
# alone on the same data, crops and budget as the distilled student.
_base_ = './fcos_r34-w32_fpn_cpu_nwpu.py'
model = dict(
    backbone=_base_.cpu_student_backbone, neck=_base_.cpu_student_neck)
