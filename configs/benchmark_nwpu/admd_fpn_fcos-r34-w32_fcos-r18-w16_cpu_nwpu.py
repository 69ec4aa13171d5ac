# Real-data benchmark ADMD, FCOS: the FCOS benchmark teacher distilled
# into the FCOS benchmark student on every FPN level, same budget as the
# student alone. Give the trained teacher with --cfg-options
# model.teacher_ckpt=<checkpoint> (tools/analysis/nwpu_benchmark.py
# --family fcos does).
_base_ = ['./fcos_r18-w16_fpn_cpu_nwpu.py', '../_base_/admd_fpn.py']
model = dict(
    _base_.admd_model,
    architecture=dict(_base_.model, _scope_='mmdet'),
    teacher=dict(
        type='ConfigModel',
        config='{{fileDirname}}/fcos_r34-w32_fpn_cpu_nwpu.py'),
    # loss weight 1 (FCOS), see the fragment
    distiller=_base_.admd_fcos_distiller)
default_hooks = dict(
    admd_weight_increasing=dict(
        _base_.admd_weight_increasing_hook, warmup_iters=100, momentum=0.9))
val_cfg = _base_.admd_val_cfg
custom_hooks = [dict(_base_.admd_mask_vis_hook, interval=_base_.cpu_iters)]
