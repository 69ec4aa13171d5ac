# Demo student baseline (rotated): a quarter-width ResNet-18, trained alone
# on the same patches and budget as the ADMD student.
_base_ = './rotated-retinanet_r34-w32_fpn_demo_synthetic-dota.py'
model = dict(
    backbone=dict(depth=18, base_channels=16),
    neck=dict(in_channels=[16, 32, 64, 128]))
