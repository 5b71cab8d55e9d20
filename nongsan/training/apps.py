from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "nongsan.training"
    label = "training"
    verbose_name = "Tập huấn"
