# Copyright (c) mmadmd contributors. All rights reserved.
"""Which dense detectors ADMD distils through the drop-in fragment.

For every single-stage dense detector family in MMDetection 3.3's and
MMRotate 1.x's config zoos: build the family's model from its own config,
shrunk for the CPU (ResNet-18 student, ResNet-34 teacher where the family
uses a ResNet; the zoo's smallest model otherwise), then train it two
iterations on synthetic images, alone and distilled by
``configs/_base_/admd_fpn.py`` (ADMD on every level of ``neck``). A family
passes when both give finite losses; one whose student alone fails on CPU
is reported as such (and one that calls a CUDA-only mmcv op as needing
CUDA), not as an ADMD failure. Heterogeneous pairs (another family as
teacher, another FPN width, another number of levels) are checked the same
way. ``tools/analysis/support_matrix.py`` writes the table to
``docs/support_matrix.md``; ``tests/benchmarks/test_support_matrix.py``
checks the machinery, the families the harness had to adapt, and that the
table lists every family.
"""
import copy
import os.path as osp
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

import torch
from mmengine.config import Config, ConfigDict
from mmengine.optim import OptimWrapper
from mmengine.logging import MessageHub
from mmengine.registry import MODELS, DefaultScope

from mmadmd.utils import config_path, walk_dicts

FRAGMENT = config_path('_base_', 'admd_fpn.py')

#: Losses whose mmcv op has no CPU kernel, and the CPU stand-in the matrix
#: uses for them (test only; the table names every swap).
CPU_LOSS_SWAPS: Dict[str, dict] = {
    # diff_iou_rotated_2d is CUDA-only: Gaussian Wasserstein distance loss
    'RotatedIoULoss': dict(type='GDLoss', loss_type='gwd'),
}


#: How mmcv says an op has no CPU kernel.
CUDA_ONLY = 'implementation for device cpu not found'


@dataclass
class Family:
    """One detector family of an upstream config zoo.

    Args:
        name (str): Family name (the zoo's folder).
        scope (str): ``'mmdet'`` or ``'mmrotate'``.
        config (str): Config path inside the zoo.
        image_size (int): Side of the synthetic square images.
        rotated (bool): Rotated boxes (MMRotate's inputs).
        box_type (str): The box type the family's pipeline converts the
            ground truth to (``ConvertBoxType``): ``'rbox'``, or ``'qbox'``
            for the RepPoints-based rotated families.
    """
    name: str
    scope: str
    config: str
    image_size: int = 128
    rotated: bool = False
    box_type: str = 'rbox'


def _mmdet(name: str, config: str, image_size: int = 128) -> Family:
    return Family(name, 'mmdet', f'{name}/{config}', image_size)


def _mmrotate(name: str, config: str, box_type: str = 'rbox') -> Family:
    return Family(name, 'mmrotate', f'{name}/{config}', 128, True, box_type)


