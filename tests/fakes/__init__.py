"""Local fakes of the providers (Telegram Bot API, Twilio REST API) on their wire protocols."""
