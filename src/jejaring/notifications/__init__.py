"""In-app notifications to people (badge, list, read/unread, links), mailed as well when SMTP is configured."""
