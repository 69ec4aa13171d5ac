# Copyright (c) mmadmd contributors. All rights reserved.
import copy
import inspect
import os
import os.path as osp
from typing import Tuple, Union

from mmengine.config import Config
from mmengine.runner import Runner, save_checkpoint

#: Prefix of the student's weights in mmrazor distillation algorithms.
STUDENT_PREFIX = 'architecture.'


def student_config(cfg: Config) -> Config:
    """The student's own config from a distillation config.

    The model becomes ``model.architecture``; mmadmd/mmrazor-only settings
    (``admd_*`` pieces, mmadmd hooks and imports, the distillation val loop,
    the CPU DDP wrapper) are removed, so that mmdet/mmrotate alone can load
    it.

    Args:
        cfg (Config): The distillation config.

    Returns:
        Config: The student's config.
    """
    arch = cfg.model.get('architecture')
    if not isinstance(arch, dict) or 'type' not in arch:
        raise ValueError(
            'export_student: model.architecture must be a model dict (as in '
            "mmadmd's configs), got "
            f'{arch!r}. For cfg_path students, use that config directly.')
    out = {
        k: copy.deepcopy(v)
        for k, v in cfg.to_dict().items() if not k.startswith('admd_')
    }
    out['model'] = copy.deepcopy(cfg.to_dict()['model']['architecture'])
    out['model'].pop('_scope_', None)  # default_scope covers it
    out['default_hooks'] = {
        name: hook
        for name, hook in out.get('default_hooks', {}).items()
        if not _is_mmadmd(hook)
    }
    out['custom_hooks'] = [
        h for h in out.get('custom_hooks', []) if not _is_mmadmd(h)
    ]
    imports = out.get('custom_imports', {}).get('imports', [])
    if imports:
        out['custom_imports']['imports'] = [
            i for i in imports if not i.startswith('mmadmd')
        ]
    if 'Distill' in str((out.get('val_cfg') or {}).get('type', '')):
        out['val_cfg'] = dict(type='ValLoop')
    # The distillation run's resume state means nothing for the student
    # (MMDetection's test.py would try to resume the optimizer from it).
    out['load_from'], out['resume'] = None, False
    if 'CPUDistributed' in str(out.get('model_wrapper_cfg', {})):
        out.pop('model_wrapper_cfg')
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        _plain_datasets(out.get(key))
    # Helper keys the config was composed from (dior_*, nwpu_*,
    # finite_loss_hook, ...) are not read by the Runner; drop those that
    # name mmadmd, so that mmdet/mmrotate alone can load the config.
    runner_args = inspect.signature(Runner.__init__).parameters
    for key in [k for k in out if k not in runner_args]:
        if 'mmadmd' in repr(out[key]):
            out.pop(key)
    return Config(out)


def _plain_datasets(node) -> None:
    """Swap mmadmd dataset classes for their mmdet/mmrotate base classes.

    ``init_detector`` builds the test dataset for its metainfo; the exported
    config must not need mmadmd for that. The base class gets the same
    metainfo (classes, palette), so inference and visualization are alike.
    """
    from mmadmd.registry import DATASETS
    if isinstance(node, list):
        for item in node:
            _plain_datasets(item)
        return
    if not isinstance(node, dict):
        return
    kind = node.get('type')
    if isinstance(kind, str) and kind.startswith('mmadmd.'):
        cls = DATASETS.get(kind)
        base = next(b for b in cls.__mro__[1:]
                    if DATASETS.parent.get(b.__name__) is b)
        node['type'] = base.__name__
        # The subclass's own defaults (DIOR's image and annotation folders,
        # its sub_data_root), written out for the base class to use.
        accepted = {
            name
            for klass in base.__mro__
            if '__init__' in vars(klass)
            for name in inspect.signature(klass.__init__).parameters
        }
        for name, param in inspect.signature(cls.__init__).parameters.items():
            if name in accepted and name != 'self' and \
                    param.default is not inspect.Parameter.empty:
                node.setdefault(name, copy.deepcopy(param.default))
        metainfo = dict(cls.METAINFO)
        metainfo.update(node.get('metainfo') or {})
        node['metainfo'] = metainfo
    for value in node.values():
        _plain_datasets(value)


def _dataset_meta(cfg: Config) -> dict:
    """Metainfo of the test dataset's class, for the checkpoint's meta."""
    from mmengine.registry import DATASETS, init_default_scope
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    dataset = cfg.test_dataloader.dataset
    return dict(DATASETS.get(dataset.type).METAINFO,
                **(dataset.get('metainfo') or {}))


def _check_student(cfg: Config, student: dict, checkpoint: str) -> None:
    """Stop when the checkpoint's student is not the config's student."""
    from mmengine.registry import MODELS, DefaultScope

    from mmadmd.models.utils.checkpoint import load_state_dict_strictly
    arch = cfg.model.architecture
    scope = arch.get('_scope_', cfg.get('default_scope', 'mmdet'))
    with DefaultScope.overwrite_default_scope(scope):
        model = MODELS.build(arch)
    load_state_dict_strictly(
        model,
        student,
        checkpoint,
        what='student of this distillation config',
        opt_out='Export with the distillation config the checkpoint was '
        'trained with.')


def _is_mmadmd(hook: dict) -> bool:
    return str(hook.get('type', '')).startswith('mmadmd.')


def export_student(config: Union[str, Config],
                   checkpoint: str,
                   out_dir: str,
                   overwrite: bool = False) -> Tuple[str, str]:
    """Write the student of a distillation checkpoint as a plain detector.

    Args:
        config (str | Config): The distillation config (file).
        checkpoint (str): The distillation checkpoint.
        out_dir (str): Output folder.
        overwrite (bool): Replace an export already in ``out_dir``.
            Defaults to False: an existing ``student.pth`` or
            ``student_config.py`` stops the export before anything is
            read or written.

    Returns:
        tuple[str, str]: Paths of ``student.pth`` and ``student_config.py``.

    Raises:
        FileExistsError: If ``out_dir`` holds an export and not
            ``overwrite``.
    """
    ckpt_path = osp.join(out_dir, 'student.pth')
    cfg_path = osp.join(out_dir, 'student_config.py')
    existing = [p for p in (ckpt_path, cfg_path) if osp.exists(p)]
    if existing and not overwrite:
        raise FileExistsError(
            f'{out_dir} already holds an export ({", ".join(existing)}): '
            'choose another --out-dir, or pass --overwrite (overwrite=True) '
            'to replace it.')
    from mmadmd.models.utils.checkpoint import read_checkpoint
    cfg = config if isinstance(config, Config) else Config.fromfile(config)
    ckpt = read_checkpoint(checkpoint)
    state = ckpt.get('state_dict', ckpt)
    student = {
        k[len(STUDENT_PREFIX):]: v
        for k, v in state.items() if k.startswith(STUDENT_PREFIX)
    }
    if not student:
        raise KeyError(
            f'export_student: {checkpoint} has no "{STUDENT_PREFIX}*" '
            'weights; is it a checkpoint of an mmrazor distillation?')
    _check_student(cfg, student, checkpoint)
    meta = dict(ckpt.get('meta', {}))
    # init_detector takes the class names from here.
    meta.setdefault('dataset_meta', _dataset_meta(cfg))
    meta.pop('hook_msgs', None)
    meta['exported_from'] = osp.abspath(checkpoint)
    os.makedirs(out_dir, exist_ok=True)
    save_checkpoint(dict(state_dict=student, meta=meta), ckpt_path)
    student_config(cfg).dump(cfg_path)
    return ckpt_path, cfg_path


