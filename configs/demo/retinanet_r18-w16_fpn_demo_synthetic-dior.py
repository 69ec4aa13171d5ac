# Demo student baseline: RetinaNet with a quarter-width ResNet-18, trained
# alone on the same scenes and budget as the ADMD student.
_base_ = './retinanet_r34-w32_fpn_demo_synthetic-dior.py'
model = dict(
    backbone=_base_.cpu_student_backbone, neck=_base_.cpu_student_neck)
