"""Officers and the people we hold data on: accounts, sign-in, the audit log, privacy
(find, export, erase) and retention."""
