# ADMD: rotated RetinaNet R50 (teacher) -> R18 (student), 1x, split DOTA.
# Train the teacher with ../detectors/rotated-retinanet-rbox-le90_r50_fpn_1x_dota.py
# first, then: --cfg-options model.teacher_ckpt=<teacher checkpoint>
_base_ = [
    '../detectors/rotated-retinanet-rbox-le90_r18_fpn_1x_dota.py',
    '../_base_/admd_fpn.py'
]
model = dict(
    _base_.admd_model,
    architecture=dict(_base_.model, _scope_='mmrotate'),
    teacher=dict(
        type='ConfigModel',
        config='{{fileDirname}}/../detectors/'
        'rotated-retinanet-rbox-le90_r50_fpn_1x_dota.py'))
default_hooks = dict(
    admd_weight_increasing=_base_.admd_weight_increasing_hook)
val_cfg = _base_.admd_val_cfg
