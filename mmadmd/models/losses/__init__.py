# Copyright (c) mmadmd contributors. All rights reserved.
from .admd_loss import ADMDLoss
from .fgd_loss import FGDLoss

__all__ = ['ADMDLoss', 'FGDLoss']
