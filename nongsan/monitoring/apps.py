from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "nongsan.monitoring"
    label = "monitoring"
    verbose_name = "Theo dõi Kế hoạch 1034"
