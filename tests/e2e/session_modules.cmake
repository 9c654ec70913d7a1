# `akvault unlock` / `lock`: the session unlock in real kernel session
# keyrings (each test joins a fresh one) and throwaway users.
list(APPEND AKVAULT_E2E_MODULES
  test_session_unlock
)
