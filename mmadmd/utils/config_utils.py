# Copyright (c) mmadmd contributors. All rights reserved.
"""Adapt shipped configs to small CPU runs (demo, tests, benchmarks).

The shipped configs describe real DIOR/DOTA training (800-1024 px images,
ImageNet-initialized ResNets). These helpers shrink the same configs, so that
the demo and the tests exercise the very configs users run.
"""
import os.path as osp
from typing import Any, Dict, Iterator, Optional, Tuple

from mmengine.config import Config, ConfigDict

_PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))


def config_path(*parts: str) -> str:
    """A config shipped with mmadmd, e.g. ``config_path('demo', name)``.

    Args:
        *parts (str): Path inside ``configs/``.

    Returns:
        str: The file in the source tree's ``configs/`` (a development
        checkout or an editable install), else in the installed package's
        ``.mim/configs`` (a wheel).
    """
    root = osp.join(osp.dirname(_PACKAGE_DIR), 'configs')
    if not osp.isdir(root):  # installed wheel: configs ship in .mim
        root = osp.join(_PACKAGE_DIR, '.mim', 'configs')
    return osp.join(root, *parts)


def tiny_model_options(depth: int = 18,
                       base_channels: int = 16,
                       fpn_channels: int = 64,
                       stacked_convs: int = 1,
                       prefix: str = 'model.') -> Dict[str, Any]:
    """``--cfg-options``-style overrides that shrink a ResNet-FPN detector.

    Works for the dense detectors mmadmd ships (RetinaNet, FCOS, GFL and
    rotated RetinaNet): ResNet depth and width, FPN and head channels, and no
    ImageNet initialization (nothing is downloaded).

    Args:
        depth (int): ResNet depth (18, 34, 50, 101). Defaults to 18.
        base_channels (int): Width of the first ResNet stage. Defaults to 16.
        fpn_channels (int): FPN and head channels. GroupNorm heads (FCOS,
            GFL) use 32 groups: 64 channels keep 2 per group, which a 1x1
            P7 level of a 128 px image needs. Defaults to 64.
        stacked_convs (int): Convs per head branch. Defaults to 1.
        prefix (str): Key prefix of the model, e.g. ``'model.architecture.'``
            for the student of a distillation config. Defaults to
            ``'model.'``.

    Returns:
        dict: Dotted keys and values for :meth:`Config.merge_from_dict`.
    """
    expansion = 1 if depth < 50 else 4
    in_channels = [base_channels * expansion * 2**i for i in range(4)]
    options = {
        'backbone.depth': depth,
        'backbone.base_channels': base_channels,
        'backbone.init_cfg': None,
        'neck.in_channels': in_channels,
        'neck.out_channels': fpn_channels,
        'bbox_head.in_channels': fpn_channels,
        'bbox_head.feat_channels': fpn_channels,
        'bbox_head.stacked_convs': stacked_convs,
    }
    return {prefix + k: v for k, v in options.items()}


def no_pretrained_options(cfg: Config) -> Dict[str, Any]:
    """Options that switch off every ``Pretrained`` init of ``cfg.model``.

    Shipped configs initialize backbones from ImageNet checkpoints that are
    downloaded on first use; tests and offline machines switch that off.
    A ``ConfigModel`` teacher gets the same through its ``cfg_options``.

    Args:
        cfg (Config): A detector or distillation config.

    Returns:
        dict: Options for :meth:`Config.merge_from_dict`.
    """
    from mmengine.hub import get_config

    def visit(node: Any, path: str, options: Dict[str, Any]) -> None:
        if not isinstance(node, dict):
            return
        init = node.get('init_cfg')
        if isinstance(init, dict) and init.get('type') == 'Pretrained':
            options[path + 'init_cfg'] = None
        if str(node.get('type', '')).endswith('ConfigModel'):
            config = node['config']
            sub_cfg = get_config(config) if '::' in config else \
                Config.fromfile(config)
            sub_cfg.merge_from_dict(node.get('cfg_options') or {})
            sub: Dict[str, Any] = dict(node.get('cfg_options') or {})
            visit(sub_cfg.model, 'model.', sub)
            options[path + 'cfg_options'] = sub
            return
        for key, value in node.items():
            visit(value, f'{path}{key}.', options)

    options: Dict[str, Any] = {}
    visit(cfg.model, 'model.', options)
    return options


