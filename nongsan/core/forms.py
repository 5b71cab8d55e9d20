"""Glue between service errors and forms: a rule broken in a service shows on its field."""

from django import forms

from nongsan.core.errors import ApplicationError


def add_application_error(form: forms.Form, error: ApplicationError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
