"""The accounts test world (users of every role, two firms, a pending claim) for notification tests."""

from tests.accounts.conftest import _fast_argon2, app_client, world  # noqa: F401