#: Every single-stage dense detector family of MMDetection 3.3 and
#: MMRotate 1.x (DETR-like, two-stage and instance segmentation excluded).
FAMILIES: List[Family] = [
    _mmdet('retinanet', 'retinanet_r50_fpn_1x_coco.py'),
    _mmdet('fcos', 'fcos_r50-caffe_fpn_gn-head_1x_coco.py'),
    _mmdet('atss', 'atss_r50_fpn_1x_coco.py'),
    _mmdet('gfl', 'gfl_r50_fpn_1x_coco.py'),
    _mmdet('tood', 'tood_r50_fpn_1x_coco.py'),
    _mmdet('vfnet', 'vfnet_r50_fpn_1x_coco.py'),
    _mmdet('paa', 'paa_r50_fpn_1x_coco.py'),
    _mmdet('fsaf', 'fsaf_r50_fpn_1x_coco.py'),
    _mmdet('free_anchor', 'freeanchor_r50_fpn_1x_coco.py'),
    _mmdet('autoassign', 'autoassign_r50-caffe_fpn_1x_coco.py'),
    # its head's deformable conv needs P7 of at least 3x3 (mmcv on CPU)
    _mmdet('ddod', 'ddod_r50_fpn_1x_coco.py', image_size=384),
    _mmdet('centernet', 'centernet-update_r50-caffe_fpn_ms-1x_coco.py'),
    _mmdet('foveabox', 'fovea_r50_fpn_4xb4-1x_coco.py'),
    _mmdet('reppoints', 'reppoints-moment_r50_fpn-gn_head-gn_1x_coco.py'),
    _mmdet('nas_fcos',
           'nas-fcos_r50-caffe_fpn_nashead-gn-head_4xb4-1x_coco.py'),
    _mmdet('yolof', 'yolof_r50-c5_8xb8-1x_coco.py'),
    _mmdet('yolox', 'yolox_tiny_8xb8-300e_coco.py'),
    _mmdet('rtmdet', 'rtmdet_tiny_8xb32-300e_coco.py'),
    _mmdet('yolo', 'yolov3_d53_8xb8-320-273e_coco.py'),
    _mmdet('ssd', 'ssd300_coco.py', image_size=300),
    _mmrotate('rotated_retinanet',
              'rotated-retinanet-rbox-le90_r50_fpn_1x_dota.py'),
    _mmrotate('rotated_atss', 'rotated-atss-le90_r50_fpn_1x_dota.py'),
    _mmrotate('rotated_fcos', 'rotated-fcos-le90_r50_fpn_1x_dota.py'),
    _mmrotate('r3det', 'r3det-oc_r50_fpn_1x_dota.py'),
    _mmrotate('s2anet', 's2anet-le135_r50_fpn_1x_dota.py'),
    _mmrotate('rotated_rtmdet', 'rotated_rtmdet_tiny-3x-dota.py'),
    _mmrotate('h2rbox', 'h2rbox-le90_r50_fpn_adamw-1x_dota.py'),
    _mmrotate('rotated_reppoints',
              'rotated-reppoints-qbox_r50_fpn_1x_dota.py', 'qbox'),
    _mmrotate('oriented_reppoints',
              'oriented-reppoints-qbox_r50_fpn_1x_dota.py', 'qbox'),
    _mmrotate('cfa', 'cfa-qbox_r50_fpn_1x_dota.py', 'qbox'),
    _mmrotate('sasm_reppoints', 'sasm-reppoints-qbox_r50_fpn_1x_dota.py',
              'qbox'),
]


@dataclass
class Outcome:
    """What two training iterations gave.

    Args:
        ok (bool): Both iterations ran and every loss was finite.
        detail (str): The error's last line, or the losses' names.
    """
    ok: bool
    detail: str = ''

    @property
    def needs_cuda(self) -> bool:
        """Failed on an mmcv op that has no CPU kernel."""
        return not self.ok and CUDA_ONLY in self.detail


