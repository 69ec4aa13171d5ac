# CWD (Shu et al., ICCV 2021): rotated RetinaNet R101 (teacher) -> R50 (student), 1x, split DOTA.
# The comparison counterpart of ../admd/admd_fpn_rotated-retina-r101_rotated-retina-r50_1x_dota.py
# (same student, teacher, schedule and data). Train the teacher first, then:
#   --cfg-options model.teacher_ckpt=<teacher checkpoint>
_base_ = [
    '../detectors/rotated-retinanet-rbox-le90_r50_fpn_1x_dota.py',
    '../_base_/admd_fpn.py', '../_base_/kd_methods.py'
]
model = dict(
    _base_.admd_model,
    architecture=dict(_base_.model, _scope_='mmrotate'),
    teacher=dict(
        type='ConfigModel',
        config='{{fileDirname}}/../detectors/'
        'rotated-retinanet-rbox-le90_r101_fpn_1x_dota.py'),
    distiller=_base_.kd_cwd_distiller)
val_cfg = _base_.admd_val_cfg
