// bundle_vector_gen, part 2: recipient-mode vectors and the structural,
// payload (A16, A17) and armor (A9) failures built from them.
#include "tests/unit/bundle/vector_gen.h"

namespace akv::testing {

void RecipientVectors() {
  const BoxKeyPair me = SeededIdentity(kIdentitySeed);
  const BoxKeyPair other = SeededIdentity(kOtherIdentitySeed);
  const std::string payload = PayloadText(SamplePayload(1));
  const Bytes ok = MustSeal(SamplePayload(1), RecipientOptions({me.public_key}), kBundleSeed);
  auto fields = [&](std::string expect, std::string comment, std::uint8_t who = kIdentitySeed) {
    return Fields{{"expect", expect}, {"comment", comment}, {"identity", IdentityLine(who)}, {"now", Num(kNow)}};
  };
  Fields f = fields("success", "recipient mode, one stanza");
  f.push_back({"payload", payload});
  Write("recipient_ok.akb", f, ok);
  const Bytes two = MustSeal(SamplePayload(1), RecipientOptions({other.public_key, me.public_key}), kBundleSeed);
  f = fields("success", "recipient mode, this identity in the second of two stanzas");
  f.push_back({"payload", payload});
  Write("recipient_second_stanza.akb", f, two);
  std::string crlf = "\r\n  " + ArmorBundle(ok);
  for (std::size_t p = 0; (p = crlf.find('\n', p + 2)) != std::string::npos;) crlf.replace(p, 1, "\r\n");
  crlf += " \t\r\n";
  f = fields("success", "A9: armored with CRLF line endings and whitespace around the block");
  f.push_back({"payload", payload});
  Write("recipient_armored_crlf.akb", f, AsBytes(crlf));
  Write("recipient_wrong_identity.akb", fields("no match", "A15: sealed to another identity", kOtherIdentitySeed), ok);

  const char* low_order[] = {"0000000000000000000000000000000000000000000000000000000000000000",
                             "0100000000000000000000000000000000000000000000000000000000000000",
                             "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
                             "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"};
  const char* low_names[] = {"zero", "one", "order8", "p"};
  for (int i = 0; i < 4; ++i) {
    Bytes b = ok;
    const Bytes point = *HexDecode(low_order[i]);
    std::copy(point.begin(), point.end(), b.begin() + kRcStanza);
    Write(std::string("recipient_low_order_") + low_names[i] + ".akb",
          fields("format failure", std::string("A14: ephemeral key is the low-order point ") + low_names[i]), b);
  }
  Bytes b = two;
  std::copy(two.begin() + kRcStanza, two.begin() + kRcStanza + 80, b.begin() + kRcStanza + 80);
  Write("recipient_duplicate_stanza.akb", fields("format failure", "A11: the same stanza twice"), b);
  b = ok;
  b[kRcCount] = 0;
  Write("recipient_count_zero.akb", fields("format failure", "A11: zero stanzas"), b);
  b = ok;
  b[kRcCount] = 33;
  Write("recipient_count_33.akb", fields("format failure", "A11: more than 32 stanzas"), b);
  b = ok;
  b.erase(b.begin() + kRcStanza + 79);
  Write("recipient_stanza_79_bytes.akb", fields("format failure", "A14: a stanza one byte short"), b);
  b = ok;
  PutU64(b, kExpiresAt, kExpires + 86400 * 365);
  Write("recipient_expiry_extended.akb", fields("tampered", "A6: expires edited in place (under the header MAC)"), b);
  b = ok;
  b[kRcMac] ^= 0x04;
  Write("recipient_header_mac_flipped.akb", fields("tampered", "A4: one bit of the header MAC"), b);
  b = ok;
  b[b.size() - 1] ^= 0x01;
  Write("recipient_tag_flipped.akb", fields("tampered", "A4: one bit of the payload tag"), b);

  // Structure (A1-A3, A10, A11).
  Write("empty.akb", fields("format failure", "A1: empty file"), ByteView());
  b = ok;
  const std::string age = "age-encryption.org/v1\n";
  std::copy(age.begin(), age.begin() + 18, b.begin());
  Write("wrong_magic.akb", fields("format failure", "A1: not an akvault bundle"), b);
  b = ok;
  b[16] = '2';
  Write("version_v2.akb", fields("format failure", "A1: unsupported bundle version v2"), b);
  b.assign(ok.begin(), ok.begin() + 60);
  Write("truncated_header.akb", fields("format failure", "A2: cut inside the first stanza"), b);
  b.assign(ok.begin(), ok.end() - 1);
  Write("truncated_payload.akb", fields("format failure", "A2: last byte missing"), b);
  b = ok;
  b.push_back(0);
  Write("trailing_garbage_1b.akb", fields("format failure", "A3: one byte after the tag"), b);
  b = ok;
  b.insert(b.end(), 1024, 0x41);
  Write("trailing_garbage_1kib.akb", fields("format failure", "A3: 1 KiB after the tag"), b);
  b = ok;
  PutU32(b, kRcLength, 0xFFFFFFFFu);
  Write("length_ffffffff.akb", fields("format failure", "A10: payload length 0xFFFFFFFF, refused before allocating"),
        b);
  b = ok;
  b[kModeAt] = 9;
  Write("unknown_mode.akb", fields("format failure", "A11: mode byte 9"), b);
  b = ok;
  PutU64(b, kCreatedAt, kExpires + 1);
  Write("created_after_expires.akb", fields("format failure", "created after expires"), b);
  // A12: the password layout (mode 1) with a recipient stanza spliced in
  // before its MAC: the layout leaves no place for it.
  const SecretBuffer password = CanonicalPassword(kPasswordSeed);
  const Bytes pw = MustSeal(SamplePayload(1), PasswordOptions(password, FastKdf), kBundleSeed);
  b.assign(pw.begin(), pw.begin() + kPwMac);
  b.push_back(1);
  b.insert(b.end(), ok.begin() + kRcStanza, ok.begin() + kRcStanza + 80);
  b.insert(b.end(), pw.begin() + kPwMac, pw.end());
  Fields a12 = {{"expect", "format failure"},
                {"comment", "A12: password stanza plus a recipient stanza"},
                {"password", Text(DisplayPassword(kPasswordSeed))},
                {"now", Num(kNow)}};
  Write("password_plus_recipient_stanza.akb", a12, b);

  // Valid encryption, malformed content (A16, A17).
  const SealOptions o = RecipientOptions({me.public_key});
  Write("payload_not_json.akb", fields("format failure", "A16: valid AEAD around text that is not the payload JSON"),
        MustSealRaw("hello, world", o));
  Write("payload_no_keys.akb", fields("format failure", "A16: valid AEAD, zero keys"),
        MustSealRaw(R"({"v":1,"keys":[]})", o));
  std::string inject = payload;
  inject.replace(inject.find(R"("secret":")") + 10, 0, "x\\nAKID=1");
  Write("payload_secret_escape.akb", fields("format failure", "A17: an escaped newline inside the secret"),
        MustSealRaw(inject, o));
  inject = payload;
  inject.replace(inject.find(R"("owner":")") + 9, 0, "]\n[evil");
  Write("payload_owner_newline.akb", fields("format failure", "A17: a raw newline and ] in the owner"),
        MustSealRaw(inject, o));

  // Armor (A9).
  std::string armored = ArmorBundle(ok);
  auto armor_case = [&](const std::string& name, const std::string& comment, std::string text) {
    Write(name, fields("format failure", comment), AsBytes(text));
  };
  std::string t = armored;
  t[40] = '\0';
  armor_case("armored_nul.akb", "A9: a NUL inside the armor", t);
  t = armored;
  t.insert(40, "\xc3\xa9");
  armor_case("armored_non_ascii.akb", "A9: a non-ASCII character", t);
  t = armored;
  const std::size_t end_line = t.find("-----END");
  armor_case("armored_missing_end.akb", "A9: no END line", t.substr(0, end_line));
  armor_case("armored_text_after_end.akb", "A9: text after the END line", t + "PS: the password is in the next mail\n");
  t = armored;
  t.erase(t.find('\n', 40) - 1, 1);
  armor_case("armored_short_line.akb", "A9: a body line of 63 characters", t);
  // Non-canonical base64: set an unused low bit of the symbol before '='.
  const Bytes odd(ok.begin(), ok.end() - (ok.size() % 3 == 0 ? 1 : 0));
  std::string nc = ArmorBundle(odd);
  const std::size_t pad = nc.find('=');
  const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  nc[pad - 1] = alphabet[alphabet.find(nc[pad - 1]) + 1];
  armor_case("armored_noncanonical_base64.akb", "A9: non-zero bits under the = padding", nc);
}

}  // namespace akv::testing
