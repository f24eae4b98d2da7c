"""Settings from the environment or .env; every one is listed in .env.example."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.languages import SOURCE, catalogue_path
from bot.office_hours import OfficeHours
from conversations.similarity import Area

DEV_SECRET = "dev-only-not-secret"  # noqa: S105 - the placeholder that production refuses
DEFAULT_SCORE_WEIGHTS = {
    "performance": 2.0,
    "satisfaction": 2.0,
    "complaints": 2.0,
    "business_critical": 3.0,
    "community_bonus": 5.0,
}


class Settings(BaseSettings):
    """How this installation of Tenant Front Door is set up."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/frontdoor.db"
    public_base_url: str = "http://127.0.0.1:8000"
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    demo_data: bool = False

    landlord_name: str = "Pine Court Housing"
    landlord_phone: str = "0151 496 0000"
    # Appeals "in writing within 28 days to": every decision message gives this address.
    appeal_address: str = (
        "Customer Empowerment Manager, Pine Court Housing, Atlantic House, "
        "Dunnings Bridge Road, Bootle L30 4TH"
    )
    support_reply_days: int = 2  # the working days a tenant is promised for an officer's help
    # The languages we write to tenants and signers in, comma-separated, the first the default:
    # English (the source) and each with a catalogue in locales/<code>/LC_MESSAGES/messages.po.
    languages: str = "en,pl,ro"

    telegram_bot_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from_number: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
    twilio_whatsapp_from: str | None = None
    # Origins besides TWILIO_API_BASE_URL's that Twilio media may be fetched from (the account's
    # credentials go with the request, so never to any other host).
    twilio_media_origins: list[str] = []
    # The phone line (Twilio Programmable Voice, on TWILIO_FROM_NUMBER): the voice that reads
    # every prompt (British English); the number a caller asking for a person is put through to
    # (none: LANDLORD_PHONE) and when officers answer it, in UK time (empty: never, so callers
    # are always called back instead).
    twilio_voice: str = "Polly.Amy"
    voice_officer_number: str | None = None
    voice_officer_hours: str = "Mon-Fri 09:00-17:00"

    telegram_polling: bool = False  # fetch updates by long polling (no public URL needed)
    outbox_worker: bool = True  # deliver the outbox inside `serve` (off: run `frontdoor worker`)
    evidence_dir: str = "var/evidence"
    evidence_max_bytes: int = 10 * 1024 * 1024
    # Pictures over this many pixels are refused before they are decoded (decoded, a small
    # file can take gigabytes of memory).
    evidence_max_pixels: int = 25_000_000
    # Evidence storage: the most one draft Call may hold (anyone can start one in the web chat),
    # the most the whole service keeps, and the days after which files of a draft nobody has
    # touched (never submitted) are deleted.
    evidence_draft_max_bytes: int = 50 * 1024 * 1024
    evidence_total_max_bytes: int = 10 * 1024 * 1024 * 1024
    evidence_draft_days: int = 30
    upload_link_days: int = 7
    # Privacy: closed Calls lose their personal details this long after closing (days);
    # petition signatures this long after the petition closes.
    retention_days: int = 730
    signature_retention_days: int = 183

    # Petitions: how long one runs by default (weeks), whether it can be shared before CEP sets
    # a target, and the default rule proposing a target: this share of the households the
    # tenant said were affected, never fewer than the minimum.
    petition_weeks: int = 8
    petition_share_before_target: bool = True
    petition_target_share: float = 0.5
    petition_target_minimum: int = 10
    signature_per_household: bool = False
    # Joining neighbours up: a tenant describing a problem is offered an open petition on the
    # same service with a similar concern from this near ("sector": the postcode sector, M14 5,
    # a few thousand homes; "district": the whole district, M14).
    nearby_area: Area = Area.SECTOR
    # Codes texted to signers per hour: per phone, per connection, per petition. SMS pumping
    # costs real money; the per-petition cap must still let a real surge through.
    signing_codes_per_hour: dict[str, int] = {"phone": 3, "ip": 10, "petition": 5000}
    # Codes texted by the whole service, per hour and per day: a ceiling on the SMS bill that
    # no number of new petitions, phones or connections gets round.
    signing_codes_service: dict[str, int] = {"hour": 300, "day": 1000}
    # Codes are texted only to mobile numbers of these regions (phonenumbers' region codes):
    # premium-rate, landline, foreign and satellite numbers earn an SMS pumper money.
    signing_phone_regions: list[str] = ["GB"]
    # Failed back-office sign-ins allowed in 15 minutes: from one client (an IPv4 address or an
    # IPv6 /64), and from one client to one account. Then that client is held back; the
    # officer can still sign in from anywhere else.
    sign_in_failures: dict[str, int] = {"client": 20, "client_account": 5}
    # The reverse proxies (addresses or networks) whose X-Forwarded-For names the client;
    # from anyone else the header is ignored, or it would choose its own rate-limit key.
    trusted_proxies: list[str] = ["127.0.0.1", "::1"]

    # The scoring matrix: each part is scored 0-5 and multiplied by its weight; a Community
    # Call for Scrutiny earns the bonus on top. The total orders the annual programme.
    score_weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_SCORE_WEIGHTS))
    # The panel reviews "service areas identified as being a priority by dips in performance or
    # escalations of complaints": the dashboard flags an area whose indicators on target or
    # customer satisfaction fell by at least this many percentage points on the quarter
    # before (or whose escalated complaints rose).
    performance_dip_points: float = 10.0

    @property
    def offered_languages(self) -> tuple[str, ...]:
        """The languages we write in (LANGUAGES), the first the default."""
        return tuple(code.strip() for code in self.languages.split(",") if code.strip())

    @model_validator(mode="after")
    def _catalogues_found(self) -> Settings:
        # A language named without its catalogue is refused at start-up, not at the first text.
        missing = [
            code
            for code in self.offered_languages
            if code != SOURCE and not catalogue_path(code).exists()
        ]
        if missing or not self.offered_languages:
            raise ValueError(f"LANGUAGES: no catalogue under locales/ for {missing or 'any'}")
        return self

    @model_validator(mode="after")
    def _office_hours_read(self) -> Settings:
        OfficeHours.parse(self.voice_officer_hours)  # a typo is refused at start-up, not mid-call
        return self

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        if self.environment == "production":
            key = self.secret_key.get_secret_value()
            if key == DEV_SECRET or len(key) < 32:
                raise ValueError("SECRET_KEY must be a random string of 32+ characters")
            if not self.public_base_url.startswith("https://"):
                raise ValueError("PUBLIC_BASE_URL must be https:// in production")
            if self.demo_data:
                # The demo adds a manager whose password is in the README.
                raise ValueError("DEMO_DATA must be false in production")
        return self

    @property
    def base_url(self) -> str:
        """PUBLIC_BASE_URL without a trailing slash, for building links."""
        return self.public_base_url.rstrip("/")

    @property
    def secure_cookies(self) -> bool:
        """Cookies are marked Secure when the service is reached over https."""
        return self.public_base_url.startswith("https://")

    @property
    def telegram_enabled(self) -> bool:
        """Telegram is on when it has a bot token and a webhook secret."""
        return bool(self.telegram_bot_token and self.telegram_webhook_secret)

    @property
    def twilio_enabled(self) -> bool:
        """SMS and WhatsApp are on when Twilio has an account, a token and a number."""
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_from_number)


@lru_cache
def get_settings() -> Settings:
    """The settings, read once per process."""
    return Settings()
