# ADMD on every FPN level of a dense detector: a drop-in fragment.
#
# Inherit it beside your student's config and build the model from it; it
# only defines admd_* keys, so it never collides with your config's keys:
#
#   _base_ = ['my_retinanet_r50.py', 'mmadmd::_base_/admd_fpn.py']
#   model = dict(_base_.admd_model,
#                architecture=dict(_base_.model, _scope_='mmdet'),
#                teacher=dict(type='ConfigModel',
#                             config='{{fileDirname}}/my_retinanet_r101.py'),
#                teacher_ckpt='work_dirs/teacher/epoch_24.pth')
#   default_hooks = dict(admd_weight_increasing=_base_.admd_weight_increasing_hook)
#   val_cfg = _base_.admd_val_cfg
#
# (the README's recipe, run verbatim by tests/configs/test_fragment.py).
#
# Robust to inheritance replacing lists: the model is built in the 'mmadmd'
# scope, which imports mmadmd (and its mmrazor compat) by itself, so it does
# not depend on `custom_imports`; the weight-increasing hook is a *default*
# hook (a dict, merged key by key), so your `custom_hooks` cannot drop it.

# ADMD settings shared by the shipped configs: the spec's. On real imagery
# (NWPU VHR-10 benchmark, val split, 3 seeds; docs/benchmarks.md) tau 1
# beat tau 0.5 and 2, and loss weight 1 scored the same as 3, less steadily;
# with FCOS 1 scored more, so the FCOS configs use admd_fcos_distiller.
admd_loss = dict(
    type='ADMDLoss',
    loss_weight=3.0,
    tau=1.0,
    mask_type='softmax',
    normalize='channel')

admd_model = dict(
    _delete_=True,  # replaces the student's `model` it is merged over
    _scope_='mmadmd',
    # mmrazor's FpnTeacherDistill (the teacher runs backbone + neck only),
    # plus `teacher_precision`: 'bf16'/'fp16' run the teacher under autocast
    # (and channels-last, see `teacher_channels_last`).
    type='PrecisionFpnTeacherDistill',
    teacher_precision='fp32',
    # set both: a model dict, or dict(type='ConfigModel', config=<file>)
    # (mmrazor's cfg_path takes only 'pkg::' paths, not your own files)
    architecture=None,  # the student
    teacher=None,  # the teacher
    # required (building stops without it): --cfg-options
    # model.teacher_ckpt=teacher.pth; a random teacher on purpose (tests):
    # teacher_ckpt_required=False
    teacher_ckpt=None,
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(fpn=dict(type='ModuleOutputs', source='neck')),
        teacher_recorders=dict(fpn=dict(type='ModuleOutputs', source='neck')),
        distill_losses=dict(loss_admd_fpn=admd_loss),
        loss_forward_mappings=dict(
            loss_admd_fpn=dict(
                preds_S=dict(from_student=True, recorder='fpn'),
                preds_T=dict(from_student=False, recorder='fpn')))))

# The distiller with loss weight 1, not 3 (chosen on RetinaNet): with FCOS,
# 1 scored more on the val split on every seed (docs/benchmarks.md, "FCOS:
# the loss weight"). The FCOS configs set model.distiller to it.
admd_fcos_distiller = dict(
    admd_model['distiller'],
    distill_losses=dict(loss_admd_fpn=dict(admd_loss, loss_weight=1.0)))

admd_weight_increasing_hook = dict(
    type='mmadmd.WeightIncreasingHook',
    mode='adaptive',
    warmup_iters=500,
    momentum=0.99,
    power=1.0,
    max_ratio=4.0,
    interval=1)

# Evaluate the student at each validation and the (frozen) teacher once;
# both are reported (the teacher as teacher.*).
admd_val_cfg = dict(_delete_=True, type='mmadmd.FrozenTeacherDistillValLoop')

# Optional: mask heatmaps over the inputs, in work_dir/vis/masks.
admd_mask_vis_hook = dict(
    type='mmadmd.DiscrepancyMaskVisualizationHook', interval=1000)
