"""The Qt-free core: definitions, validation, transport, secrets, profiles, history."""
