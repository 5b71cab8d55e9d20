"""Checkout over HTTP: 16 buyers' clients at once against a real server, the whole buying flow.

The data: shops of household sellers (each with an account, so every sub-order notifies its
seller and sends an SMS), products with stock enough for the whole run, and buyers each with an
API key; written in bulk (this measures buying, not listing). Then the Django app is served by
gunicorn in its own processes, on this benchmark's database, as in production (DEBUG off), except
that there is no broker: the SMS job runs in the request after the commit (Celery's eager mode,
the sandbox gateway), where production publishes it to Redis for a worker, so the sending is
counted in the server's CPU rather than a worker's.

Measured, with CLIENTS threads looping (each with its own HTTP client), two ways a
buyer's whole checkout (cart, checkout, payment choice) reaches the API, each in its own window:

- the cart in the app (a phone app or a partner's site keeps it): one checkout request carrying
  the 1-3 lines and the payment method chosen (`Idempotency-Key`; VietQR or e-wallet);
- the cart on the server (as the web pages keep it): add 1-3 products (one POST each), check out
  (`Idempotency-Key`, VietQR), then choose how to pay (a new attempt, e-wallet or VietQR).

For each: checkouts per second over a fixed window after a warm-up, and p50/p95 latency of the
whole flow, of the checkout request alone and of the other requests (every response that is not
200/201 is an error), and where the CPU went. Then:

- the oversell race, in the middle of the first window: RACERS more clients each with 1 kg of
  a product that has 10 kg in stock in their carts check out at once; exactly 10 must succeed,
  the others hear it is out of stock, and the stock ends at 0 (never below); afterwards every
  product's stock must equal what it started with less what its order lines took;
- SQL statements: in-process, `orders.services.checkout` for a cart from two shops (the target),
  and each API request of both flows through Django's test client;
- where the CPU went during each window: the server's workers, the database's backends, this
  process (the load generator shares the machine) and anything else running on the machine; and
  the CPU each checkout cost the server and the database, which bounds the rate on these cores
  whatever else is running.

The targets (issue 5) are for PostgreSQL; SQLite runs the same flow for a shorter window.
"""

import contextlib
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

TITLE = "Checkout over HTTP (cart, checkout, payment choice), 16 clients"

CLIENTS = 16
SHOPS = 60
PRODUCTS = 300
BUYERS = 2_000
STOCK = Decimal(1_000_000)
WARMUP_SECONDS = 4.0
SECONDS = {"postgresql": 30.0, "sqlite": 15.0}
RACERS = 50
SCARCE_STOCK = Decimal(10)
# The server, as the README runs it in production: gunicorn's sync workers behind a proxy, a new
# connection per request. Tried on 2 cores with the cart-in-the-app flow: 2, 3 and 4 sync workers
# were within noise of each other; gthread workers (2x1, 2x2, 3x1, 4x4) with keep-alive gave
# a similar rate but a p95 half again as long, as each client's connection stays with one worker
# however busy it is, while sync workers take the next request whichever is free; Granian
# (Rust HTTP, 2-3 workers) was no faster.
WORKERS = 3

