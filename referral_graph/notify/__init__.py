"""The notification port and its channels: e-mail over SMTP, SMS through an SMS gateway
(RapidPro's broadcast API) and Telegram (the Bot API), and the words of the messages in
English and Khmer.

A channel is handed a finished :class:`~referral_graph.notify.port.Notice` (an address,
a subject, a text) and sends it, or raises
:class:`~referral_graph.notify.port.DeliveryFailed` saying whether a retry could help.
Channels never read the store: the use cases in ``services/alert_notices.py`` decide
who is told, when and in which language, and reuse the outbox's retries and dead
letters around them.
"""
