"""Application settings: one object, read from `OPENLICENSE_*` env vars, never at import time."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class DatabaseSettings(BaseModel):
    url: str = "sqlite+aiosqlite:///./var/openlicense.sqlite3"
    """SQLAlchemy async URL. PostgreSQL in production: postgresql+asyncpg://user:pw@host/db."""
    echo: bool = False
    pool_size: int = 10
    pool_recycle_seconds: int = 1800
    """PostgreSQL: replace pooled connections after this long (there is no ping per checkout)."""


DEMO_PAGE_SECRET = "change-me-in-production-page-sessions-local-demo"  # noqa: S105 - refused in production
DEMO_JWT_SECRET = "change-me-in-production-this-is-only-for-local-demo"  # noqa: S105 - refused in production


class AuthSettings(BaseModel):
    jwt_secret: SecretStr = SecretStr(DEMO_JWT_SECRET)
    """HMAC key for access tokens. Set a long random value in every deployment."""
    jwt_ttl_minutes: int = 60
    password_min_length: int = 10
    public_url: str = "http://127.0.0.1:8000"
    """Where the site is reached: the base of the links in invitation and password-reset mails."""
    invitation_ttl_hours: int = Field(default=72, gt=0)
    reset_ttl_minutes: int = Field(default=60, gt=0)
    login_window_minutes: int = Field(default=15, gt=0)
    login_max_failures_per_account: int = Field(default=5, gt=0)
    """Failed sign-ins per account (email) within the window before it answers 429."""
    login_max_failures_per_address: int = Field(default=30, gt=0)
    """Failed sign-ins per client address within the window before it answers 429."""


class RulesSettings(BaseModel):
    """Knobs for the soft rules of domain.md §4 (marked "configurable" there)."""

    min_licence_months: int = 12
    """Rule 9: pilot practice asks for a licence period of at least 12 months."""
    fee_caps_mode: Literal["block", "warn"] = "block"
    """Rule 11: `block` rejects fees above the caps; `warn` accepts them with a justification."""
    lump_sum_cap_minor: int = 2_000_000_000
    """Rule 11: RMB 20,000,000 in fen."""
    royalty_cap_net_sales: Decimal = Decimal("0.20")
    royalty_cap_profit: Decimal = Decimal("0.40")
    currencies: list[str] = Field(default_factory=lambda: ["CNY"])
    """ISO 4217 codes a declaration may be priced in; the caps are defined in CNY."""
    require_verified_register: bool = False
    """Rule 27: refuse publication until a platform admin (or a register extract) has verified
    the register facts. Off: publication answers a `register_unverified` warning instead."""


class LifecycleSettings(BaseModel):
    """Time-driven agreement transitions (rule 20) and the worker that applies them."""

    grace_days: int = 30
    """Days after a due date before an unpaid amount or missing report suspends the licence."""
    suspension_days: int = 60
    """Days a licence stays suspended for non-payment before it is terminated."""
    recording_months: int = 3
    """Rule 21 / IR 15(2): recording is due this many months after the licence takes effect."""
    worker_enabled: bool = True
    """Run the lifecycle worker inside `openlicense serve` (also: `openlicense jobs run`)."""
    worker_interval_seconds: int = 300


class CatalogueSettings(BaseModel):
    """The in-memory copies of published patents' documents and list pages (issue 10)."""

    cached_documents: int = 20_000
    """Published patent documents kept in memory per process (about 2.5 KB each); 0: none."""
    cached_pages: int = 2_000
    """Public list pages kept in memory per process; 0: none."""
    change_check_seconds: float = 0.5
    """How often a process asks whether another process changed the catalogue: the longest a
    copy can be stale after another process's write (the writing process drops its own at
    once)."""


class SearchSettings(BaseModel):
    """Catalogue search. Meilisearch when `meilisearch_url` is set, else the embedded engine."""

    meilisearch_url: str | None = None
    meilisearch_api_key: SecretStr | None = None
    index_uid: str = "patents"
    embedded_dir: Path | None = None
    """Embedded (tantivy) index folder; default `<data_dir>/search`."""
    outbox_batch_size: int = 500
    outbox_max_attempts: int = 12
    """Failed attempts before an outbox row is parked (retry: `search sync --retry-failed`)."""
    worker_enabled: bool = True
    worker_interval_seconds: float = 2.0


