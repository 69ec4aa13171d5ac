# Demo student baseline (rotated): a quarter-width ResNet-18, trained alone
# on the same patches and budget as the ADMD student.
_base_ = './rotated-retinanet_r34-w32_fpn_demo_synthetic-dota.py'
model = dict(
    backbone=_base_.cpu_student_backbone, neck=_base_.cpu_student_neck)
