# Copyright (c) mmadmd contributors. All rights reserved.
import contextlib
import logging
from typing import Iterator, Optional

from mmengine.logging import MMLogger
from mmengine.registry import DefaultScope


@contextlib.contextmanager
def quiet_build_scope(scope: Optional[str]) -> Iterator[None]:
    """Build modules in ``scope`` with the mmengine logger at WARNING.

    Building and initializing a model log every parameter at INFO level;
    analysis tools that build models outside a Runner do not want that.

    Args:
        scope (str, optional): Default scope while building (a config's
            ``default_scope``).
    """
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with DefaultScope.overwrite_default_scope(scope):
            yield
    finally:
        logger.setLevel(level)


__all__ = ['quiet_build_scope']
