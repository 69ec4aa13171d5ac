# Copyright (c) mmadmd contributors. All rights reserved.
"""DIOR (horizontal boxes) for mmdet detectors, and how to read DIOR-R.

DIOR is released as::

    DIOR/
    ├── JPEGImages-trainval/00001.jpg ... 11725.jpg
    ├── JPEGImages-test/11726.jpg ... 23463.jpg
    ├── Annotations/
    │   ├── Horizontal Bounding Boxes/00001.xml ...   (DIOR, <bndbox>)
    │   └── Oriented Bounding Boxes/00001.xml ...     (DIOR-R, <robndbox>)
    └── ImageSets/Main/{train,val,test}.txt            (one id per line)

* Horizontal boxes: :class:`DIORHBBDataset` (mmdet ``DATASETS``), evaluated
  with mmdet's ``VOCMetric`` (VOC mAP@0.5).
* Oriented boxes (DIOR-R): mmrotate's own ``DIORDataset`` reads this layout
  as it is; only ``data_prefix`` must name the image folder of the split (see
  ``configs/_base_/datasets/dior_r.py``). Evaluate it with mmrotate's
  ``DOTAMetric``.
  Note that mmrotate orders the classes differently (``expressway-*`` before
  ``dam``) and lower-cases them, so its label ids are not
  :class:`DIORHBBDataset`'s.
"""
import os.path as osp
import xml.etree.ElementTree as ET
from typing import Dict, List, Union

from mmdet.datasets import XMLDataset
from mmengine.fileio import exists, list_from_file

from mmadmd.registry import DATASETS
from .file_errors import NameFileOnError, stripped_spaces_hint

__all__ = ['DIOR_CLASSES', 'DIORHBBDataset']

#: The 20 DIOR categories, in the order of the DIOR paper, spelled as the
#: release's XML files spell them (matching is case-insensitive).
DIOR_CLASSES = ('airplane', 'airport', 'baseballfield', 'basketballcourt',
                'bridge', 'chimney', 'dam', 'Expressway-Service-area',
                'Expressway-toll-station', 'golffield', 'groundtrackfield',
                'harbor', 'overpass', 'ship', 'stadium', 'storagetank',
                'tenniscourt', 'trainstation', 'vehicle', 'windmill')


