# PKD (Cao et al., NeurIPS 2022): RetinaNet R101 (teacher) -> R50 (student), 2x, DIOR.
# The comparison counterpart of ../admd/admd_fpn_retina-r101_retina-r50_2x_dior.py
# (same student, teacher, schedule and data: it inherits it and replaces
# the distiller). Train the teacher first, then:
#   --cfg-options model.teacher_ckpt=<teacher checkpoint>
_base_ = ['../admd/admd_fpn_retina-r101_retina-r50_2x_dior.py', '../_base_/kd_methods.py']
model = dict(distiller=dict(_delete_=True, **_base_.kd_pkd_distiller))
default_hooks = dict(admd_weight_increasing=None)  # ADMD's own hook
