# Rotated RetinaNet R101 on DIOR-R (the teacher).
_base_ = './rotated-retinanet-rbox-le90_r50_fpn_1x_dior-r.py'
model = dict(
    backbone=dict(
        depth=101,
        init_cfg=dict(type='Pretrained',
                      checkpoint='torchvision://resnet101')))