class StripeSettings(BaseModel):
    """Online payments. Stripe is used only when both the secret key and the webhook secret are
    set; otherwise payments are confirmed offline by the licensor (bank transfer)."""

    secret_key: SecretStr | None = None
    webhook_secret: SecretStr | None = None
    api_base: str | None = None
    """Override Stripe's API address (tests talk to an in-process fake)."""
    payment_method_types: list[str] = Field(
        default_factory=lambda: ["card", "alipay", "wechat_pay"]
    )
    success_url: str = "http://127.0.0.1:8000/payments/success?session_id={CHECKOUT_SESSION_ID}"
    cancel_url: str = "http://127.0.0.1:8000/payments/cancelled"
    timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    """Each call to Stripe gives up after this long (no database transaction waits on it)."""
    max_network_retries: int = Field(default=2, ge=0, le=5)
    """The SDK retries connection errors, 409 and 5xx with the same idempotency key."""
    reconcile_worker_enabled: bool = True
    """Run reconciliation inside `openlicense serve` (also: `openlicense payments reconcile`)."""
    reconcile_interval_seconds: float = Field(default=900.0, gt=0)

    @property
    def enabled(self) -> bool:
        return bool(self.secret_key and self.secret_key.get_secret_value()) and bool(
            self.webhook_secret and self.webhook_secret.get_secret_value()
        )


class AuditSettings(BaseModel):
    """The IP-office audit API and the tamper-evident ledger."""

    signing_key: SecretStr | None = None
    """Ed25519 private key (PEM, or base64 of the 32-byte seed) that signs ledger checkpoints.
    Unset: a key is generated once into `<data_dir>/ledger-signing-key.pem` (development only)."""
    checkpoint_every: int = Field(default=100, ge=1)
    """Sign a checkpoint once this many entries are unsigned …"""
    checkpoint_max_age_minutes: int = Field(default=60, ge=1)
    """… or once the oldest unsigned entry has waited this long, whichever comes first (checked
    by the worker every `jobs.checkpoint_cron`, or the in-app loop every
    `checkpoint_interval_seconds`; also `openlicense audit checkpoint` by hand)."""
    checkpoint_interval_seconds: float = Field(default=60, gt=0)
    """How often the in-app loop checks whether a checkpoint is due and delivers checkpoints."""
    delivery_timeout_seconds: float = Field(default=10, gt=0)
    """Timeout of one webhook delivery of a checkpoint to a subscribed IP office."""
    delivery_max_backoff_seconds: int = Field(default=3600, ge=1)
    """Retries back off exponentially (30 s, 1 min, 2 min …) up to this."""
    api_key_requests_per_minute: int = 120
    """Rate limit per API key on the audit API; over it → 429 with Retry-After."""


class JobsSettings(BaseModel):
    """Where the periodic tasks run (search outbox, lifecycle pass, ledger checkpoints).

    `in_app`: loops inside every `openlicense serve` process (the embedded default; each task is
    safe to run concurrently). `worker`: only `openlicense worker` processes run them, from the
    PostgreSQL job queue (procrastinate), each scheduled run executed exactly once however many
    app and worker processes there are."""

    mode: Literal["in_app", "worker"] = "in_app"
    search_cron: str = "*/2 * * * * *"
    """Six fields: seconds included. The outbox drain (rows wait for the next run)."""
    lifecycle_cron: str = "*/5 * * * *"
    checkpoint_cron: str = "* * * * *"
    reconcile_cron: str = "*/15 * * * *"
    """Payments reconciliation with Stripe (only when Stripe is configured)."""
    reminders_cron: str = "7 * * * *"
    """The reminder pass (each reminder is sent once however often it runs)."""
    mail_cron: str = "* * * * *"
    """Send the queued mail."""
    worker_concurrency: int = 4


