from django.apps import AppConfig


class PlacesConfig(AppConfig):
    """Digital addresses and the sales-point map: pages, jobs and the Ministry's handover record
    over the geo models, reading the apps whose places they are (geo cannot import them)."""

    name = "nongsan.places"
    label = "places"
    verbose_name = "Địa chỉ số và điểm bán hàng"
