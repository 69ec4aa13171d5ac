# Copyright (c) mmadmd contributors. All rights reserved.
from .build_utils import quiet_build_scope
from .cli import (HelpFormatter, add_cfg_options, add_runner_args,
                  build_runner, load_config)
from .config_utils import (adapt_data, config_path, distill_options,
                           no_pretrained_options, set_kd_channels,
                           tiny_model_options, walk_dicts)

__all__ = [
    'adapt_data', 'config_path', 'distill_options', 'no_pretrained_options',
    'set_kd_channels', 'tiny_model_options', 'add_runner_args', 'build_runner',
    'load_config', 'add_cfg_options', 'HelpFormatter', 'quiet_build_scope',
    'walk_dicts'
]
