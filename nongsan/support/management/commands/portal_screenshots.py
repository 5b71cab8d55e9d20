"""Take the portal guides' pictures from the real screens: each guide step's page, opened in
Debian's Chromium at phone size (signed in as the demo household where the step needs it), saved
under MEDIA_ROOT/guides/. Serves the current database on a free local port while it runs."""

import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand, CommandError
from django.test.testcases import LiveServerThread

from nongsan.support import guides

CHROMIUM = "/usr/bin/chromium"


class Command(BaseCommand):
    help = "Screenshot the real pages each portal guide step describes (needs /usr/bin/chromium)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--phone", default="0912000004", help="the demo household's login")
        parser.add_argument("--password", default="nongsan-demo-2026")

    def handle(self, *args: Any, **options: Any) -> None:
        if not Path(CHROMIUM).exists():
            raise CommandError(f"{CHROMIUM} is missing: run `make browser` first.")
        out = Path(settings.MEDIA_ROOT) / guides.SCREENSHOT_DIR
        out.mkdir(parents=True, exist_ok=True)
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise CommandError(str(server.error))
        base = f"http://127.0.0.1:{server.port}"
        outcome: dict[str, Any] = {}
        # Playwright's sync API refuses to start where an event loop already runs (a caller's
        # own Playwright session): it gets a thread of its own.
        worker = threading.Thread(
            target=self._shoot, args=(base, out, options, outcome), daemon=True
        )
        try:
            worker.start()
            worker.join()
        finally:
            server.terminate()
        if "error" in outcome:
            raise CommandError(str(outcome["error"]))
        taken = outcome["taken"]
        self.stdout.write(f"{taken} guide screenshots in {out}")

    def _shoot(
        self, base: str, out: Path, options: dict[str, Any], outcome: dict[str, Any]
    ) -> None:
        from playwright.sync_api import sync_playwright

        taken = 0
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--headless", "--no-sandbox", "--disable-gpu"],
                )
                for signed_in in (False, True):
                    context = browser.new_context(
                        viewport={"width": 360, "height": 640}, locale="vi-VN"
                    )
                    page = context.new_page()
                    if signed_in:
                        page.goto(base + "/dang-nhap/")
                        page.fill("input[name=identifier]", options["phone"])
                        page.fill("input[name=password]", options["password"])
                        page.click("main button.primary")
                        page.wait_for_load_state()
                    for guide in guides.GUIDES:
                        for step in guide.steps:
                            if bool(step.login_as) != signed_in:
                                continue
                            page.goto(base + step.path)
                            page.wait_for_load_state()
                            page.screenshot(path=str(out / step.shot))
                            taken += 1
                    context.close()
                browser.close()
        except Exception as exc:  # reported by the command in the main thread
            outcome["error"] = exc
        outcome["taken"] = taken
