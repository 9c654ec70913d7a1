# Unit tests of the vault core (crypto wrappers, storage, the vault itself).
akvault_unit_test(core_unit_tests
  status_test.cc
  crypto/secret_test.cc
  crypto/kdf_test.cc
  crypto/aead_test.cc
  encoding/encoding_test.cc
  encoding/json_writer_test.cc
  fs/secure_file_test.cc
  record_codec_test.cc
  state_mac_test.cc
  keyring_test.cc
  vault_test.cc
  vault_import_test.cc
  vault_tamper_test.cc
  migration_test.cc
  vault_listing_test.cc
)
