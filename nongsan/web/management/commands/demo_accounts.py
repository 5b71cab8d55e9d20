from django.core.management.base import BaseCommand

from nongsan.web.demo import ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo logins, one per role."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        self.stdout.write("")
        self.stdout.write("nongsan demo: http://127.0.0.1:8000/  (admin: /quan-tri/)")
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        self.stdout.write("Log in at http://127.0.0.1:8000/dang-nhap/ with the phone number:")
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.phone}  {account.role:<22} {account.note}")
        self.stdout.write("SMS codes (login by SMS) are printed in this console by the sandbox.")
        self.stdout.write("")
