# FitNet (feature MSE): RetinaNet R101 -> R50, 2x, NWPU VHR-10.
# The PKD config of this setup with another distiller (same student, teacher,
# schedule and data as the ADMD config). Train the teacher first, then:
#   --cfg-options model.teacher_ckpt=<teacher checkpoint>
_base_ = ['./pkd_fpn_retina-r101_retina-r50_2x_nwpu.py']
model = dict(distiller=dict(_delete_=True, **_base_.kd_fitnet_distiller))
