# FCOS R101 (caffe style) on NWPU VHR-10 (the teacher).
_base_ = './fcos_r50-caffe_fpn_gn-head_2x_nwpu.py'
model = dict(
    backbone=dict(
        depth=101,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='open-mmlab://detectron/resnet101_caffe')))
