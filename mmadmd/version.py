# Copyright (c) mmadmd contributors. All rights reserved.
__version__ = '0.1.0'

#: The versions mmadmd supports, ``(minimum, maximum)``: minimum included,
#: maximum excluded, as in requirements/runtime.txt and mminstall.txt (a
#: test keeps them equal). ``import mmadmd`` checks them; docs/installation.md
#: lists the stacks they were tested with.
SUPPORTED_VERSIONS = {
    'mmcv': ('2.1.0', '2.2.0'),
    'mmengine': ('0.10.3', '1.0.0'),
    'mmdet': ('3.2.0', '3.4.0'),
    'mmrazor': ('1.0.0', '1.1.0'),
}