NAMES = (
    ("Vải thiều Lục Ngạn", "vai-nhan-chom-chom"),
    ("Na Chi Lăng", "na-mit-sau-rieng"),
    ("Bơ sáp Đắk Lắk", "xoai-bo-chuoi"),
    ("Bưởi da xanh", "cam-buoi-quyt"),
    ("Thanh long ruột đỏ", "dua-thanh-long"),
    ("Cải ngọt hữu cơ", "rau-an-la"),
    ("Cà chua bi", "cu-qua"),
    ("Khoai lang tím Nhật", "cu-qua"),
    ("Cà phê Robusta", "ca-phe"),
    ("Hồ tiêu đen", "tieu-gia-vi"),
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Nông", "Lò")
GIVEN = ("Hùng", "Mai", "Lan", "Sơn", "Hoa", "Tuấn", "Hương", "Bình", "Yến", "Phúc")
QUANTITIES = ("1", "1.5", "2", "3")
APP_FLOW = "cart in the app"
WEB_FLOW = "cart on the server"


def _percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


# --- Data ---------------------------------------------------------------------------------------


@dataclass
class Data:
    products: list[int]
    scarce: int
    buyers: list[str]  # raw API keys
    racers: list[str]
    communes: list[str]


def _setup() -> Data:
    """Sellers, shops and products in bulk; buyers in bulk with keys made by the service."""
    from django.db import transaction
    from django.utils import timezone

    from nongsan.accounts import services as accounts_services
    from nongsan.accounts.models import Role, User
    from nongsan.catalog.models import Category, Product, Shop
    from nongsan.core.text import fold
    from nongsan.geo.loader import units_load
    from nongsan.geo.models import Commune
    from nongsan.households.models import Household
    from nongsan.orgs.models import Marketplace

    units_load()
    rng = random.Random(1034)
    now = timezone.now()
    marketplaces = [
        Marketplace.objects.get_or_create(
            code=code, defaults={"name": name, "operator_name": name}
        )[0]
        for code, name in (("postmart", "Postmart"), ("voso", "Vỏ Sò"))
    ]
    communes = list(Commune.objects.select_related("province").order_by("code"))
    categories = dict(Category.objects.values_list("slug", "pk"))
    with transaction.atomic():
        registrar = User.objects.create(
            phone="+84912999999", full_name="Bench", role=Role.MINISTRY_OFFICIAL
        )
        sellers = User.objects.bulk_create(
            [
                User(
                    phone=f"+8497{i:07d}",
                    full_name=f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN)}",
                    role=Role.HOUSEHOLD,
                    password="!",
                )
                for i in range(SHOPS)
            ]
        )
        households = Household.objects.bulk_create(
            [
                Household(
                    head_name=seller.full_name,
                    head_name_key=fold(seller.full_name),
                    head_cccd=f"0010{i:08d}",
                    head_gender="male",
                    head_phone=seller.phone,
                    commune=rng.choice(communes),
                    registered_by=registrar,
                    user=seller,
                    consent_at=now,
                    created_at=now,
                    updated_at=now,
                )
                for i, seller in enumerate(sellers)
            ]
        )
        shops = Shop.objects.bulk_create(
            [
                Shop(
                    marketplace=marketplaces[i % 2],
                    owner_kind=Shop.OwnerKind.HOUSEHOLD,
                    household=household,
                    name=f"Vườn nhà {household.head_name}",
                    slug=f"vuon-nha-{i}",
                    commune=household.commune,
                    created_at=now,
                    updated_at=now,
                )
                for i, household in enumerate(households)
            ]
        )

        def product(shop: Shop, name: str, slug: str, stock: Decimal) -> Product:
            commune = shop.commune  # the household's, loaded with its province
            return Product(
                shop=shop,
                marketplace_id=shop.marketplace_id,
                household_id=shop.household_id,
                category_id=categories[slug],
                name=name,
                unit=Product.Unit.KG,
                price=rng.randrange(20, 150) * 1000,
                stock=stock,
                min_order=Decimal(1),
                order_step=Decimal("0.5"),
                shelf_life_hours=rng.choice((None, 72, 168)),
                origin_commune=commune,
                origin_province_id=commune.province_id,
                status=Product.Status.PUBLISHED,
                is_listed=True,
                published_at=now,
                created_at=now,
                updated_at=now,
            )

        products = []
        for i in range(PRODUCTS):
            name, slug = NAMES[i % len(NAMES)]
            grade = f"loại {i // len(NAMES) + 1}"
            products.append(product(shops[i % SHOPS], f"{name} {grade}", slug, STOCK))
        Product.objects.bulk_create(products)
        scarce = product(
            shops[0], "Na Chi Lăng hàng tuyển (cuối vụ)", "na-mit-sau-rieng", SCARCE_STOCK
        )
        scarce.save()
        buyers = User.objects.bulk_create(
            [
                User(
                    phone=f"+8491{i:07d}",
                    full_name=f"{rng.choice(FAMILY)} Thị {rng.choice(GIVEN)}",
                    role=Role.BUYER,
                    password="!",
                )
                for i in range(BUYERS + RACERS)
            ]
        )
        keys = [accounts_services.api_key_create(user=u, name="bench")[1] for u in buyers]
    return Data(
        products=[p.pk for p in products],
        scarce=scarce.pk,
        buyers=keys[:BUYERS],
        racers=keys[BUYERS:],
        communes=[c.code for c in rng.sample(communes, 200)],
    )


