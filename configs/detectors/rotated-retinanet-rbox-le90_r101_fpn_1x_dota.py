# Rotated RetinaNet R101 on split DOTA v1.0 (the teacher).
_base_ = './rotated-retinanet-rbox-le90_r50_fpn_1x_dota.py'
model = dict(
    backbone=dict(
        depth=101,
        init_cfg=dict(type='Pretrained',
                      checkpoint='torchvision://resnet101')))
