"""The one table of what each channel can do, and rendering that splits by its budget."""

from __future__ import annotations

from bot.sms_text import segments
from conversations import Channel, Choice, Outbound
from conversations.channels import ABILITIES, SMS_SEGMENTS
from tests.factories import sample_renderer


def test_every_channel_has_one_row() -> None:
    assert set(ABILITIES) == set(Channel)


def test_the_table_says_what_each_channel_does() -> None:
    # Written out by hand from how each provider works, not read back from the code.
    expected = {
        # channel: pictures, buttons, in response, by us, writing is consent, phone, segments,
        # spoken
        Channel.WEB: (False, True, True, True, True, False, None, False),
        Channel.TERMINAL: (False, False, True, True, True, False, None, False),
        Channel.TELEGRAM: (True, True, False, False, True, False, None, False),
        Channel.SMS: (False, False, True, False, False, True, 3, False),
        Channel.WHATSAPP: (True, False, True, False, False, True, None, False),
        Channel.VOICE: (False, False, True, False, False, True, None, True),
    }
    for channel, row in expected.items():
        can = channel.can
        actual = (
            can.pictures,
            can.buttons,
            can.answered_in_response,
            can.delivered_by_us,
            can.writing_is_consent,
            can.phone_number,
            can.segments,
            can.spoken,
        )
        assert actual == row, channel


def test_phone_channels_have_carrier_keywords_so_writing_is_not_consent() -> None:
    # STOP and START belong to the phone network on SMS and WhatsApp (PECR): a new message
    # from someone who opted out there is not a way back in.
    for channel in Channel:
        assert channel.can.phone_number != channel.can.writing_is_consent


def test_a_caller_is_texted_what_we_send_later_and_everyone_else_gets_it_where_they_are() -> None:
    # Nobody is on the line when an officer decides: a caller hears of it by text.
    assert Channel.VOICE.written == Channel.SMS
    for channel in Channel:
        if channel != Channel.VOICE:
            assert channel.written == channel


def test_a_long_text_message_goes_as_several_each_within_the_budget() -> None:
    renderer = sample_renderer()
    long = " ".join(f"Sentence number {n} is here." for n in range(80))
    reply = Outbound("officer_message", {"text": long}, (Choice(1, "yes", "yes_no_unsure"),))
    parts = renderer.messages(reply, Channel.SMS)
    assert len(parts) > 1
    assert all(segments(p.text) <= SMS_SEGMENTS for p in parts)
    assert " ".join(p.text for p in parts).count("Sentence number") == 80
    assert parts[-1].buttons == renderer.render(reply, Channel.SMS).buttons
    assert all(not p.buttons for p in parts[:-1])


def test_other_channels_get_one_message_however_long() -> None:
    renderer = sample_renderer()
    long = "word " * 600
    for channel in (Channel.WEB, Channel.TELEGRAM, Channel.WHATSAPP, Channel.TERMINAL):
        reply = Outbound("officer_message", {"text": long})
        assert renderer.messages(reply, channel) == [renderer.render(reply, channel)]
