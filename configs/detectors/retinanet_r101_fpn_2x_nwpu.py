# RetinaNet R101 on NWPU VHR-10 (the teacher).
_base_ = './retinanet_r50_fpn_2x_nwpu.py'
model = dict(
    backbone=dict(
        depth=101,
        init_cfg=dict(type='Pretrained',
                      checkpoint='torchvision://resnet101')))
