# CPU-sized models trained from random weights (the demo and the real-data
# benchmark; nothing can be downloaded). Every backbone stage and the BN
# statistics train: the ImageNet defaults (stem and stage 1 frozen, BN in
# eval mode) would keep them at their random initialization (the demo's
# teacher then stalled at 0.02-0.09 mAP; docs/benchmarks.md).
cpu_scratch_backbone = dict(init_cfg=None, frozen_stages=-1, norm_eval=False)

# The teachers: a half-width ResNet-34 with a 64-channel FPN.
cpu_teacher_backbone = dict(cpu_scratch_backbone, depth=34, base_channels=32)
cpu_teacher_neck = dict(in_channels=[32, 64, 128, 256], out_channels=64)

# The students: a quarter-width ResNet-18 with the teachers' FPN width.
cpu_student_backbone = dict(depth=18, base_channels=16)
cpu_student_neck = dict(in_channels=[16, 32, 64, 128])
