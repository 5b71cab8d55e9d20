"""The training app: courses, sessions and attendance of farm households (tập huấn)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "nongsan.training"
    label = "training"
    verbose_name = _("Tập huấn")
