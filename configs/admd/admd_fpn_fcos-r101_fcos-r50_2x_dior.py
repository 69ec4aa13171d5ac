# ADMD: FCOS R101 (teacher) -> R50 (student), 2x, DIOR.
# Train the teacher with ../detectors/fcos_r101-caffe_fpn_gn-head_2x_dior.py first, then:
#   --cfg-options model.teacher_ckpt=<teacher checkpoint>
_base_ = ['../detectors/fcos_r50-caffe_fpn_gn-head_2x_dior.py', '../_base_/admd_fpn.py']
model = dict(
    _base_.admd_model,
    architecture=dict(_base_.model, _scope_='mmdet'),
    teacher=dict(
        type='ConfigModel',
        config='{{fileDirname}}/../detectors/fcos_r101-caffe_fpn_gn-head_2x_dior.py'),
    # loss weight 1 (FCOS), see the fragment
    distiller=_base_.admd_fcos_distiller)
default_hooks = dict(
    admd_weight_increasing=_base_.admd_weight_increasing_hook)
val_cfg = _base_.admd_val_cfg
