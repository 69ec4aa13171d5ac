# Copyright (c) mmadmd contributors. All rights reserved.
from typing import Any


class NameFileOnError:
    """Dataset mixin: an error while loading a sample names its image.

    OpenCV fails on a 0-byte or truncated image with an assertion that names
    no file (``!buf.empty() in function 'imdecode_'``); this re-raises any
    error of the pipeline with the sample's index and image path.
    """

    def prepare_data(self, idx: int) -> Any:
        """``BaseDataset.prepare_data``, naming the image on failure."""
        try:
            return super().prepare_data(idx)
        except Exception as e:
            path = self.get_data_info(idx).get('img_path')
            raise RuntimeError(
                f'{type(self).__name__}: cannot load sample {idx}, image '
                f'{path}: {type(e).__name__}: {e} (a 0-byte, truncated or '
                'non-image file?)') from e
