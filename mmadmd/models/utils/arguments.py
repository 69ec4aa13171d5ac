# Copyright (c) mmadmd contributors. All rights reserved.
"""Validation of numeric arguments with messages that name the argument,
the value and the fix."""
import math
import numbers
from typing import Any, Optional


def _decimal_comma(value: Any) -> Optional[str]:
    """``'0.5'`` for ``[0, 5]``: what ``--cfg-options tau=0,5`` meant."""
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0
            for v in value):
        return f'{value[0]}.{value[1]}'
    return None


def check_number(owner: str,
                 name: str,
                 value: Any,
                 low: Optional[float] = None,
                 low_inclusive: bool = False,
                 integer: bool = False,
                 hint: str = '') -> None:
    """Stop unless ``value`` is a finite number (above ``low``).

    A list where a number belongs is what ``--cfg-options tau=0,5`` (a
    decimal comma) gives; the message says so.

    Args:
        owner (str): The class, e.g. ``'ADMDLoss'``.
        name (str): The argument.
        value: Its value.
        low (float, optional): The bound it must exceed.
        low_inclusive (bool): ``value == low`` is allowed too.
        integer (bool): It must be an integer.
        hint (str): What the argument does, appended to a range error.

    Raises:
        TypeError: For a value that is not a (finite, real) number.
        ValueError: For a number out of range.
    """
    kind = 'an integer' if integer else 'a number'
    ok_type = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, ok_type):
        meant = _decimal_comma(value)
        fix = (f' Write decimals with a decimal point, not a comma: '
               f'{name}={meant} (--cfg-options reads {name}='
               f'{str(meant).replace(".", ",")} as a list).'
               if meant is not None else '')
        raise TypeError(f'{owner}: {name} must be {kind}, got {value!r} '
                        f'(a {type(value).__name__}).{fix}')
    if not math.isfinite(value):
        raise ValueError(f'{owner}: {name} must be finite, got {value}.')
    if low is not None and (value < low or
                            (value == low and not low_inclusive)):
        bound = f'>= {low}' if low_inclusive else f'> {low}'
        raise ValueError(f'{owner}: {name} must be {bound}, got {value}.' +
                         (f' {hint}' if hint else ''))