@dataclass
class FamilyResult:
    """A row of the matrix."""
    family: Family
    student: Outcome
    admd: Optional[Outcome] = None
    swaps: List[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if not self.student.ok:
            if self.student.needs_cuda:
                return 'needs a CUDA-only op'
            return 'student alone fails on CPU'
        return 'pass' if self.admd and self.admd.ok else 'ADMD fails'


def zoo_config(family: Family) -> Config:
    """The family's config from its installed package's ``.mim``."""
    import importlib
    package = importlib.import_module(family.scope)
    path = osp.join(
        osp.dirname(package.__file__), '.mim', 'configs', family.config)
    return Config.fromfile(path)


def cpu_model(model: ConfigDict, depth: int = 18) -> tuple:
    """Shrink a zoo model for the CPU and swap CUDA-only losses.

    Args:
        model (ConfigDict): The zoo config's ``model``.
        depth (int): ResNet depth when the family uses a ResNet (18 or 34:
            same widths, so a 34 teacher fits an 18 student).

    Returns:
        tuple[ConfigDict, list[str]]: The model and the swaps made.
    """
    model = copy.deepcopy(model)
    backbone = model.backbone
    backbone.pop('init_cfg', None)
    if backbone.type == 'ResNet':
        backbone.depth = depth
        outs = backbone.get('out_indices', (0, 1, 2, 3))
        model.neck.in_channels = [64 * 2**i for i in outs] \
            if len(outs) > 1 else 64 * 2**outs[0]
        backbone.dcn = None
        backbone.stage_with_dcn = (False, ) * 4
    swaps = []
    for node in walk_dicts(model):
        kind = node.get('type')
        if kind in CPU_LOSS_SWAPS:
            swap = CPU_LOSS_SWAPS[kind]
            swaps.append(f"{kind} -> {swap['type']}")
            weight = node.get('loss_weight', 1.0)
            node.clear()
            node.update(swap, loss_weight=weight)
    return model, sorted(set(swaps))


def synthetic_batch(family: Family, batch_size: int = 2) -> dict:
    """Packed inputs of ``batch_size`` random images with boxes."""
    shape = (3, family.image_size, family.image_size)
    if family.rotated:
        from mmrotate.testing import demo_mm_inputs
        batch = demo_mm_inputs(
            batch_size, [shape] * batch_size,
            num_items=[3] * batch_size,
            num_classes=15,
            use_box_type=True)
        if family.box_type != 'rbox':
            # what the zoo pipeline's ConvertBoxType step does
            for sample in batch['data_samples']:
                gt = sample.gt_instances
                gt.bboxes = gt.bboxes.convert_to(family.box_type)
        return batch
    from mmdet.testing import demo_mm_inputs
    return demo_mm_inputs(
        batch_size, [shape] * batch_size,
        num_items=[3] * batch_size,
        num_classes=80)


def train_two_iters(model_cfg: dict, family: Family) -> Outcome:
    """Build ``model_cfg`` and train it two SGD iterations.

    Returns:
        Outcome: ok when every loss of both iterations is finite.
    """
    try:
        torch.manual_seed(0)
        # What a Runner provides: TOOD's and YOLOX's heads and YOLOX's
        # batch resizing read the epoch and iteration from the message hub.
        hub = MessageHub.get_current_instance()
        hub.update_info('epoch', 0)
        hub.update_info('iter', 0)
        with DefaultScope.overwrite_default_scope(family.scope):
            model = MODELS.build(model_cfg)
            model.init_weights()
            model.train()
            optim = OptimWrapper(
                torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9),
                clip_grad=dict(max_norm=35))
            for _ in range(2):
                log_vars = model.train_step(synthetic_batch(family), optim)
        bad = [
            k for k, v in log_vars.items()
            if not torch.isfinite(torch.as_tensor(v)).all()
        ]
        if bad:
            return Outcome(False, f'not finite: {", ".join(bad)}')
        return Outcome(True, ', '.join(sorted(log_vars)))
    except Exception as e:  # noqa: BLE001 (recorded in the table)
        last = str(e).strip().splitlines()[-1] if str(e).strip() else ''
        return Outcome(False, f'{type(e).__name__}: {last}'[:400])


def admd_model(student: dict, teacher: dict, scope: str,
               **loss_options) -> dict:
    """The fragment's ``admd_model`` around ``student`` and ``teacher``."""
    fragment = Config.fromfile(FRAGMENT)
    model = copy.deepcopy(fragment.admd_model)
    model.pop('_delete_', None)
    model.architecture = dict(student, _scope_=scope)
    model.teacher = dict(teacher, _scope_=scope)
    model.teacher_ckpt_required = False  # whether it trains, not how well
    model.distiller.distill_losses.loss_admd_fpn.update(loss_options)
    # a ConfigDict, as from a config file: heads such as R3Det's read
    # their train_cfg by attribute
    return model


def check_family(family: Family) -> FamilyResult:
    """The student alone and ADMD, two iterations each."""
    cfg = zoo_config(family)
    student, swaps = cpu_model(cfg.model, depth=18)
    teacher, _ = cpu_model(cfg.model, depth=34)
    result = FamilyResult(family, train_two_iters(student, family), None,
                          swaps)
    if result.student.ok:
        result.admd = train_two_iters(
            admd_model(student, teacher, family.scope), family)
    return result


@dataclass
class Pair:
    """A heterogeneous teacher/student pair.

    Args:
        name (str): What differs.
        student (Family): The student's family.
        teacher (Family): The teacher's family.
        student_fpn (int, optional): Student FPN (and head) width; None:
            the family's.
        levels (int, optional): Distil only the first ``levels`` levels, one
            ``ADMDLoss`` per level (``data_idx``); None: all levels in one
            loss, as the fragment does.
    """
    name: str
    student: Family
    teacher: Family
    student_fpn: Optional[int] = None
    levels: Optional[int] = None


def get_family(name: str) -> Family:
    return next(f for f in FAMILIES if f.name == name)


