"""Demo portal content: news items from the programme's own announcements, and difficulties in
every state raised by the demo's commune, province, marketplace and carrier, some answered and
published to the FAQ, one overdue. Built through the services; running it again adds nothing."""

import datetime as dt

from django.utils import timezone

from nongsan.accounts.models import Role, User
from nongsan.support import services
from nongsan.support.models import Difficulty, NewsItem

NEWS = (
    (
        "ke-hoach-1034",
        "Bộ TTTT ban hành Kế hoạch 1034 đưa hộ sản xuất nông nghiệp lên sàn TMĐT",
        "Quyết định 1034/QĐ-BTTTT ngày 21/7/2021 phê duyệt kế hoạch hỗ trợ hộ sản xuất nông "
        "nghiệp lên sàn thương mại điện tử, thúc đẩy kinh tế số nông nghiệp, nông thôn.",
        "Kế hoạch có sự đồng hành của hai doanh nghiệp bưu chính lớn: Tổng công ty Bưu điện Việt "
        "Nam (sàn Postmart) và Tổng công ty cổ phần Bưu chính Viettel (sàn Vỏ Sò). Mục tiêu: đào "
        "tạo kỹ năng số, kỹ năng kinh doanh thương mại điện tử, kết nối, quảng bá sản phẩm, mở "
        "rộng thị trường trong nước và quốc tế.",
        dt.date(2021, 7, 21),
    ),
    (
        "3-1-trieu-ho-len-san",
        "Gần 3,1 triệu hộ sản xuất nông nghiệp đã lên sàn Postmart, Vỏ Sò",
        "Sau hơn 3 tháng triển khai, hai sàn đã hỗ trợ tiêu thụ gần 26.000 tấn nông sản.",
        "Trong gần 26.000 tấn nông sản tiêu thụ qua hai sàn có 2.200 tấn đến từ các tỉnh, thành "
        "miền Nam. Cổng hỗ trợ là kênh để cơ quan, tổ chức, địa phương chia sẻ khó khăn, vướng "
        "mắc trong quá trình triển khai Kế hoạch 1034.",
        dt.date(2021, 11, 1),
    ),
    (
        "dat-lien-ket-cong-ho-tro",
        "Đề nghị các Sở TTTT đặt liên kết Cổng hỗ trợ hộ sản xuất nông nghiệp",
        "Sở TTTT các tỉnh, thành phố đặt đường liên kết và khung số liệu của Cổng lên website "
        "của Sở để hộ dễ tìm hướng dẫn.",
        "Mã nhúng khung số liệu có ở trang Số liệu toàn quốc của Cổng; khung tự cập nhật từ dữ "
        "liệu theo dõi của nền tảng.",
        dt.date(2021, 11, 15),
    ),
)

# (raised by phone, topic, title, description, what happens next)
DIFFICULTIES = (
    (
        "+84912000003",
        Difficulty.Topic.PAYMENTS,
        "Hộ vùng cao chưa mở được ví điện tử",
        "Nhiều hộ ở thôn Quán Thanh không có điện thoại thông minh để xác thực ví điện tử, nên "
        "chưa nhận được tiền bán na qua sàn.",
        "answered_published",
    ),
    (
        "+84912000002",
        Difficulty.Topic.TRAINING,
        "Thiếu giảng viên tập huấn kỹ năng số cấp xã",
        "Tỉnh cần thêm giảng viên cho 40 lớp tập huấn kỹ năng số trong tháng tới.",
        "in_progress",
    ),
    (
        "+84912000007",
        Difficulty.Topic.PLATFORM,
        "Đồng bộ mã xã mới sau sắp xếp đơn vị hành chính",
        "Một số gian hàng còn địa chỉ theo đơn vị cũ, cần bảng chuyển đổi mã xã.",
        "closed",
    ),
    (
        "+84912000006",
        Difficulty.Topic.DELIVERY,
        "Xe chở nông sản bị chặn ở chốt kiểm soát",
        "Xe chở vải thiều chưa có thẻ nhận diện phương tiện ưu tiên bị chặn ở chốt liên tỉnh.",
        "overdue",
    ),
    (
        "+84912000003",
        Difficulty.Topic.DELIVERY,
        "Bưu tá lấy hàng chậm vào mùa na",
        "Mùa thu hoạch na, bưu cục xã chỉ có một chuyến lấy hàng mỗi ngày.",
        "open",
    ),
)


def support_demo_seed() -> dict[str, int]:
    made = {"news": 0, "difficulties": 0}
    for slug, title, summary, body, day in NEWS:
        _item, created = NewsItem.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "body": body,
                "published_at": dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
            },
        )
        made["news"] += int(created)
    ministry = User.objects.filter(role=Role.MINISTRY_OFFICIAL).order_by("pk").first()
    if ministry is None:
        return made
    for phone, topic, title, description, fate in DIFFICULTIES:
        raiser = User.objects.filter(phone=phone).first()
        if raiser is None or Difficulty.objects.filter(title=title).exists():
            continue
        difficulty = services.difficulty_raise(
            actor=raiser, topic=topic, title=title, description=description
        )
        made["difficulties"] += 1
        if fate == "open":
            continue
        if fate == "overdue":
            Difficulty.objects.filter(pk=difficulty.pk).update(
                due_on=timezone.localdate() - dt.timedelta(days=3)
            )
            continue
        services.difficulty_assign(
            actor=ministry, difficulty=difficulty, unit="Cục Thương mại điện tử và Kinh tế số"
        )
        if fate == "in_progress":
            continue
        services.difficulty_reply(
            actor=ministry,
            difficulty=difficulty,
            answer=True,
            body="Bộ đã đề nghị Bưu điện Việt Nam bố trí nhân viên bưu điện văn hóa xã mở giúp "
            "tài khoản, và hướng dẫn hộ nhận tiền mặt tại bưu cục trong thời gian chờ."
            if fate == "answered_published"
            else "Bảng chuyển đổi mã xã đã có trong API địa giới (/api/geo/).",
        )
        difficulty.refresh_from_db()
        if fate == "answered_published":
            services.faq_publish(
                actor=ministry,
                difficulty=difficulty,
                question="Hộ không có điện thoại thông minh thì mở tài khoản nhận tiền thế nào?",
                answer="Hộ đến bưu điện văn hóa xã để được nhân viên mở giúp tài khoản thanh "
                "toán; trong thời gian chờ có thể nhận tiền bán hàng bằng tiền mặt tại bưu cục.",
            )
        else:
            services.difficulty_close(actor=raiser, difficulty=difficulty)
    return made