# --- The server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _server(port: int, probe_key: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn serving nongsan.wsgi on this database (the environment the harness set)."""
    command = [
        sys.executable, "-m", "gunicorn", "nongsan.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS), "--worker-class", "sync", "--backlog", "256",
        "--no-control-socket",
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(
            # Connections kept for the whole run, so the backends whose CPU is counted at a
            # window's start are the ones serving it (reconnecting each minute costs nothing).
            command,
            env=dict(os.environ, DEBUG="0", DB_CONN_MAX_AGE="600"),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited {server.returncode}: {log.read_text()[-2000:]}"
                )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/orders/cart", headers={"X-API-Key": probe_key})
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    break
                raise RuntimeError(f"the server answered {status}: {log.read_text()[-2000:]}")
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not answer within 60 s") from None
                time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _server_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def _cpu_seconds(pids: Sequence[int]) -> dict[int, float]:
    """User + system CPU seconds of each live process (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    spent = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        spent[pid] = (int(fields[11]) + int(fields[12])) / tick
    return spent


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies over all CPUs since boot."""
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def _database_pids() -> list[int]:
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


# --- The clients --------------------------------------------------------------------------------


class Client:
    """One HTTP client (it reconnects when the server closes); each call names the buyer by
    their API key."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(
        self, path: str, body: dict[str, Any], key: str, idempotency_key: str = ""
    ) -> tuple[int, dict[str, Any], float]:
        headers = {"X-API-Key": key, "Content-Type": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        started = time.perf_counter()
        try:
            self.conn.request("POST", path, body=json.dumps(body), headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            return 0, {"message": repr(exc)}, (time.perf_counter() - started) * 1000
        ms = (time.perf_counter() - started) * 1000
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {"message": raw[:200].decode(errors="replace")}
        return response.status, data, ms

    def close(self) -> None:
        self.conn.close()


@dataclass
class Flow:
    started: float
    ended: float
    ok: bool
    checkout_ms: float | None
    request_ms: dict[str, list[float]] = field(default_factory=dict)


@dataclass
class Load:
    flows: list[Flow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _address(rng: random.Random, communes: Sequence[str]) -> dict[str, str]:
    return {
        "recipient_name": f"{rng.choice(FAMILY)} Thị {rng.choice(GIVEN)}",
        "recipient_phone": f"{rng.choice(('091', '098', '097', '086'))}{rng.randrange(10**7):07d}",
        "commune_code": rng.choice(communes),
        "street": f"Số {rng.randrange(1, 200)} ngõ {rng.randrange(1, 100)} đường Lê Lợi",
    }


def _lines(rng: random.Random, data: Data) -> list[dict[str, Any]]:
    return [
        {"product_id": product, "quantity": rng.choice(QUANTITIES)}
        for product in rng.sample(data.products, rng.randint(1, 3))
    ]


def _flow_client_cart(client: Client, key: str, rng: random.Random, data: Data, load: Load) -> Flow:
    """An app that keeps the cart: one checkout request with the lines (1-3 products) and the
    payment method the buyer chose."""
    started = time.perf_counter()
    times: dict[str, list[float]] = {"cart": [], "checkout": [], "payment": []}
    status, body, checkout_ms = client.post(
        "/api/orders/checkout",
        {
            "address": _address(rng, data.communes),
            "payment_method": rng.choice(("vietqr", "ewallet")),
            "lines": _lines(rng, data),
        },
        key,
        idempotency_key=uuid.uuid4().hex,
    )
    times["checkout"].append(checkout_ms)
    if status != 201:
        with load.lock:
            load.errors.append(f"checkout {status} {body.get('code', '')} {body.get('message')}")
        return Flow(started, time.perf_counter(), False, None, times)
    return Flow(started, time.perf_counter(), True, checkout_ms, times)


def _flow_server_cart(client: Client, key: str, rng: random.Random, data: Data, load: Load) -> Flow:
    """The cart kept on the server: 1-3 adds, checkout, then a new payment attempt by the
    method chosen."""
    started = time.perf_counter()
    times: dict[str, list[float]] = {"cart": [], "checkout": [], "payment": []}

    def failed(what: str, status: int, body: dict[str, Any]) -> Flow:
        with load.lock:
            load.errors.append(f"{what} {status} {body.get('code', '')} {body.get('message', '')}")
        return Flow(started, time.perf_counter(), False, None, times)

    for line in _lines(rng, data):
        status, body, ms = client.post("/api/orders/cart/items", line, key)
        times["cart"].append(ms)
        if status != 200:
            return failed("cart", status, body)
    status, body, checkout_ms = client.post(
        "/api/orders/checkout",
        {"address": _address(rng, data.communes), "payment_method": "vietqr"},
        key,
        idempotency_key=uuid.uuid4().hex,
    )
    times["checkout"].append(checkout_ms)
    if status != 201:
        return failed("checkout", status, body)
    status, body, ms = client.post(
        f"/api/orders/{body['number']}/payments",
        {"method": rng.choice(("ewallet", "vietqr"))},
        key,
        idempotency_key=uuid.uuid4().hex,
    )
    times["payment"].append(ms)
    if status != 201:
        return failed("payment", status, body)
    return Flow(started, time.perf_counter(), True, checkout_ms, times)


FlowKind = Callable[[Client, str, random.Random, Data, Load], Flow]


def _buyer_loop(
    index: int, port: int, data: Data, load: Load, stop: threading.Event, flow_kind: FlowKind
) -> None:
    rng = random.Random(index)
    client = Client(port)
    keys = data.buyers[index::CLIENTS]
    turn = 0
    try:
        while not stop.is_set():
            flow = flow_kind(client, keys[turn % len(keys)], rng, data, load)
            turn += 1
            with load.lock:
                load.flows.append(flow)
    finally:
        client.close()


@dataclass
class Race:
    sold: int = 0
    out_of_stock: int = 0
    other: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _race(port: int, data: Data) -> Race:
    """RACERS buyers, 1 kg of the scarce product each in their carts, check out at once."""
    race = Race()
    ready = threading.Barrier(RACERS)

    def racer(key: str, seed: int) -> None:
        rng = random.Random(seed)
        client = Client(port)
        try:
            status, body, _ = client.post(
                "/api/orders/cart/items", {"product_id": data.scarce, "quantity": "1"}, key
            )
            if status != 200:
                with race.lock:
                    race.other.append(f"cart {status} {body}")
            ready.wait(timeout=60)
            status, body, _ = client.post(
                "/api/orders/checkout",
                {"address": _address(rng, data.communes), "payment_method": "vietqr"},
                key,
                idempotency_key=uuid.uuid4().hex,
            )
            with race.lock:
                if status == 201:
                    race.sold += 1
                elif status == 400 and body.get("code") == "out_of_stock":
                    race.out_of_stock += 1
                else:
                    race.other.append(f"checkout {status} {body}")
        finally:
            client.close()

    threads = [
        threading.Thread(target=racer, args=(key, 10_000 + i)) for i, key in enumerate(data.racers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return race


# --- Checks and statement counts (in-process) ---------------------------------------------------


def _stock_check(data: Data) -> tuple[Decimal, Decimal, int]:
    """(scarce stock left, scarce quantity sold, products whose stock does not add up)."""
    from django.db.models import Sum

    from nongsan.catalog.models import Product
    from nongsan.orders.models import OrderLine

    sold = dict(
        OrderLine.objects.values("product_id")
        .annotate(total=Sum("quantity"))
        .values_list("product_id", "total")
    )
    wrong = 0
    for pk, stock in Product.objects.values_list("pk", "stock"):
        start = SCARCE_STOCK if pk == data.scarce else STOCK
        if stock < 0 or stock != start - sold.get(pk, Decimal(0)):
            wrong += 1
    scarce_left = Product.objects.get(pk=data.scarce).stock
    return scarce_left, sold.get(data.scarce, Decimal(0)), wrong


def _statements(data: Data) -> dict[str, int]:
    """Statements of services.checkout for a two-shop cart, and of each API request of a flow."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    from nongsan.accounts import services as accounts_services
    from nongsan.accounts.models import Role, User
    from nongsan.catalog.models import Product
    from nongsan.geo.models import Commune
    from nongsan.orders import services

    counts: dict[str, int] = {}
    two_shops = list(Product.objects.filter(pk__in=data.products[:2]))  # shops 1 and 2
    assert two_shops[0].shop_id != two_shops[1].shop_id
    buyer = User.objects.create(phone="+84918888888", full_name="Lê Thị Đo", role=Role.BUYER)
    cart = services.cart_for(user=buyer, session_key=None)
    assert cart is not None
    for product in two_shops:
        services.cart_add(cart=cart, product=product, quantity=Decimal(2))
    address = services.Address(
        recipient_name="Lê Thị Đo",
        recipient_phone="0912345678",
        street="Số 1 Tràng Tiền",
        commune=Commune.objects.get(code=data.communes[0]),
    )
    with CaptureQueriesContext(connection) as captured:
        services.checkout(
            buyer=buyer,
            cart=cart,
            address=address,
            payment_method="vietqr",
            idempotency_key=uuid.uuid4().hex,
        )
    counts["service"] = len(captured)

    _, key = accounts_services.api_key_create(user=buyer, name="bench")
    http = DjangoClient(HTTP_HOST="127.0.0.1", headers={"X-API-Key": key})

    def post(path: str, body: dict[str, Any], **headers: str) -> tuple[dict[str, Any], int]:
        with CaptureQueriesContext(connection) as captured:
            response = http.post(path, body, content_type="application/json", headers=headers)
        assert response.status_code in (200, 201), response.content
        return response.json(), len(captured)

    _, counts["checkout_lines"] = post(
        "/api/orders/checkout",
        {
            "address": _address(random.Random(1), data.communes),
            "payment_method": "ewallet",
            "lines": [{"product_id": p.pk, "quantity": "2"} for p in two_shops],
        },
        **{"Idempotency-Key": uuid.uuid4().hex},
    )
    for product in two_shops:
        _, counts["cart"] = post(
            "/api/orders/cart/items", {"product_id": product.pk, "quantity": "2"}
        )
    order, counts["checkout"] = post(
        "/api/orders/checkout",
        {"address": _address(random.Random(1), data.communes), "payment_method": "vietqr"},
        **{"Idempotency-Key": uuid.uuid4().hex},
    )
    _, counts["payment"] = post(
        f"/api/orders/{order['number']}/payments",
        {"method": "ewallet"},
        **{"Idempotency-Key": uuid.uuid4().hex},
    )
    return counts


# --- The run ------------------------------------------------------------------------------------


@dataclass
class Window:
    start: float
    end: float
    race: Race
    cpu: dict[str, float]  # share of all cores over the window, by whom
    cpu_seconds: dict[str, float]


def _load(
    port: int,
    data: Data,
    server: subprocess.Popen[bytes],
    load: Load,
    seconds: float,
    flow_kind: FlowKind,
    race: bool,
) -> Window:
    """The buyers' clients for warm-up + window, the race (if asked) in the middle of it."""
    stop = threading.Event()
    threads = [
        threading.Thread(target=_buyer_loop, args=(i, port, data, load, stop, flow_kind))
        for i in range(CLIENTS)
    ]
    try:
        for thread in threads:
            thread.start()
        time.sleep(WARMUP_SECONDS)
        workers = _server_pids(server.pid)
        database = _database_pids()
        cpu_before = _cpu_seconds([*workers, *database])
        busy_before = _machine_busy()
        own_before = time.process_time()
        start = time.perf_counter()
        time.sleep(seconds / 2)
        raced = _race(port, data) if race else Race()
        time.sleep(max(0.0, start + seconds - time.perf_counter()))
        end = time.perf_counter()
        own = time.process_time() - own_before
        busy_after = _machine_busy()
        cpu_after = _cpu_seconds([*workers, *database])
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    capacity = (end - start) * (os.cpu_count() or 1)
    spent = {pid: cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in cpu_after}
    seconds_by = {
        "server": sum(v for pid, v in spent.items() if pid in workers),
        "database": sum(v for pid, v in spent.items() if pid in database),
        "client": own,
    }
    cpu = {who: value / capacity for who, value in seconds_by.items()}
    cpu["machine"] = (busy_after[0] - busy_before[0]) / (busy_after[1] - busy_before[1])
    cpu["other"] = max(0.0, cpu["machine"] - cpu["server"] - cpu["database"] - cpu["client"])
    return Window(start=start, end=end, race=raced, cpu=cpu, cpu_seconds=seconds_by)


def _reference_loop() -> float:
    """Seconds of CPU a fixed pure-Python loop takes now: this machine's speed drifts from run to
    run (by up to half again), and the rates move with it; compare runs by this figure."""
    started = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - started


def _p50_p95(samples: Sequence[float]) -> str:
    if not samples:
        return "-"
    return f"{statistics.median(samples):.0f} / {_percentile(samples, 0.95):.0f} ms"


def _window_rows(
    label: str, load: Load, window: Window, seconds: float, targets: bool
) -> tuple[list[tuple[str, str]], float]:
    """The rows of one measured window, and its checkouts per second."""
    measured = [f for f in load.flows if f.started >= window.start and f.ended <= window.end]
    done = [f for f in measured if f.ok]
    flow_ms = [(f.ended - f.started) * 1000 for f in done]
    checkout_ms = [f.checkout_ms for f in done if f.checkout_ms is not None]
    cart_ms = [ms for f in done for ms in f.request_ms["cart"]]
    payment_ms = [ms for f in done for ms in f.request_ms["payment"]]
    requests = sum(len(ms) for f in measured for ms in f.request_ms.values())
    for error in load.errors[:5]:
        sys.stderr.write(f"checkout bench error ({label}): {error}\n")
    cpu = window.cpu
    per_checkout = {who: v / max(1, len(done)) * 1000 for who, v in window.cpu_seconds.items()}
    both_cores = (os.cpu_count() or 1) * 1000 / (per_checkout["server"] + per_checkout["database"])
    rate = len(done) / seconds
    target = " (target ≥ 150)" if targets else ""
    rows = [
        (f"{label}: checkouts in the window", f"{len(done):,} ({requests:,} requests)"),
        (f"{label}: checkouts per second{target}", f"{rate:.1f}"),
        (f"{label}: requests per second", f"{requests / seconds:.0f}"),
        (f"{label}: whole checkout p50 / p95", _p50_p95(flow_ms)),
        (
            f"{label}: checkout request p50 / p95" + (" (target p95 < 150 ms)" if targets else ""),
            _p50_p95(checkout_ms),
        ),
    ]
    if cart_ms:
        rows += [
            (f"{label}: add to cart p50 / p95", _p50_p95(cart_ms)),
            (f"{label}: payment choice p50 / p95", _p50_p95(payment_ms)),
        ]
    rows += [
        (
            f"{label}: errors (responses not 200/201)",
            f"{len(load.errors):,} in {len(load.flows):,} checkouts",
        ),
        (
            f"{label}: CPU during the window (share of all cores)",
            f"{cpu['machine']:.0%} busy: server {cpu['server']:.0%}, "
            + (f"PostgreSQL backends {cpu['database']:.0%}, " if cpu["database"] else "")
            + f"load generator {cpu['client']:.0%}, other processes {cpu['other']:.0%}",
        ),
        (
            f"{label}: CPU per checkout (all requests of the window / checkouts)",
            f"server {per_checkout['server']:.1f} ms"
            + (
                f" + PostgreSQL {per_checkout['database']:.1f} ms"
                if per_checkout["database"]
                else ""
            )
            + f": at most {both_cores:.0f} checkouts/s if they had all {os.cpu_count()} cores",
        ),
    ]
    return rows, rate


def run(*, engine: str) -> list[tuple[str, str]]:
    from nongsan.orders.models import Order

    started = time.perf_counter()
    data = _setup()
    setup_seconds = time.perf_counter() - started
    seconds = SECONDS[engine]
    port = _free_port()
    log = Path(tempfile.gettempdir()) / f"nongsan-bench-checkout-{engine}.log"
    app_load, web_load = Load(), Load()
    with _server(port, data.buyers[0], log) as server:
        speed = [_reference_loop()]
        app_window = _load(port, data, server, app_load, seconds, _flow_client_cart, race=True)
        speed.append(_reference_loop())
        web_window = _load(port, data, server, web_load, seconds, _flow_server_cart, race=False)
        speed.append(_reference_loop())
    race = app_window.race
    for error in race.other[:5]:
        sys.stderr.write(f"checkout bench race error: {error}\n")
    app_rows, _ = _window_rows(APP_FLOW, app_load, app_window, seconds, targets=True)
    web_rows, _ = _window_rows(WEB_FLOW, web_load, web_window, seconds, targets=False)

    scarce_left, scarce_sold, wrong = _stock_check(data)
    oversold = max(Decimal(0), scarce_sold - SCARCE_STOCK)
    placed = Order.objects.count()
    counts = _statements(data)
    return [
        (
            "data",
            f"{SHOPS} shops, {PRODUCTS} products, {BUYERS:,} buyers with API keys "
            f"(+{RACERS} for the race); set up in {setup_seconds:.0f} s",
        ),
        (
            "server",
            f"gunicorn, {WORKERS} sync workers (a connection per request), DEBUG off; SMS sent "
            "by the sandbox gateway in the request, after the commit (no broker)",
        ),
        (
            "load",
            f"{CLIENTS} clients looping; each flow measured for "
            f"{seconds:.0f} s after {WARMUP_SECONDS:.0f} s warm-up. {APP_FLOW}: one checkout "
            "request with 1-3 lines and the payment method (VietQR or e-wallet). "
            f"{WEB_FLOW}: 1-3 cart adds, checkout, then a new payment attempt (VietQR or "
            "e-wallet)",
        ),
        (
            "machine speed: a fixed Python loop before, between and after the windows",
            " / ".join(f"{x:.2f} s" for x in speed)
            + " (slower loop, slower machine: the rates below move with it)",
        ),
        *app_rows,
        *web_rows,
        (
            "SQL statements per checkout (services.checkout, 2 shops; target ≤ 25)",
            str(counts["service"]),
        ),
        (
            "SQL statements per API request: checkout with its lines (2 shops) / add to cart / "
            "checkout of the cart (2 shops) / payment",
            f"{counts['checkout_lines']} / {counts['cart']} / {counts['checkout']} / "
            f"{counts['payment']}",
        ),
        (
            f"oversell: {RACERS} buyers at once for the last {SCARCE_STOCK:f} kg, under the "
            f"{APP_FLOW} load",
            f"sold {scarce_sold.normalize():f} of {SCARCE_STOCK:f}, "
            f"oversold {oversold.normalize():f} ({race.sold} orders, {race.out_of_stock} told "
            f"out of stock, {len(race.other)} other answers); "
            f"stock left {scarce_left.normalize():f}",
        ),
        (
            "stock after the run",
            f"{placed:,} orders; "
            + ("every product's stock = start - sold" if not wrong else f"{wrong} products wrong"),
        ),
    ]
