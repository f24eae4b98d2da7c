"""Messages out and files in: the outbox and its worker, notifications, the providers,
evidence fetching and files, upload links, opt-outs and the transcript."""
