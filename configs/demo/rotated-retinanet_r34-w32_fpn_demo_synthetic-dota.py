# Demo teacher (rotated): rotated RetinaNet with a half-width ResNet-34 on
# synthetic DOTA scenes split into 256 px patches, sized for a 2-core CPU.
# The real-data counterpart is
# ../detectors/rotated-retinanet-rbox-le90_r101_fpn_1x_dota.py.
_base_ = [
    '../detectors/rotated-retinanet-rbox-le90_r50_fpn_1x_dota.py',
    '../_base_/cpu_models.py'
]

demo_data_root = 'data/synthetic_dota/split/'
demo_classes = ('plane', 'bridge', 'small-vehicle', 'large-vehicle', 'ship',
                'tennis-court', 'storage-tank')
demo_scale = (256, 256)
demo_iters = 600  # tools/demo.py sets the iterations of each stage

model = dict(
    backbone=_base_.cpu_teacher_backbone,
    neck=_base_.cpu_teacher_neck,
    bbox_head=dict(
        num_classes=len(demo_classes),
        in_channels=64,
        feat_channels=64,
        stacked_convs=2),
    # Assign anchors by the IoU of horizontal hulls (mmrotate's "hbox"
    # variant), computed without the rotated-IoU op that dominates a CPU
    # step (registered in mmrotate's TASK_UTILS by mmadmd). 256 px patches
    # hold far fewer objects than DOTA's 1024 px ones.
    train_cfg=dict(
        assigner=dict(iou_calculator=dict(type='HBoxOverlaps2D'))),
    test_cfg=dict(nms_pre=500, max_per_img=200))

train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=demo_data_root,
        metainfo=dict(classes=demo_classes),
        pipeline=[
            dict(t, scale=demo_scale) if t['type'].endswith('Resize') else t
            for t in _base_.train_dataloader.dataset.pipeline
        ]))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=demo_data_root,
        metainfo=dict(classes=demo_classes),
        pipeline=[
            dict(t, scale=demo_scale) if t['type'].endswith('Resize') else t
            for t in _base_.val_dataloader.dataset.pipeline
        ]))
test_dataloader = val_dataloader
train_cfg = dict(
    _delete_=True,
    type='IterBasedTrainLoop',
    max_iters=demo_iters,
    val_interval=demo_iters)
# tools/demo.py gives each stage min(200, iters / 5) warm-up iterations
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=120),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=120,
         end=demo_iters, eta_min=0.0005)
]
optim_wrapper = dict(optimizer=dict(lr=0.01), clip_grad=dict(max_norm=35))
default_hooks = dict(
    logger=dict(interval=25),
    checkpoint=dict(by_epoch=False, interval=demo_iters, max_keep_ckpts=1))
log_processor = dict(by_epoch=False)
