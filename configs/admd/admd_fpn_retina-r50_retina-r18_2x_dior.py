# ADMD: RetinaNet R50 (teacher) -> R18 (student), 2x, DIOR.
# Train the teacher with ../detectors/retinanet_r50_fpn_2x_dior.py first, then:
#   --cfg-options model.teacher_ckpt=<teacher checkpoint>
_base_ = ['../detectors/retinanet_r18_fpn_2x_dior.py', '../_base_/admd_fpn.py']
model = dict(
    _base_.admd_model,
    architecture=dict(_base_.model, _scope_='mmdet'),
    teacher=dict(
        type='ConfigModel',
        config='{{fileDirname}}/../detectors/retinanet_r50_fpn_2x_dior.py'))
default_hooks = dict(
    admd_weight_increasing=_base_.admd_weight_increasing_hook)
val_cfg = _base_.admd_val_cfg
