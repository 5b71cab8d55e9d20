"""Glue between service errors and forms: a rule broken in a service shows on its field."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from nongsan.core.errors import ApplicationError


def add_application_error(form: forms.Form, error: ApplicationError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def form_error(form: forms.Form, error: ApplicationError) -> None:
    """A broken rule shows on its field; a refused permission is a 403, never a form message."""
    if error.code == "forbidden":
        raise PermissionDenied(error.message)
    add_application_error(form, error)


def message_error(request: HttpRequest, error: ApplicationError) -> None:
    """A broken rule of an action without a form to show it on (a button): a message on the
    next page; a refused permission is a 403."""
    if error.code == "forbidden":
        raise PermissionDenied(error.message) from error
    messages.error(request, error.message)
