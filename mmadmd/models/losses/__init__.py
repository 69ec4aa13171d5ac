# Copyright (c) mmadmd contributors. All rights reserved.
from .admd_loss import ADMDLoss

__all__ = ['ADMDLoss']
