# Other feature distillers on the FPN, for comparison with ADMD (the mini
# benchmark and configs/kd/). Each `kd_*_distiller` replaces the distiller of
# `admd_model` (configs/_base_/admd_fpn.py):
#
#   _base_ = ['<student config>', '../_base_/admd_fpn.py',
#             '../_base_/kd_methods.py']
#   model = dict(_base_.admd_model, architecture=..., teacher=...,
#                distiller=_base_.kd_pkd_distiller)
#
# Hyper-parameters are the published RetinaNet ones (mmrazor's configs for
# PKD, CWD, MGD; FBKD's Faster R-CNN config; FGD's paper code). Channels
# assume 256-channel FPNs (mmadmd.utils.set_kd_channels changes them).
# Levels: P3..P7 (data_idx 0..4 of the recorded neck).
kd_levels = 5
kd_channels = 256

# Record the whole neck output once; each loss picks its level by data_idx.
kd_recorders = dict(fpn=dict(type='ModuleOutputs', source='neck'))


def _level(from_student, i, **kwargs):
    return dict(from_student=from_student, recorder='fpn', data_idx=i,
                **kwargs)


def _per_level(name, loss, inputs, levels=kd_levels,
               student_recorders=kd_recorders):
    """One `loss` per FPN level; `inputs(i)` maps its inputs on level i."""
    keys = [f'loss_{name}_fpn{i}' for i in range(levels)]
    return dict(
        student_recorders=student_recorders,
        teacher_recorders=kd_recorders,
        distill_losses={key: dict(loss) for key in keys},
        loss_forward_mappings={key: inputs(i) for i, key in enumerate(keys)})


# PKD (Cao et al., NeurIPS 2022): Pearson-correlation imitation.
kd_pkd_distiller = dict(
    type='ConfigurableDistiller',
    student_recorders=kd_recorders,
    teacher_recorders=kd_recorders,
    distill_losses=dict(loss_pkd_fpn=dict(type='PKDLoss', loss_weight=10)),
    loss_forward_mappings=dict(
        loss_pkd_fpn=dict(
            preds_S=dict(from_student=True, recorder='fpn'),
            preds_T=dict(from_student=False, recorder='fpn'))))

# CWD (Shu et al., ICCV 2021): channel-wise distributions, KL divergence.
kd_cwd_distiller = dict(
    type='ConfigurableDistiller',
    **_per_level(
        'cwd', dict(type='ChannelWiseDivergence', tau=1, loss_weight=10),
        lambda i: dict(preds_S=_level(True, i), preds_T=_level(False, i))))

# MGD (Yang et al., ECCV 2022): generate the teacher feature from a masked
# student feature.
kd_mgd_distiller = dict(
    type='ConfigurableDistiller',
    connectors={
        f's_fpn{i}_connector': dict(
            type='MGDConnector',
            student_channels=kd_channels,
            teacher_channels=kd_channels,
            lambda_mgd=0.65)
        for i in range(kd_levels)
    },
    **_per_level(
        'mgd', dict(type='MGDLoss', alpha_mgd=0.00002),
        lambda i: dict(
            preds_S=_level(True, i, connector=f's_fpn{i}_connector'),
            preds_T=_level(False, i))))

# FBKD (Zhang and Ma, ICLR 2021): attention masks and non-local relations.
# As mmrazor's config: four levels (P3..P6), max-pooling strides 8 on P3 and
# 4 on P4, then 2; with sub-sampling each level is pooled twice, so P7 (2x2
# on 256 px inputs) is left out and inputs must be at least 256 px.
_fbkd_levels = 4
_fbkd_pool = [dict(reduction=4, maxpool_stride=8),
              dict(reduction=4, maxpool_stride=4), dict(), dict()]
kd_fbkd_distiller = dict(
    type='ConfigurableDistiller',
    connectors={
        f'loss_fbkd_fpn{i}_{side}feat': dict(
            type=connector,
            in_channels=kd_channels,
            mode='dot_product',
            sub_sample=True,
            **_fbkd_pool[i])
        for side, connector in (('s', 'FBKDStudentConnector'),
                                ('t', 'FBKDTeacherConnector'))
        for i in range(_fbkd_levels)
    },
    **_per_level(
        'fbkd',
        dict(type='FBKDLoss'),
        lambda i: dict(
            s_input=_level(True, i, connector=f'loss_fbkd_fpn{i}_sfeat'),
            t_input=_level(False, i, connector=f'loss_fbkd_fpn{i}_tfeat')),
        levels=_fbkd_levels))

# FitNet (Romero et al., ICLR 2015): plain feature MSE (mean over elements).
kd_fitnet_distiller = dict(
    type='ConfigurableDistiller',
    **_per_level(
        'fitnet',
        dict(type='L2Loss', normalize=False, div_element=True, loss_weight=1),
        lambda i: dict(s_feature=_level(True, i), t_feature=_level(False, i))))

# FGD (Yang et al., CVPR 2022; mmadmd.FGDLoss): needs the ground-truth boxes,
# recorded as the second input of the student's `loss` method.
kd_fgd_distiller = dict(
    type='ConfigurableDistiller',
    **_per_level(
        'fgd',
        dict(
            type='FGDLoss',
            student_channels=kd_channels,
            teacher_channels=kd_channels,
            temp=0.5,
            alpha_fgd=0.001,
            beta_fgd=0.0005,
            gamma_fgd=0.0005,
            lambda_fgd=0.000005),
        lambda i: dict(
            preds_S=_level(True, i),
            preds_T=_level(False, i),
            data_samples=dict(from_student=True, recorder='gt', data_idx=1)),
        student_recorders=dict(
            kd_recorders,
            gt=dict(
                type='MethodInputs',
                source='mmdet.models.detectors.SingleStageDetector.loss'))))
