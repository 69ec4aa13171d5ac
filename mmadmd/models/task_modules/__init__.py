# Copyright (c) mmadmd contributors. All rights reserved.
from .recorder import DiscrepancyMaskRecorder

__all__ = ['DiscrepancyMaskRecorder']
