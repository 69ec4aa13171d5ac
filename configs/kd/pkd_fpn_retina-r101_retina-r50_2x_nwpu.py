# PKD (Cao et al., NeurIPS 2022): RetinaNet R101 (teacher) -> R50 (student), 2x, NWPU VHR-10.
# The comparison counterpart of ../admd/admd_fpn_retina-r101_retina-r50_2x_nwpu.py
# (same student, teacher, schedule and data). Train the teacher first, then:
#   --cfg-options model.teacher_ckpt=<teacher checkpoint>
_base_ = [
    '../detectors/retinanet_r50_fpn_2x_nwpu.py',
    '../_base_/admd_fpn.py', '../_base_/kd_methods.py'
]
model = dict(
    _base_.admd_model,
    architecture=dict(_base_.model, _scope_='mmdet'),
    teacher=dict(
        type='ConfigModel',
        config='{{fileDirname}}/../detectors/retinanet_r101_fpn_2x_nwpu.py'),
    distiller=_base_.kd_pkd_distiller)
val_cfg = _base_.admd_val_cfg
