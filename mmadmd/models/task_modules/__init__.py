# Copyright (c) mmadmd contributors. All rights reserved.
from .assigners import HBoxOverlaps2D
from .recorder import DiscrepancyMaskRecorder

__all__ = ['DiscrepancyMaskRecorder', 'HBoxOverlaps2D']
