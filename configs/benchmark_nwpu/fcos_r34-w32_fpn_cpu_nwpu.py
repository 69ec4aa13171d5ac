# Real-data benchmark teacher, FCOS: the RetinaNet teacher's backbone, FPN
# width, data, crops, optimizer and schedule (inherited), with mmdet's FCOS
# head and FPN extras (mmdet::fcos/fcos_r50-caffe_fpn_gn-head_1x_coco.py:
# GN head, focal, IoU and centerness losses) at the CPU width. The GPU
# counterpart is ../detectors/fcos_r101-caffe_fpn_gn-head_2x_nwpu.py.
_base_ = './retinanet_r34-w32_fpn_cpu_nwpu.py'
model = dict(
    type='FCOS',
    neck=dict(add_extra_convs='on_output', relu_before_extra_convs=True),
    bbox_head=dict(
        _delete_=True,
        type='FCOSHead',
        num_classes=10,
        in_channels=64,
        stacked_convs=2,
        feat_channels=64,
        strides=[8, 16, 32, 64, 128]),
    train_cfg=None)
