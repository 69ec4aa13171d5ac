# Real-data benchmark student: RetinaNet with a quarter-width ResNet-18,
# trained alone on the same data, crops and budget as the distilled student.
_base_ = './retinanet_r34-w32_fpn_cpu_nwpu.py'
model = dict(
    backbone=dict(depth=18, base_channels=16),
    neck=dict(in_channels=[16, 32, 64, 128]))
# Optimizer, schedule, data and crops: the teacher's (AdamW).
