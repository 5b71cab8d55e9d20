"""Administrative units (current two-level structure and the legacy three-level one), countries."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    """The three regions the report notes group provinces by."""

    NORTH = "north", _("Miền Bắc")
    CENTRAL = "central", _("Miền Trung")
    SOUTH = "south", _("Miền Nam")


class EconomicRegion(models.TextChoices):
    """The six socio-economic regions."""

    NORTHERN_MIDLANDS = "northern_midlands", _("Trung du và miền núi phía Bắc")
    RED_RIVER_DELTA = "red_river_delta", _("Đồng bằng sông Hồng")
    NORTH_CENTRAL_COAST = "north_central_coast", _("Bắc Trung Bộ và duyên hải miền Trung")
    CENTRAL_HIGHLANDS = "central_highlands", _("Tây Nguyên")
    SOUTHEAST = "southeast", _("Đông Nam Bộ")
    MEKONG_DELTA = "mekong_delta", _("Đồng bằng sông Cửu Long")


class Continent(models.TextChoices):
    """Continents in the order and wording of the report notes (Appendix 02/03)."""

    ASIA = "asia", _("Châu Á")
    EUROPE = "europe", _("Châu Âu")
    OCEANIA = "oceania", _("Châu Đại Dương")
    AMERICAS = "americas", _("Châu Mỹ")
    ANTARCTICA = "antarctica", _("Châu Nam Cực")
    AFRICA = "africa", _("Châu Phi")


class Province(models.Model):
    """A province or centrally-run city (34 since 1 July 2025)."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        CITY = "city", _("Thành phố")

    code = models.CharField(_("mã"), max_length=2, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    region = models.CharField(_("miền"), max_length=10, choices=Region.choices)
    economic_region = models.CharField(
        _("vùng kinh tế - xã hội"), max_length=30, choices=EconomicRegion.choices
    )
    latitude = models.FloatField(_("vĩ độ"))
    longitude = models.FloatField(_("kinh độ"))
    key = models.CharField(max_length=100, db_index=True, help_text="folded short name")

    class Meta:
        ordering = ["code"]
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")

    def __str__(self) -> str:
        return self.short_name


class Commune(models.Model):
    """A commune, ward or special zone (3,321 since 1 July 2025): one model, with a kind."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Xã")
        WARD = "ward", _("Phường")
        SPECIAL_ZONE = "special_zone", _("Đặc khu")

    code = models.CharField(_("mã"), max_length=5, unique=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("tỉnh/thành phố"),
    )
    name = models.CharField(_("tên"), max_length=100)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    kind = models.CharField(_("loại"), max_length=15, choices=Kind.choices)
    latitude = models.FloatField(_("vĩ độ"))
    longitude = models.FloatField(_("kinh độ"))
    area_km2 = models.FloatField(_("diện tích (km²)"), null=True, blank=True)
    key = models.CharField(max_length=100, db_index=True, help_text="folded short name")

    class Meta:
        ordering = ["province__code", "code"]
        verbose_name = _("xã/phường")
        verbose_name_plural = _("xã/phường")
        indexes = [models.Index(fields=["province", "key"])]

    def __str__(self) -> str:
        return f"{self.name}, {self.province.name}"


class LegacyProvince(models.Model):
    """One of the 63 provinces before 1 July 2025, with the current province it became part of."""

    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=100)
    short_name = models.CharField(max_length=100)
    key = models.CharField(max_length=100, db_index=True)
    successor = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="predecessors")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LegacyDistrict(models.Model):
    """A district (huyện/quận/thị xã/thành phố thuộc tỉnh), abolished 1 July 2025."""

    code = models.CharField(max_length=3, unique=True)
    province = models.ForeignKey(LegacyProvince, on_delete=models.CASCADE, related_name="districts")
    name = models.CharField(max_length=100)
    short_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=100, db_index=True)
    # Island districts had no wards: the district as a whole became a special zone (đặc khu), so
    # their succession cannot hang off a LegacyWard.
    successor = models.ForeignKey(
        Commune,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="legacy_districts",
        help_text="only for districts without wards",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}, {self.province.name}"


class LegacyWard(models.Model):
    """A commune/ward of the three-level structure, with the current communes it went into."""

    code = models.CharField(max_length=5, unique=True)
    district = models.ForeignKey(LegacyDistrict, on_delete=models.CASCADE, related_name="wards")
    name = models.CharField(max_length=100)
    short_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=100, db_index=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    successors = models.ManyToManyField(
        Commune, through="LegacyWardSuccessor", related_name="legacy_wards"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}, {self.district.name}"


class LegacyWardSuccessor(models.Model):
    """Old ward -> new commune. A ward split between several communes has one default successor."""

    legacy_ward = models.ForeignKey(LegacyWard, on_delete=models.CASCADE)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE)
    is_default = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["legacy_ward", "commune"], name="legacy_successor_unique"
            ),
            models.UniqueConstraint(
                fields=["legacy_ward"],
                condition=models.Q(is_default=True),
                name="legacy_successor_one_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legacy_ward} -> {self.commune}"


class Country(models.Model):
    """An ISO 3166-1 country or territory, for export markets (II.7)."""

    code = models.CharField(_("mã ISO"), max_length=2, primary_key=True)
    name = models.CharField(_("tên"), max_length=100)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=100)
    continent = models.CharField(_("châu lục"), max_length=12, choices=Continent.choices)
    key = models.CharField(max_length=100, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("quốc gia")
        verbose_name_plural = _("quốc gia")

    def __str__(self) -> str:
        return self.name


class DigitalAddress(models.Model):
    """A digital postal address (địa chỉ số): a code, a point on the map and its Plus Code.

    The code is `PPPPP-SSSSSSC`: PPPPP the national 5-digit postcode of the area (see
    `postcodes.py`), SSSSSS a random serial in Crockford's base 32 (digits and capitals without
    I, L, O, U), C its check symbol (Crockford's mod-37 over the postcode and serial), so a
    mistyped code is caught before any lookup. Unique nationwide. Households, shops, post offices
    and delivery addresses point to one; the Ministry hands them over to the provinces in
    batches (`AddressHandover`).
    """

    class Source(models.TextChoices):
        GPS = "gps", _("Tọa độ GPS")
        COMMUNE_CENTRE = "commune_centre", _("Trung tâm xã/phường (ước tính)")

    code = models.CharField(_("mã địa chỉ số"), max_length=13, unique=True)
    postcode = models.CharField(_("mã bưu chính"), max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="digital_addresses")
    street = models.CharField(_("số nhà, đường, thôn/xóm"), max_length=250, blank=True)
    latitude = models.FloatField(_("vĩ độ"))
    longitude = models.FloatField(_("kinh độ"))
    plus_code = models.CharField(_("Plus Code (Open Location Code)"), max_length=16)
    source = models.CharField(_("nguồn tọa độ"), max_length=15, choices=Source.choices)
    handover = models.ForeignKey(
        "AddressHandover",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="addresses",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("địa chỉ số")
        verbose_name_plural = _("địa chỉ số")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    code__regex=r"^[0-9]{5}-[0-9A-HJKMNP-TV-Z]{6}[0-9A-HJKMNP-TV-Z*~$=U]$"
                ),
                name="digitaladdress_code_format",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="digitaladdress_coordinates",
            ),
        ]
        indexes = [models.Index(fields=["commune", "handover"])]

    def __str__(self) -> str:
        return self.code


class AddressHandover(models.Model):
    """A batch of digital addresses the Ministry handed over to a province (the record seed 003
    reports: 23,302,330 addresses to hand over, 7,100,992 handed over)."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    handed_over_at = models.DateTimeField(_("bàn giao lúc"))
    count = models.PositiveIntegerField(_("số địa chỉ"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-handed_over_at", "-pk"]
        verbose_name = _("bàn giao địa chỉ số")
        verbose_name_plural = _("bàn giao địa chỉ số")

    def __str__(self) -> str:
        return f"{self.province} {self.handed_over_at:%d/%m/%Y}: {self.count}"


class SalesPoint(models.Model):
    """A point of sale on the map (điểm bán hàng): a shop with a physical place, a cooperative,
    a post office (kept in step with those by a sync job) or a market (entered here)."""

    class Kind(models.TextChoices):
        SHOP = "shop", _("Cửa hàng")
        COOPERATIVE = "cooperative", _("Hợp tác xã")
        POST_OFFICE = "post_office", _("Bưu điện")
        MARKET = "market", _("Chợ")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang mở cửa")
        TEMPORARILY_CLOSED = "temporarily_closed", _("Tạm đóng cửa")
        CLOSED = "closed", _("Đã đóng cửa")

    kind = models.CharField(_("loại"), max_length=15, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    opening_hours = models.CharField(_("giờ mở cửa"), max_length=200, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=16, blank=True)
    contact_name = models.CharField(_("người liên hệ"), max_length=150, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="sales_points")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    latitude = models.FloatField(_("vĩ độ"))
    longitude = models.FloatField(_("kinh độ"))
    # Where a synced point comes from ("shop:12", "post_office:3"); None for markets.
    source_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    url = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("điểm bán hàng")
        verbose_name_plural = _("điểm bán hàng")
        indexes = [
            # The nearest-point search reads a latitude band, then longitudes inside it.
            models.Index(fields=["latitude", "longitude"], name="salespoint_lat_lng"),
            models.Index(
                fields=["status", "latitude", "longitude"], name="salespoint_status_lat_lng"
            ),
            models.Index(fields=["province", "kind", "status"]),
            models.Index(fields=["commune", "kind"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="salespoint_coordinates",
            ),
        ]

    def __str__(self) -> str:
        return self.name
