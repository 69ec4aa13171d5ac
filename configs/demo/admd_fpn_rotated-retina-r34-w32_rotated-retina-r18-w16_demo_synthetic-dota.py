# Demo ADMD (rotated): the demo teacher distilled into the demo student, same
# budget as the student baseline. tools/demo.py sets model.teacher_ckpt.
_base_ = [
    './rotated-retinanet_r18-w16_fpn_demo_synthetic-dota.py',
    '../_base_/admd_fpn.py'
]
model = dict(
    _base_.admd_model,
    architecture=dict(_base_.model, _scope_='mmrotate'),
    teacher=dict(
        type='ConfigModel',
        config='{{fileDirname}}/'
        'rotated-retinanet_r34-w32_fpn_demo_synthetic-dota.py'))
default_hooks = dict(
    admd_weight_increasing=dict(
        _base_.admd_weight_increasing_hook, warmup_iters=100, momentum=0.9))
custom_hooks = [dict(_base_.admd_mask_vis_hook, interval=_base_.demo_iters)]
val_cfg = _base_.admd_val_cfg
