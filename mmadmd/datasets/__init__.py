# Copyright (c) mmadmd contributors. All rights reserved.
from .dior import DIORHBBDataset
from .dota_split import split_dota
from .nwpu_vhr10 import (NWPU_VHR10_CLASSES, NWPUVHR10Dataset,
                         make_nwpu_vhr10_split)

__all__ = [
    'DIORHBBDataset', 'NWPU_VHR10_CLASSES', 'NWPUVHR10Dataset',
    'make_nwpu_vhr10_split', 'split_dota'
]
