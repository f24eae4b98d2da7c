"""Channel adapters: turn provider payloads into Inbound messages and deliver Outbound replies."""
