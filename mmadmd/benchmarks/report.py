# Copyright (c) mmadmd contributors. All rights reserved.
"""Markdown report with plots for the demo (and benchmark) runs."""
import glob
import os
import os.path as osp
import shutil
from typing import List, Sequence

from mmadmd.benchmarks.machine import describe_machine, machine


def _series(scalars: List[dict], key: str):
    points = [(s['iter'], s[key]) for s in scalars if key in s]
    return [p[0] for p in points], [p[1] for p in points]


def plot_curves(stages: Sequence, out_dir: str) -> List[str]:
    """Loss curves of the student runs and the ADMD weight ratio, as PNG.

    Args:
        stages (Sequence[StageResult]): Teacher, student, student + ADMD.
        out_dir (str): Folder of the PNG files.

    Returns:
        list[str]: The written files.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    _, student, admd = stages
    files = []
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for stage, label in ((student, 'student alone: task loss'),
                         (admd, 'student + ADMD: task loss')):
        keys = ('loss', ) if stage is student else ('student.loss_cls',
                                                    'student.loss_bbox')
        xs, _ = _series(stage.scalars, keys[0])
        ys = [
            sum(s[k] for k in keys) for s in stage.scalars
            if all(k in s for k in keys)
        ]
        ax.plot(xs, ys, label=label)
    xs, ys = _series(admd.scalars, 'distill.loss_admd_fpn')
    ax.plot(xs, ys, '--', label='ADMD loss (weighted)')
    ax.set_xlabel('iteration')
    ax.set_ylabel('loss')
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    files.append(osp.join(out_dir, 'loss_curves.png'))
    fig.savefig(files[-1], dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6.4, 3))
    xs, ys = _series(admd.scalars, 'admd/weight_ratio')
    ax.plot(xs, ys, color='tab:red')
    ax.set_xlabel('iteration')
    ax.set_ylabel('weight ratio w_t / w0')
    ax.set_title('WeightIncreasingHook')
    ax.grid(alpha=0.3)
    fig.tight_layout()
    files.append(osp.join(out_dir, 'weight_ratio.png'))
    fig.savefig(files[-1], dpi=100)
    plt.close(fig)
    return files


def write_report(work_dir: str,
                 stages: Sequence,
                 settings,
                 total_seconds: float,
                 map_key: str = 'pascal_voc/mAP') -> str:
    """Write ``<work_dir>/report.md`` (table, plots, mask heatmaps).

    Args:
        work_dir (str): The demo's work dir.
        stages (Sequence[StageResult]): Teacher, student, student + ADMD.
        settings (DemoSettings): The sizes used.
        total_seconds (float): Wall time of the whole demo so far.
        map_key (str): The metric to report.

    Returns:
        str: Path of the report.
    """
    files_dir = osp.join(work_dir, 'report_files')
    os.makedirs(files_dir, exist_ok=True)
    plots = plot_curves(stages, files_dir)
    teacher, student, admd = stages
    masks = sorted(
        glob.glob(osp.join(admd.work_dir, 'vis', 'masks', '*.png')))
    last = sorted({osp.basename(m).split('_img')[0] for m in masks})[-1:] \
        if masks else []
    shown = [m for m in masks if last and osp.basename(m).startswith(last[0])]
    for m in shown:
        shutil.copy(m, files_dir)

    def row(stage, backbone, iters):
        value = stage.metrics.get(map_key, float('nan'))
        return (f'| {stage.name} | {backbone} | {stage.params / 1e6:.2f} M '
                f'| {iters} | {stage.seconds:.0f} s | {value:.3f} |')

    s_map = student.metrics.get(map_key, float('nan'))
    a_map = admd.metrics.get(map_key, float('nan'))
    if settings.dataset == 'nwpu':
        data = ('NWPU VHR-10 (real imagery, the shipped split: train on '
                'train, mAP is VOC mAP@0.5 on the test images); images at '
                'most 512 px, 320 px training crops (--quick: 128 and 96); '
                'RetinaNet from random '
                'initialization.')
    elif settings.dataset == 'dior':
        data = (f'{settings.num_train} + {settings.num_val} training scenes '
                f'and {settings.num_test} test scenes of {settings.size}x'
                f'{settings.size} px at zoom {settings.zoom:g}; RetinaNet; '
                'mAP is VOC mAP@0.5 on the '
                'test scenes.')
    else:
        data = (f'{settings.num_train} training and {settings.num_val} '
                f'validation scenes of {settings.size}x{settings.size} px in '
                'the raw DOTA layout, split into 256 px patches; rotated '
                'RetinaNet; mAP is DOTA mAP@0.5 (rotated IoU) on the '
                'validation patches.')
    lines = [
        '# mmadmd demo: ADMD on NWPU VHR-10' if settings.dataset == 'nwpu'
        else f'# mmadmd demo: ADMD on synthetic {settings.dataset.upper()} '
        'scenes',
        '', f'{data} Batch {settings.batch_size}, seed {settings.seed}; '
        f'{describe_machine(machine())} on {os.cpu_count()} CPU cores, '
        f'{total_seconds / 60:.1f} min in all.',
        '',
        *([f'The teacher is `{settings.teacher_ckpt}`, evaluated here, not '
           'trained.', ''] if settings.teacher_ckpt else []),
        '| model | backbone | params | iterations | train + test | mAP |',
        '|---|---|---|---|---|---|',
        row(teacher, 'ResNet-34, half width',
            'given' if settings.teacher_ckpt else settings.teacher_iters),
        row(student, 'ResNet-18, quarter width', settings.student_iters),
        row(admd, 'ResNet-18, quarter width', settings.student_iters), '',
        f'ADMD vs the student alone: {a_map - s_map:+.3f} mAP '
        '(one seed).', '', '## Plots',
        ''
    ]
    lines += [f'![{osp.basename(p)[:-4]}](report_files/{osp.basename(p)})'
              for p in plots]
    if shown:
        lines += [
            '', '## Discrepancy masks',
            '', 'Where the student lagged the teacher most (red) at '
            f'{last[0].replace("_", " ")}, per FPN level (P3 to P7), over '
            'the input image:', ''
        ]
        lines += [
            f'![{osp.basename(m)[:-4]}](report_files/{osp.basename(m)})'
            for m in shown
        ]
    report = osp.join(work_dir, 'report.md')
    with open(report, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return report