@DATASETS.register_module()
class DIORHBBDataset(NameFileOnError, XMLDataset):
    """DIOR with horizontal boxes, in the layout of the official release.

    mmdet's :class:`~mmdet.datasets.XMLDataset` does the parsing (VOC-style
    ``<object><name>``/``<bndbox>``, ``<difficult>`` -> ignored, 1 subtracted
    from the coordinates as for VOC, which ``VOCMetric``'s legacy coordinates
    expect). On top of it this class

    * matches class names case-insensitively (the release writes
      ``Expressway-Service-area`` and other casings); objects of a DIOR
      class left out of ``metainfo['classes']`` are skipped, as in mmdet,
    * fails with the file name on a missing image or annotation, an unknown
      class, a garbled XML or a box that cannot be right (inverted, of zero
      width or height, wholly outside the image), and on an empty split, an
      image id listed twice or an empty result of ``filter_cfg``, instead of
      training on nothing or counting objects twice,
    * sets ``dataset_meta['dataset_type'] = 'DIOR'`` so that ``VOCMetric``
      reports per-class AP with the DIOR class names.

    Paths: ``ann_file`` (the split list) and ``data_prefix['sub_data_root']``
    are joined to ``data_root``; images are ``<sub_data_root>/<img_subdir>/
    <id>.jpg`` and annotations ``<sub_data_root>/<ann_subdir>/<id>.xml``. The
    train and val images live in ``JPEGImages-trainval`` (the default), the
    test images in ``JPEGImages-test``: pick it with ``img_subdir``.

    Images without objects are kept; drop them for training with
    ``filter_cfg=dict(filter_empty_gt=True)`` (ignored in ``test_mode``).

    Example:
        >>> dior_root = 'data/DIOR/'
        >>> train = dict(
        ...     type='ConcatDataset',
        ...     datasets=[
        ...         dict(type='mmadmd.DIORHBBDataset', data_root=dior_root,
        ...              ann_file=f'ImageSets/Main/{split}.txt',
        ...              filter_cfg=dict(filter_empty_gt=True),
        ...              pipeline=train_pipeline)
        ...         for split in ('train', 'val')])
        >>> test = dict(
        ...     type='mmadmd.DIORHBBDataset', data_root=dior_root,
        ...     ann_file='ImageSets/Main/test.txt',
        ...     img_subdir='JPEGImages-test', test_mode=True,
        ...     pipeline=test_pipeline)
        >>> # eval_mode: '11points' (VOC2007, mmdet's default) or 'area'
        >>> test_evaluator = dict(type='VOCMetric', metric='mAP',
        ...                       eval_mode='area')

    Args:
        img_subdir (str): Image folder, relative to ``sub_data_root``.
            Defaults to ``'JPEGImages-trainval'``; use ``'JPEGImages-test'``
            for the test split.
        ann_subdir (str): Annotation folder, relative to ``sub_data_root``.
            Defaults to ``'Annotations/Horizontal Bounding Boxes'``.
        data_prefix (dict): Prefixes joined to ``data_root``; only
            ``sub_data_root`` is used, and defaults to ``''`` (i.e.
            ``data_root`` itself) when missing.
        **kwargs: Other arguments of :class:`~mmdet.datasets.XMLDataset`
            (``data_root``, ``ann_file``, ``metainfo``, ``filter_cfg``,
            ``pipeline``, ``test_mode``, ``backend_args``...).
    """

    METAINFO = {
        'classes':
        DIOR_CLASSES,
        # read by VOCMetric: anything but 'VOC2007'/'VOC2012' makes it use
        # the class names above in its per-class table.
        'dataset_type':
        'DIOR',
        'palette': [(220, 20, 60), (119, 11, 32), (0, 0, 142), (0, 0, 230),
                    (106, 0, 228), (0, 60, 100), (0, 80, 100), (0, 0, 70),
                    (0, 0, 192), (250, 170, 30), (100, 170, 30), (220, 220, 0),
                    (175, 116, 175), (250, 0, 30), (165, 42, 42),
                    (255, 77, 255), (0, 226, 252), (182, 182, 255), (0, 82, 0),
                    (120, 166, 157)]
    }

    def __init__(self,
                 img_subdir: str = 'JPEGImages-trainval',
                 ann_subdir: str = 'Annotations/Horizontal Bounding Boxes',
                 data_prefix: dict = dict(sub_data_root=''),
                 **kwargs) -> None:
        # XMLDataset looks annotations up under `sub_data_root` only; without
        # the key they would be looked for relative to the working directory.
        data_prefix = dict(data_prefix)
        data_prefix.setdefault('sub_data_root', '')
        super().__init__(
            img_subdir=img_subdir,
            ann_subdir=ann_subdir,
            data_prefix=data_prefix,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """Check the split file, then load it with ``XMLDataset``.

        Returns:
            list[dict]: One data info per image id of ``ann_file``.

        Raises:
            FileNotFoundError: If ``ann_file`` does not exist.
            ValueError: If ``ann_file`` lists no image or has blank lines.
        """
        self._build_name_map()
        layout = ('DIOR layout: <data_root>/ImageSets/Main/{train,val,test}'
                  f'.txt (data_root={self.data_root!r})')
        if not self.ann_file or not exists(
                self.ann_file, backend_args=self.backend_args):
            raise FileNotFoundError(
                f'DIOR split file not found: {self.ann_file!r}; expected the '
                + layout + stripped_spaces_hint(self.ann_file or ''))
        img_ids = list_from_file(self.ann_file, backend_args=self.backend_args)
        if not img_ids:
            raise ValueError(f'DIOR split file {self.ann_file} lists no '
                             'image ids: the dataset would be empty')
        first_line: Dict[str, int] = {}
        for lineno, img_id in enumerate(img_ids, 1):
            if not img_id.strip() or img_id != img_id.strip():
                raise ValueError(
                    f'{self.ann_file}, line {lineno}: expected an image id '
                    f'such as 00001, got {img_id!r}')
            if img_id in first_line:
                raise ValueError(
                    f'{self.ann_file}, line {lineno}: image id {img_id} is '
                    f'listed again (first on line {first_line[img_id]}); '
                    'its objects would be counted twice (in training and in '
                    'the mAP). Remove the repeated line.')
            first_line[img_id] = lineno
        return super().load_data_list()

    def parse_data_info(self, img_info: dict) -> Union[dict, List[dict]]:
        """Parse one image's annotation, naming the file on any problem.

        Args:
            img_info (dict): Raw image information with ``img_id``,
                ``file_name`` and ``xml_path``.

        Returns:
            dict: Parsed annotation (see ``XMLDataset.parse_data_info``).

        Raises:
            FileNotFoundError: If the image or the XML file does not exist.
            ValueError: If the XML cannot be parsed, lacks a field or names a
                class that is not a DIOR class.
        """
        xml_path = img_info['xml_path']
        img_path = osp.join(self.sub_data_root, img_info['file_name'])
        if not exists(xml_path, backend_args=self.backend_args):
            raise FileNotFoundError(
                f'DIOR annotation of image {img_info["img_id"]} (listed in '
                f'{self.ann_file}) not found: {xml_path}')
        if not exists(img_path, backend_args=self.backend_args):
            raise FileNotFoundError(
                f'DIOR image {img_info["img_id"]} (listed in {self.ann_file})'
                f' not found: {img_path}; trainval images are in '
                'JPEGImages-trainval, test images in JPEGImages-test (set '
                '`img_subdir`)')
        try:
            return super().parse_data_info(img_info)
        except ET.ParseError as e:
            raise ValueError(
                f'Cannot parse DIOR annotation {xml_path}: {e}') from e
        except (AttributeError, TypeError, ValueError) as e:
            # A missing element surfaces as None.text / int(None) deep in
            # mmdet's parser: name the file, which mmdet does not.
            raise ValueError(f'Bad DIOR annotation {xml_path}: {e}') from e

    def _parse_instance_info(self,
                             raw_ann_info: ET.ElementTree,
                             minus_one: bool = True) -> List[dict]:
        """Normalize class names to ``metainfo['classes']``, then let
        ``XMLDataset`` parse the objects.

        Args:
            raw_ann_info (ElementTree): The parsed XML file.
            minus_one (bool): Whether to subtract 1 from the coordinates.
                Defaults to True.

        Returns:
            list[dict]: Instances with ``bbox``, ``bbox_label`` and
            ``ignore_flag``.
        """
        for i, obj in enumerate(raw_ann_info.findall('object')):
            name_node = obj.find('name')
            name = '' if name_node is None else (name_node.text or '').strip()
            if not name:
                raise ValueError(f'<object> #{i} has no <name>')
            key = name.lower()
            if key not in self._name_map:
                raise ValueError(
                    f'unknown class {name!r} in <object> #{i}; known classes '
                    f'(case-insensitive): {", ".join(self._known_classes)}')
            # A DIOR class outside metainfo['classes'] maps to None: leave it
            # for XMLDataset to skip.
            if self._name_map[key] is not None:
                name_node.text = self._name_map[key]
                bndbox = obj.find('bndbox')
                if bndbox is None or any(
                        bndbox.find(k) is None
                        for k in ('xmin', 'ymin', 'xmax', 'ymax')):
                    raise ValueError(
                        f'<object> #{i} ({name}) needs a <bndbox> with '
                        '<xmin>, <ymin>, <xmax> and <ymax>')
                _check_box(i, name, bndbox, raw_ann_info.find('size'))
        return super()._parse_instance_info(raw_ann_info, minus_one=minus_one)

    def filter_data(self) -> List[dict]:
        """Filter with ``filter_cfg`` like ``XMLDataset``, but refuse to end
        up with no image at all.

        Returns:
            list[dict]: The kept data infos.

        Raises:
            ValueError: If the filter removed every image.
        """
        valid = super().filter_data()
        if self.data_list and not valid:
            raise ValueError(
                f'filter_cfg={self.filter_cfg} removed all '
                f'{len(self.data_list)} images of {self.ann_file} (no image '
                'has an object of the selected classes?)')
        return valid

    def _build_name_map(self) -> None:
        """Map lower-cased names to the spelling in ``metainfo['classes']``
        (``None`` for DIOR classes that are not selected)."""
        classes = self._metainfo.get('classes') or ()
        name_map: Dict[str, Union[str, None]] = {
            c.lower(): None
            for c in DIOR_CLASSES
        }
        name_map.update({c.lower(): c for c in classes})
        self._name_map = name_map
        dior_lower = {c.lower() for c in DIOR_CLASSES}
        self._known_classes = list(DIOR_CLASSES) + [
            c for c in classes if c.lower() not in dior_lower
        ]


def _check_box(i: int, name: str, bndbox: ET.Element,
               size: 'ET.Element | None') -> None:
    """Refuse a box that cannot be right: inverted, of zero width or
    height, or wholly outside the image (when the XML gives its
    ``<size>``). A box partly outside is kept as it is; mmdet's transforms
    clip it to the image."""
    xmin, ymin, xmax, ymax = (float(bndbox.find(k).text)
                              for k in ('xmin', 'ymin', 'xmax', 'ymax'))
    box = f'({xmin:g}, {ymin:g}, {xmax:g}, {ymax:g})'
    if xmin > xmax or ymin > ymax:
        raise ValueError(f'<object> #{i} ({name}): inverted box {box} '
                         '(xmin > xmax or ymin > ymax)')
    if xmin == xmax or ymin == ymax:
        raise ValueError(f'<object> #{i} ({name}): box {box} has zero width '
                         'or height (xmin == xmax or ymin == ymax); its '
                         'regression target would be infinite (loss=inf). '
                         'Fix or remove the object.')
    if size is not None and size.find('width') is not None and \
            size.find('height') is not None:
        width, height = (float(size.find(k).text)
                         for k in ('width', 'height'))
        if xmax < 0 or ymax < 0 or xmin > width or ymin > height:
            raise ValueError(f'<object> #{i} ({name}): box {box} lies '
                             f'wholly outside the {width:g}x{height:g} image')
