# Copyright (c) mmadmd contributors. All rights reserved.
from .dior import DIORHBBDataset
from .dota_split import split_dota

__all__ = ['DIORHBBDataset', 'split_dota']
