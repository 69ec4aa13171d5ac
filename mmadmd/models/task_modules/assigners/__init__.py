# Copyright (c) mmadmd contributors. All rights reserved.
from .hbox_overlaps import HBoxOverlaps2D

__all__ = ['HBoxOverlaps2D']
