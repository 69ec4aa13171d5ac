# MGD (Yang et al., ECCV 2022): rotated RetinaNet R101 -> R50, 1x, DOTA.
# The PKD config of this setup with another distiller (same student, teacher,
# schedule and data as the ADMD config). Train the teacher first, then:
#   --cfg-options model.teacher_ckpt=<teacher checkpoint>
_base_ = ['./pkd_fpn_rotated-retina-r101_rotated-retina-r50_1x_dota.py']
model = dict(distiller=dict(_delete_=True, **_base_.kd_mgd_distiller))