def walk_dicts(node: Any) -> Iterator[dict]:
    """Every dict inside a config value, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk_dicts(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from walk_dicts(value)


def adapt_data(cfg: Config,
               data_root: Optional[str] = None,
               img_scale: Optional[Tuple[int, int]] = None,
               batch_size: Optional[int] = None,
               num_workers: Optional[int] = None) -> Config:
    """Point every dataloader of ``cfg`` at other data and sizes, in place.

    Args:
        cfg (Config): A training config.
        data_root (str, optional): New ``data_root`` of every dataset.
        img_scale (tuple[int, int], optional): New ``scale`` of every
            ``Resize`` transform.
        batch_size (int, optional): New batch size of the train dataloader.
        num_workers (int, optional): Workers of every dataloader; 0 also
            switches off persistent workers and the datasets'
            ``serialize_data``.

    Returns:
        Config: ``cfg``, modified.
    """
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(key)
        if not loader:
            continue
        if num_workers is not None:
            loader.num_workers = num_workers
            loader.persistent_workers = num_workers > 0
        if batch_size is not None and key == 'train_dataloader':
            loader.batch_size = batch_size
        for node in walk_dicts(loader.get('dataset')):
            if data_root is not None and 'data_root' in node:
                node['data_root'] = data_root
            if img_scale is not None and \
                    str(node.get('type', '')).endswith('Resize') and \
                    'scale' in node:
                node['scale'] = tuple(img_scale)
            # Serializing shares a data list with worker processes; without
            # workers it only costs a gc.collect() per dataset built.
            if num_workers == 0 and 'pipeline' in node and \
                    'dataset' not in node:
                node['serialize_data'] = False
    return cfg


def distill_options(cfg: Config, **tiny: Any) -> Dict[str, Any]:
    """Options that shrink the student and the teacher of a distillation.

    The student (``model.architecture``) gets :func:`tiny_model_options`
    directly; a ``ConfigModel`` teacher gets them through its
    ``cfg_options``; a teacher given as a model dict like the student.

    Args:
        cfg (Config): A distillation config (mmrazor ``FpnTeacherDistill``).
        **tiny: Arguments of :func:`tiny_model_options` for the teacher,
            e.g. ``depth=50``; the student is always the one in ``cfg``
            shrunk to depth 18 unless ``student_depth`` is given.

    Returns:
        dict: Options for :meth:`Config.merge_from_dict`.
    """
    student_depth = tiny.pop('student_depth', 18)
    student = dict(tiny, depth=student_depth)
    options = tiny_model_options(prefix='model.architecture.', **student)
    teacher = cfg.model.teacher
    if isinstance(teacher, (dict, ConfigDict)) and \
            str(teacher.get('type', '')).endswith('ConfigModel'):
        merged = dict(teacher.get('cfg_options') or {})
        merged.update(tiny_model_options(**tiny))
        options['model.teacher.cfg_options'] = merged
    else:
        options.update(tiny_model_options(prefix='model.teacher.', **tiny))
    return options


def set_kd_channels(cfg: Config, channels: int) -> Config:
    """Set the FPN channels that a distiller's losses and connectors expect.

    The comparison distillers (``configs/_base_/kd_methods.py``) assume
    256-channel FPNs; shrunk models (tests, demo, benchmarks) have fewer.
    Every ``student_channels``, ``teacher_channels`` and ``in_channels`` set
    inside ``cfg.model.distiller`` becomes ``channels``, in place.

    Args:
        cfg (Config): A distillation config.
        channels (int): FPN channels of both the student and the teacher.

    Returns:
        Config: ``cfg``, modified.
    """
    keys = ('student_channels', 'teacher_channels', 'in_channels')
    for node in walk_dicts(cfg.model.get('distiller')):
        for key in keys:
            if node.get(key) is not None:
                node[key] = channels
    return cfg
