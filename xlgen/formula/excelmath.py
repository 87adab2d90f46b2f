"""Excel's arithmetic where Python's (and the `formulas` package's) differs.

Excel rounds a double to 15 significant digits before it rounds decimally, so
ROUNDDOWN(8.2*1,2) is 8.2 although 8.2*1 is 8.19999… in binary; LibreOffice agrees.
`formulas` 1.3.4 rounds the binary value and gets 8.19. ``register_with_formulas()`` puts
these functions into `formulas`' library so that its own models agree with Excel too.
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, ROUND_UP, Context, Decimal

_DIGITS = 400
_WIDE = Context(prec=2 * _DIGITS + 20, Emax=10 * _DIGITS, Emin=-10 * _DIGITS)
_MODES = {"round": ROUND_HALF_UP, "down": ROUND_DOWN, "up": ROUND_UP, "floor": ROUND_FLOOR, "ceiling": ROUND_CEILING}


def excel_decimal(x: float) -> Decimal:
    """The decimal Excel sees for a double: its value to 15 significant digits."""
    return Decimal(format(x, ".15g"))


def excel_round(x: float, digits: float, mode: str = "round") -> float:
    """ROUND (half away from zero), ROUNDDOWN (toward zero), ROUNDUP (away from zero).

    Any double rounds, as in Excel: digits beyond ±400 change nothing more (a double spans
    10^-324..10^308), and the decimal context holds every digit of the result."""
    if not (math.isfinite(x) and math.isfinite(digits)):
        raise ValueError("#NUM!")
    d = max(-_DIGITS, min(_DIGITS, int(math.trunc(digits))))
    quantum = Decimal(1).scaleb(-d)
    return float(excel_decimal(x).quantize(quantum, rounding=_MODES[mode], context=_WIDE)) + 0.0


def rounddown(x: float, digits: float) -> float:
    return excel_round(x, digits, "down")


def roundup(x: float, digits: float) -> float:
    return excel_round(x, digits, "up")


_registered = False


def register_with_formulas() -> None:
    """Make `formulas` compute ROUND/ROUNDDOWN/ROUNDUP as Excel does, and fail loudly on a
    function it does not implement instead of returning #VALUE!/#NAME? silently."""
    global _registered
    if _registered:
        return
    import formulas
    from formulas.functions import wrap_ufunc

    library = formulas.get_functions()
    library["ROUND"] = wrap_ufunc(excel_round)
    library["ROUNDDOWN"] = wrap_ufunc(rounddown)
    library["ROUNDUP"] = wrap_ufunc(roundup)
    _registered = True
