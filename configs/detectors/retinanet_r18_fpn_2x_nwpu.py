# RetinaNet R18 on NWPU VHR-10 (a light student).
_base_ = './retinanet_r50_fpn_2x_nwpu.py'
model = dict(
    backbone=dict(
        depth=18,
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet18')),
    neck=dict(in_channels=[64, 128, 256, 512]))
