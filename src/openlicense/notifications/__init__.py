"""Notifications: what reaches people. An in-app inbox per user (unread count, mark read), email
through SMTP for the kinds each user chooses, and reminders run as scheduled jobs, each sent once.
Owns the inbox, the mail outbox, the email preferences and the reminder keys; it does not own the
events it reports (agreements, accounts and others keep those)."""
