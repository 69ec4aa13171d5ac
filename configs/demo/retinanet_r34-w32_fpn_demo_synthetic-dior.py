# Demo teacher: RetinaNet with a half-width ResNet-34 on synthetic DIOR
# scenes (tools/misc/make_synthetic_scenes.py), sized for a 2-core CPU.
# The real-data counterpart is ../detectors/retinanet_r101_fpn_2x_dior.py.
_base_ = [
    '../detectors/retinanet_r50_fpn_2x_dior.py', '../_base_/cpu_models.py'
]

demo_data_root = 'data/synthetic_dior/'
demo_classes = ('airplane', 'bridge', 'ship', 'storagetank', 'tenniscourt',
                'vehicle')
demo_scale = (256, 256)
demo_iters = 600  # tools/demo.py sets the iterations of each stage

model = dict(
    backbone=_base_.cpu_teacher_backbone,
    neck=_base_.cpu_teacher_neck,
    bbox_head=dict(
        num_classes=len(demo_classes),
        in_channels=64,
        feat_channels=64,
        stacked_convs=2))


def _demo(loader, batch_size):
    """The DIOR loader on the synthetic scenes, at the demo's sizes."""
    dataset = loader['dataset']
    parts = dataset.get('datasets', [dataset])
    parts = [
        dict(
            part,
            data_root=demo_data_root,
            metainfo=dict(classes=demo_classes),
            pipeline=[
                dict(t, scale=demo_scale) if t['type'] == 'Resize' else t
                for t in part['pipeline']
            ]) for part in parts
    ]
    dataset = dict(dataset, datasets=parts) if 'datasets' in dataset \
        else parts[0]
    return dict(
        loader,
        batch_size=batch_size,
        num_workers=0,
        persistent_workers=False,
        dataset=dataset)


train_dataloader = _demo(_base_.train_dataloader, 8)
val_dataloader = _demo(_base_.val_dataloader, 4)
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
