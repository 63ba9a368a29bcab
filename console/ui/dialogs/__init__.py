"""The window's dialogs: profiles and keys, the cookie helper, Import cURL."""
