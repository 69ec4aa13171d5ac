# Copyright (c) mmadmd contributors. All rights reserved.
"""Synthetic remote-sensing scenes written in the DIOR and DOTA v1.0 layouts.

Synthetic inputs for tests, the demo and the benchmarks (as
``mmdet.testing``), kept apart from the plugin itself: ``shapes`` (kinds,
labelled objects, geometry, object shapes), ``scene`` (placement and
rendering), ``layouts`` (the painters and :func:`generate_scene`) and
``writers`` (the DIOR / DOTA files); ``nwpu`` writes tiny fake NWPU VHR-10
releases, and ``toy`` (imported on its own: it registers toy models) has
tiny detectors and runner configs for fast CPU tests.

The scenes are small aerial-looking images (fields, hedges, trees, rivers and
lakes, roads, buildings) with labelled objects whose boxes are exact for the
drawn shapes:

* ``plane`` - airliner silhouettes parked on an airport apron,
* ``ship`` - pointed hulls with superstructure/containers (and a wake) on
  water,
* ``storage-tank`` - bright discs with a rim and a roof ring, in tank farms or
  alone, casting a shadow,
* ``small-vehicle`` - 7-12 px cars, dense in parking lots and in traffic
  queues along roads,
* ``large-vehicle`` - 15-24 px trucks (cab + trailer) on roads,
* ``tennis-court`` - green/blue/clay rectangles with white lines, in rows,
* ``bridge`` - decks where a road crosses a river or lake.

Sizes are at zoom 1; ``generate_scene(..., zoom=z)`` draws a layout of
side ``size / z`` enlarged ``z`` times (a finer ground sampling distance:
every object ``z`` times larger). The DIOR demo uses zoom 2 (see
``docs/demo/report.md``).

Unlabelled distractors (buildings with rooftop units, lane dashes, trees,
runways, stall lines, haze, noise) make the task learnable on a CPU in
minutes while leaving room for a larger teacher to beat a small student.

Everything is pure numpy + OpenCV and deterministic: the image with global
index ``i`` of a dataset written with ``seed`` is generated from
``np.random.default_rng([seed, i])``, so the same seed gives byte-identical
annotation files and identical images.

Geometry conventions (shared by the annotations):

* continuous pixel coordinates: pixel ``(x, y)`` covers ``[x, x+1) x [y,
  y+1)``, so a box spanning the whole image is ``(0, 0, W, H)``;
* oriented box ``(cx, cy, w, h, angle)``: ``angle`` in radians, in
  ``[-pi/2, pi/2)``, clockwise on screen (image ``y`` points down) - the
  mmrotate ``le90`` ``rbox`` convention. ``w`` is the extent along the
  rotated x axis;
* polygon: the 4 corners of the oriented box, clockwise on screen (positive
  shoelace area in image coordinates), starting with the corner at local
  ``(-w/2, -h/2)``;
* horizontal box ``(xmin, ymin, xmax, ymax)``: the polygon's bounds clipped
  to the image (objects are always placed fully inside the image, so the
  clipping is a no-op in practice).

Example:
    >>> import numpy as np
    >>> from mmadmd.testing import generate_scene, write_dior
    >>> image, objects = generate_scene(np.random.default_rng(0), 256)
    >>> write_dior('data/dior_synth', 40, 10, 20)  # doctest: +SKIP
"""
from .layouts import generate_scene
from .nwpu import nwpu_boxes, write_nwpu_release
from .scene import draw_objects
from .shapes import (DIOR_CLASSES_USED, DOTA_CLASSES_USED, KIND_TO_DIOR,
                     KIND_TO_DOTA, KINDS, SceneObject)
from .writers import (DIOR_LAYOUT, DOTA_LAYOUT, dior_hbb_xml, dior_obb_xml,
                      dota_label_txt, write_dior, write_dota)

__all__ = [
    'KINDS', 'DOTA_CLASSES_USED', 'DIOR_CLASSES_USED', 'KIND_TO_DIOR',
    'KIND_TO_DOTA', 'SceneObject', 'generate_scene', 'draw_objects',
    'write_dior', 'write_dota', 'dior_hbb_xml', 'dior_obb_xml',
    'dota_label_txt', 'DIOR_LAYOUT', 'DOTA_LAYOUT', 'nwpu_boxes',
    'write_nwpu_release'
]
