"""The step-by-step guides of the portal: how a household registers, opens a shop, lists a
product, takes payments and ships. Each step points at the real page it is about; the picture
beside it is a screenshot of that page taken by `manage.py portal_screenshots`."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SCREENSHOT_DIR = "guides"  # under MEDIA_ROOT


@dataclass(frozen=True)
class Step:
    title: Promise
    text: Promise
    path: str  # the real page the step is done on, relative to the site root
    shot: str  # the screenshot's file name under MEDIA_ROOT/guides/
    login_as: str = ""  # the demo role the screenshot is taken as ("" for a visitor)

    @property
    def image_url(self) -> str:
        """The screenshot's address, or "" while it has not been taken yet."""
        if (Path(settings.MEDIA_ROOT) / SCREENSHOT_DIR / self.shot).exists():
            return f"{settings.MEDIA_URL}{SCREENSHOT_DIR}/{self.shot}"
        return ""


@dataclass(frozen=True)
class Guide:
    slug: str
    title: Promise
    summary: Promise
    steps: tuple[Step, ...]


GUIDES: tuple[Guide, ...] = (
    Guide(
        "dang-ky",
        _("Đăng ký tài khoản cho hộ sản xuất"),
        _("Tạo tài khoản bằng số điện thoại, hoặc nhờ cán bộ xã, bưu điện đăng ký giúp."),
        (
            Step(
                _("Mở trang đăng ký"),
                _("Nhập số điện thoại di động, họ tên chủ hộ và chọn “Hộ sản xuất”."),
                "/dang-ky/",
                "dang-ky-1.png",
            ),
            Step(
                _("Đăng nhập bằng mã SMS"),
                _("Không cần nhớ mật khẩu: nhập số điện thoại để nhận mã 6 số qua tin nhắn."),
                "/dang-nhap/",
                "dang-ky-2.png",
            ),
            Step(
                _("Kiểm tra hồ sơ hộ"),
                _("Hồ sơ hộ (CCCD của chủ hộ, địa chỉ, sản phẩm) do cán bộ xã xác nhận."),
                "/ho/cua-toi/",
                "dang-ky-3.png",
                "household",
            ),
        ),
    ),
    Guide(
        "mo-gian-hang",
        _("Mở gian hàng và đăng sản phẩm"),
        _("Mỗi hộ có một gian hàng trên sàn; sản phẩm có ảnh, giá, đơn vị bán và tồn kho."),
        (
            Step(
                _("Vào trang Bán hàng"),
                _("Chọn “Bán hàng” trên thanh menu để mở gian hàng của hộ."),
                "/ban-hang/",
                "gian-hang-1.png",
                "household",
            ),
            Step(
                _("Tìm thử sản phẩm của mình"),
                _("Người mua tìm được sản phẩm kể cả khi gõ không dấu: “vai thieu bac giang”."),
                "/tim-kiem/?q=vai+thieu",
                "gian-hang-2.png",
            ),
        ),
    ),
    Guide(
        "thanh-toan",
        _("Nhận tiền bán hàng"),
        _("Mở tài khoản thanh toán điện tử (ngân hàng hoặc ví) để nhận tiền từ sàn."),
        (
            Step(
                _("Vào trang Nhận tiền"),
                _("Khai báo tài khoản ngân hàng hoặc ví điện tử đứng tên chủ hộ."),
                "/nhan-tien/",
                "thanh-toan-1.png",
                "household",
            ),
        ),
    ),
    Guide(
        "giao-hang",
        _("Đóng gói và gửi hàng qua bưu điện"),
        _("Khi có đơn, hộ tạo vận đơn, in nhãn và giao hàng cho bưu tá đến lấy."),
        (
            Step(
                _("Xem đơn bán"),
                _("Mở “Đơn bán”, xác nhận đơn và bấm “Gửi hàng” để tạo vận đơn."),
                "/ban-hang/don/",
                "giao-hang-1.png",
                "household",
            ),
        ),
    ),
)


def guide_get(slug: str) -> Guide:
    for guide in GUIDES:
        if guide.slug == slug:
            return guide
    raise Http404
