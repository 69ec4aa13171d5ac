# Copyright (c) mmadmd contributors. All rights reserved.
import os
import sys

# mmadmd first (mmrazor compat), then the toy models on the path.
import mmadmd  # noqa: F401,I001

sys.path.insert(0, os.path.dirname(__file__))

from data_fixtures import (dior_root, dota_split_root,  # noqa: E402,F401
                           nwpu_root)
