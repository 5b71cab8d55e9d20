"""One benchmark in one process, on the database DATABASE_URL names (set by __main__)."""

import json
import sys

import django


def main() -> None:
    name, engine = sys.argv[1], sys.argv[2]
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    module = __import__(f"nongsan.bench.{name}", fromlist=["run"])
    rows = module.run(engine=engine)
    print(json.dumps(rows))


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongsan.settings")
    main()
