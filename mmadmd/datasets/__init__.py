# Copyright (c) mmadmd contributors. All rights reserved.
"""Datasets (DIOR, DIOR-R, DOTA) land with the detector issue."""
__all__: list = []