#: Heterogeneous pairs (issue 15): another family as teacher, another FPN
#: width (ADMDLoss' 1x1 align conv), another number of levels.
PAIRS: List[Pair] = [
    Pair('GFL teacher, RetinaNet student', get_family('retinanet'),
         get_family('gfl')),
    Pair(
        'FPN 256 teacher, FPN 64 student (align conv)',
        get_family('retinanet'),
        get_family('retinanet'),
        student_fpn=64),
    Pair(
        'RTMDet-tiny teacher (3 levels, 96 ch), RetinaNet student (5 '
        'levels), fragment as is', get_family('retinanet'),
        get_family('rtmdet')),
    Pair(
        'RTMDet-tiny teacher, RetinaNet student, P3-P5 paired by stride '
        '(one ADMDLoss per level, data_idx)',
        get_family('retinanet'),
        get_family('rtmdet'),
        levels=3),
]


def _fpn_width(model: ConfigDict) -> int:
    neck = model.neck
    return neck.get('out_channels', 256)


def per_level_losses(distiller: ConfigDict, levels: int, loss: dict) -> None:
    """Replace the fragment's one all-level loss by one loss per level
    (``data_idx``), in place: pairs levels of equal stride when both
    models start at the same stride (e.g. P3)."""
    distiller.distill_losses = {
        f'loss_admd_p{i}': dict(loss)
        for i in range(levels)
    }
    distiller.loss_forward_mappings = {
        f'loss_admd_p{i}':
        dict(
            preds_S=dict(from_student=True, recorder='fpn', data_idx=i),
            preds_T=dict(from_student=False, recorder='fpn', data_idx=i))
        for i in range(levels)
    }


def check_pair(pair: Pair) -> Outcome:
    """Distil ``pair`` two iterations (the student alone is checked in the
    families' rows)."""
    student, _ = cpu_model(zoo_config(pair.student).model, depth=18)
    teacher, _ = cpu_model(zoo_config(pair.teacher).model, depth=34)
    if pair.student_fpn:
        student.neck.out_channels = pair.student_fpn
        student.bbox_head.in_channels = pair.student_fpn
        student.bbox_head.feat_channels = pair.student_fpn
    channels = {}
    s_width, t_width = _fpn_width(student), _fpn_width(teacher)
    if s_width != t_width:
        channels = dict(student_channels=s_width, teacher_channels=t_width)
    model = admd_model(student, teacher, pair.student.scope, **channels)
    if pair.levels:
        distiller = ConfigDict(model['distiller'])
        per_level_losses(distiller, pair.levels,
                         distiller.distill_losses.loss_admd_fpn.to_dict())
        model['distiller'] = distiller
    return train_two_iters(model, pair.student)


def run_matrix(families: Optional[List[Family]] = None,
               log: Callable[[str], None] = print) -> List[FamilyResult]:
    """Check every family (default: :data:`FAMILIES`)."""
    results = []
    for family in families or FAMILIES:
        result = check_family(family)
        log(f'{family.scope} {family.name}: {result.verdict}')
        results.append(result)
    return results


def pairs_markdown(outcomes: Dict[str, Outcome]) -> str:
    """The heterogeneous pairs' table of ``docs/support_matrix.md``."""
    lines = ['| pair | ADMD |', '|---|---|']
    for name, outcome in outcomes.items():
        detail = 'pass' if outcome.ok else outcome.detail.replace('|', '/')
        lines.append(f'| {name} | {detail} |')
    return '\n'.join(lines) + '\n'


def matrix_markdown(results: List[FamilyResult]) -> str:
    """The families' table of ``docs/support_matrix.md``."""
    lines = [
        '| family | package | config | student alone | ADMD | CPU swap |',
        '|---|---|---|---|---|---|'
    ]

    def cell(outcome: Optional[Outcome]) -> str:
        if outcome is None:
            return 'not run'
        if outcome.needs_cuda:
            return f'needs CUDA: {outcome.detail}'
        return 'ok' if outcome.ok else outcome.detail.replace('|', '/')

    for r in results:
        lines.append(
            f'| {r.family.name} | {r.family.scope} | `{r.family.config}` | '
            f'{cell(r.student)} | '
            f'{"pass" if r.verdict == "pass" else cell(r.admd)} | '
            f'{", ".join(r.swaps) or "-"} |')
    return '\n'.join(lines) + '\n'


__all__ = [
    'CPU_LOSS_SWAPS', 'CUDA_ONLY', 'FAMILIES', 'PAIRS', 'Family',
    'FamilyResult', 'Outcome', 'Pair', 'admd_model', 'check_family',
    'check_pair', 'get_family', 'cpu_model', 'matrix_markdown',
    'pairs_markdown', 'per_level_losses', 'run_matrix', 'synthetic_batch',
    'train_two_iters', 'zoo_config'
]
