# Copyright (c) mmadmd contributors. All rights reserved.
"""The code blocks of the README and the docs, as a user copies them (tests
run them)."""
import os.path as osp
from typing import List

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
README = osp.join(REPO, 'README.md')


def doc_blocks(path: str, heading: str, lang: str) -> List[str]:
    """Code blocks of one section of a Markdown page, verbatim.

    Args:
        path (str): The page, absolute or relative to the repository, e.g.
            ``'docs/user_guides/visualization.md'``.
        heading (str): The section's heading line, e.g. ``'## Mask
            pictures'``; the section ends at the next heading of any level.
        lang (str): The blocks' language tag, e.g. ``'python'``.

    Returns:
        list[str]: The blocks' text, in order.
    """
    path = osp.join(REPO, path)
    lines = open(path, encoding='utf-8').read().splitlines()
    if heading not in lines:
        raise KeyError(f'{osp.relpath(path, REPO)} has no section {heading!r}')
    blocks, block, fence = [], None, False
    for line in lines[lines.index(heading) + 1:]:
        if line.startswith('```'):
            if fence and block is not None:
                blocks.append('\n'.join(block) + '\n')
            block = [] if not fence and line == f'```{lang}' else None
            fence = not fence
        elif fence:
            if block is not None:
                block.append(line)
        elif line.startswith('#'):
            break
    return blocks


def readme_blocks(heading: str, lang: str) -> List[str]:
    """Code blocks of one README section, verbatim (see
    :func:`doc_blocks`)."""
    return doc_blocks(README, heading, lang)
