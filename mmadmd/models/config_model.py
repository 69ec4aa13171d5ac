# Copyright (c) mmadmd contributors. All rights reserved.
import os
import os.path as osp
from typing import Optional

from mmengine.config import Config
from mmengine.hub import get_config
from mmengine.model import BaseModel
from mmengine.registry import MODELS as MMENGINE_MODELS

from mmadmd.registry import MODELS


@MODELS.register_module()
def ConfigModel(config: str,
                cfg_options: Optional[dict] = None) -> BaseModel:
    """Build the ``model`` of another config file, in that config's scope.

    mmrazor distillers take the teacher (or student) as a model dict or as
    ``dict(cfg_path='mmdet::...')``, but ``cfg_path`` only accepts configs
    shipped inside a package. This builder also takes a local file, so a
    distillation config can name a teacher config instead of copying its
    model (mmengine forbids two bases that both define ``model``).

    Args:
        config (str): Path of a config file (relative to the working
            directory; in a config, ``'{{fileDirname}}/teacher.py'`` names a
            file beside it), or ``'package::rel/path.py'``.
        cfg_options (dict, optional): Overrides merged into that config
            before building, in ``--cfg-options`` form, e.g.
            ``{'model.backbone.init_cfg': None}``. Defaults to None.

    Returns:
        BaseModel: The built model, not initialized (no weights loaded).

    Examples:
        >>> teacher = dict(
        ...     type='mmadmd.ConfigModel',
        ...     config='configs/detectors/retinanet_r101_fpn_2x_dior.py')
    """
    if '::' in config:
        cfg = get_config(config)
    elif not osp.isfile(config):
        raise FileNotFoundError(
            f'ConfigModel: config {config!r} not found. A relative path is '
            f'read from the working directory ({os.getcwd()}), not from the '
            'config that names it; to name a file beside your config, write '
            f"config='{{{{fileDirname}}}}/{osp.basename(config)}' (MMEngine "
            "replaces '{{fileDirname}}' by that config's folder).")
    else:
        cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if 'model' not in cfg:
        raise KeyError(f'ConfigModel: {config} defines no `model`.')
    model_cfg = cfg.model.copy()
    # Build in the scope the model was written for (mmdet, mmrotate, ...).
    model_cfg.setdefault('_scope_', cfg.get('default_scope', None))
    return MMENGINE_MODELS.build(model_cfg)
