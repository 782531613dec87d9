from decimal import Decimal

from django.template import Context, Template

from core.money import to_wan, to_yuan


def test_wan_rounds_half_up_exactly() -> None:
    assert to_wan(Decimal("244298700.00")) == Decimal("24429.87")
    assert to_wan(Decimal("5000.00")) == Decimal("0.50")
    assert to_wan(Decimal("50.00")) == Decimal("0.01")  # 0.005 rounds up, not to even
    assert to_wan(None) is None
    assert to_yuan("0.125") == Decimal("0.13")


def test_template_filters_print_grouped_exact_figures() -> None:
    html = Template("{% load povertycase %}{{ v|yuan }} / {{ v|wan_yuan }}").render(
        Context({"v": Decimal("398868400.00")})
    )
    assert html == "398,868,400.00 / 39,886.84"