class WebSettings(BaseModel):
    """The web pages: the page session cookie, CSRF, and what the footer shows."""

    session_secret: SecretStr = SecretStr(DEMO_PAGE_SECRET)
    """Key material for the encrypted page-session cookie and the CSRF tokens (both are derived
    from it). Set a long random value in every deployment."""
    session_max_age_seconds: int = 8 * 3600
    cookie_secure: bool = True
    """Send the session and CSRF cookies only over HTTPS (browsers treat http://127.0.0.1 and
    http://localhost as secure, so the demo works with the default)."""
    operator: str = "开放许可平台运营中心"
    """The platform operator named in the footer."""
    contact_email: str = "service@openlicense.test"
    icp_filing: str = ""
    """ICP filing number (ICP备案号) shown in the footer; sites served in mainland China must show
    one. Empty in the demo."""
    public_security_filing: str = ""
    """公安备案号, shown beside the ICP number when set."""


class MailSettings(BaseModel):
    """Email through SMTP (the notifications' mail outbox). No host: mails stay queued, the
    in-app inbox still works. `make demo` points this at the development sink (port 1025)."""

    smtp_host: str | None = None
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    from_address: str = "开放许可平台 <noreply@openlicense.test>"
    batch_size: int = Field(default=50, gt=0)
    max_attempts: int = Field(default=5, gt=0)
    claim_timeout_seconds: int = Field(default=600, gt=0)
    """A mail claimed this long ago by a worker that never finished is sent again."""
    sink_dir: Path | None = None
    """Where the development sink writes messages; default `<data_dir>/mail`."""
    worker_enabled: bool = True
    """Send queued mail and run the reminder pass inside `openlicense serve` (in_app mode)."""
    worker_interval_seconds: float = Field(default=30.0, gt=0)
    reminders_interval_seconds: float = Field(default=3600.0, gt=0)


class DocumentSettings(BaseModel):
    """Attachments (consent letters, evaluation reports, royalty evidence …)."""

    storage: Literal["local", "s3"] = "local"
    local_dir: Path | None = None
    """Local storage folder; default `<data_dir>/documents`."""
    max_bytes: int = Field(default=20 * 1024 * 1024, gt=0, le=64 * 1024 * 1024)
    s3_bucket: str | None = None
    s3_endpoint: str | None = None
    """S3-compatible endpoint (MinIO, Aliyun OSS, Tencent COS …); unset: AWS."""
    s3_region: str = "cn-north-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8000
    debug: bool = False
    workers: int = 1
    """`openlicense serve` processes (uvicorn workers)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OPENLICENSE_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    environment: Literal["development", "test", "production"] = "development"
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    lifecycle: LifecycleSettings = Field(default_factory=LifecycleSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    catalogue: CatalogueSettings = Field(default_factory=CatalogueSettings)
    stripe: StripeSettings = Field(default_factory=StripeSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    jobs: JobsSettings = Field(default_factory=JobsSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    documents: DocumentSettings = Field(default_factory=DocumentSettings)
    data_dir: Path = Path("var")
    """Local state (SQLite file, embedded search index, rendered contract PDFs)."""
    pdf_font: Path | None = None
    """A CJK TrueType font (.ttf/.ttc) to embed in contract PDFs; unset: the first of the known
    system paths (`scripts/ensure-fonts.sh` installs WenQuanYi Zen Hei)."""

    @model_validator(mode="after")
    def _no_demo_secrets_in_production(self) -> Settings:
        """Production refuses to start with the demo JWT secret, a short one, or no audit
        signing key (development generates one into data_dir)."""
        if self.environment != "production":
            return self
        secret = self.auth.jwt_secret.get_secret_value()
        problems = []
        if secret == DEMO_JWT_SECRET or len(secret) < 32:
            problems.append(
                "OPENLICENSE_AUTH__JWT_SECRET must be a random secret of 32+ characters"
            )
        if self.audit.signing_key is None:
            problems.append("OPENLICENSE_AUDIT__SIGNING_KEY must be set (Ed25519, see docs)")
        page_secret = self.web.session_secret.get_secret_value()
        if page_secret == DEMO_PAGE_SECRET or len(page_secret) < 32:
            problems.append(
                "OPENLICENSE_WEB__SESSION_SECRET must be a random secret of 32+ characters"
            )
        if problems:
            raise ValueError("refusing to run in production: " + "; ".join(problems))
        return self
