# Rotated RetinaNet R18 on split DOTA v1.0 (a light student).
_base_ = './rotated-retinanet-rbox-le90_r50_fpn_1x_dota.py'
model = dict(
    backbone=dict(
        depth=18,
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet18')),
    neck=dict(in_channels=[64, 128, 256, 512]))
