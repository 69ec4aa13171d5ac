# Copyright (c) mmadmd contributors. All rights reserved.
from .config_utils import adapt_data, distill_options, tiny_model_options

__all__ = ['adapt_data', 'distill_options', 'tiny_model_options']
