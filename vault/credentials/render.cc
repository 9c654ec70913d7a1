#include "vault/credentials/render.h"

#include <set>

#include "vault/bundle/secret_text.h"
#include "vault/credentials/merge.h"
#include "vault/key_record.h"

namespace akv {
namespace {

constexpr std::size_t kMaxProfileChars = 64;
constexpr std::size_t kMaxRegionChars = 32;

Status ValidateCredential(const Credential& c) {
  AKV_RETURN_IF_ERROR(ValidateProfileName(c.profile));
  AKV_RETURN_IF_ERROR(ValidateAccessKeyId(c.akid));
  if (c.secret == nullptr) return Status::Internal("credential " + c.akid + " has no secret");
  AKV_RETURN_IF_ERROR(ValidateSecret(c.secret->view()));
  AKV_RETURN_IF_ERROR(ValidateName("owner", c.owner));
  if (c.app) AKV_RETURN_IF_ERROR(ValidateName("app", *c.app));
  return Status::Ok();
}

// `"name":"value"` after an optional comma.
void JsonField(SecretTextSink& out, std::string_view name, std::string_view value, bool comma = true) {
  if (comma) out.Put(',');
  out.Put('"');
  out.Put(name);
  out.Put("\":\"");
  out.Put(value);
  out.Put('"');
}

void EmitEnv(const Credential& c, bool with_export, SecretTextSink& out) {
  const std::string_view prefix = with_export ? "export " : "";
  out.Put(prefix);
  out.Put("ALIBABA_CLOUD_ACCESS_KEY_ID=");
  out.Put(c.akid);
  out.Put("\n");
  out.Put(prefix);
  out.Put("ALIBABA_CLOUD_ACCESS_KEY_SECRET=");
  out.Put(c.secret->view());
  out.Put('\n');
}

void EmitJson(const std::vector<Credential>& creds, SecretTextSink& out) {
  out.Put("{\"credentials\":[");
  for (std::size_t i = 0; i < creds.size(); ++i) {
    const Credential& c = creds[i];
    out.Put(i == 0 ? "\n  {" : ",\n  {");
    JsonField(out, "profile", c.profile, false);
    JsonField(out, "access_key_id", c.akid);
    JsonField(out, "access_key_secret", c.secret->view());
    JsonField(out, "owner", c.owner);
    if (c.app) {
      JsonField(out, "app", *c.app);
    } else {
      out.Put(",\"app\":null");
    }
    out.Put('}');
  }
  out.Put("\n]}\n");
}

void EmitIniSection(const Credential& c, SecretTextSink& out) {
  out.Put('[');
  out.Put(c.profile);
  out.Put("]\nenable = true\ntype = access_key\naccess_key_id = ");
  out.Put(c.akid);
  out.Put("\naccess_key_secret = ");
  out.Put(c.secret->view());
  out.Put('\n');
}

void EmitAliyunProfile(const Credential& c, const std::string& region, SecretTextSink& out) {
  out.Put('{');
  JsonField(out, "name", c.profile, false);
  JsonField(out, "mode", "AK");
  JsonField(out, "access_key_id", c.akid);
  JsonField(out, "access_key_secret", c.secret->view());
  JsonField(out, "region_id", region);
  JsonField(out, "output_format", "json");
  JsonField(out, "language", "en");
  out.Put('}');
}

// ini and aliyun: each profile's text, then merged into the existing file
// (or into nothing, which gives a new file).
Result<SecretBuffer> RenderMerged(CredentialFormat format, const std::vector<Credential>& creds,
                                  const std::string& region, const MergeTarget* into) {
  std::vector<SecretBuffer> texts;
  std::vector<ProfileText> profiles;
  texts.reserve(creds.size());
  for (const Credential& c : creds) {
    texts.push_back(BuildSecretText([&](SecretTextSink& out) {
      if (format == CredentialFormat::kIni) {
        EmitIniSection(c, out);
      } else {
        EmitAliyunProfile(c, region, out);
      }
    }));
    profiles.push_back({c.profile, &texts.back()});
  }
  const std::string_view existing = into ? into->existing : std::string_view();
  const bool replace = into ? into->replace : false;
  const std::string what = into ? into->what : std::string("the new file");
  if (format == CredentialFormat::kIni) return MergeIni(existing, profiles, replace, what);
  return MergeAliyunConfig(existing, profiles, replace, /*make_current=*/false, what);
}

}  // namespace

std::optional<CredentialFormat> ParseCredentialFormat(std::string_view name) {
  if (name == "env") return CredentialFormat::kEnv;
  if (name == "export-env") return CredentialFormat::kExportEnv;
  if (name == "json") return CredentialFormat::kJson;
  if (name == "ini") return CredentialFormat::kIni;
  if (name == "aliyun") return CredentialFormat::kAliyun;
  return std::nullopt;
}

Status ValidateProfileName(std::string_view profile) {
  const char kHint[] = "use letters, digits, '.', '_' and '-' (at most 64), e.g. --profile billing-api";
  if (profile.empty() || profile.size() > kMaxProfileChars) {
    return Status::Usage("profile name must have 1 to " + std::to_string(kMaxProfileChars) + " characters", kHint);
  }
  for (char c : profile) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return Status::Usage("profile name contains a character other than letters, digits, . _ -", kHint);
  }
  return Status::Ok();
}

Status ValidateRegionId(std::string_view region) {
  bool ok = !region.empty() && region.size() <= kMaxRegionChars;
  for (char c : region) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (!ok) return Status::Usage("region is not a region ID", "use an ID such as cn-hangzhou or ap-southeast-1");
  return Status::Ok();
}

bool FormatMerges(CredentialFormat format) {
  return format == CredentialFormat::kIni || format == CredentialFormat::kAliyun;
}

Result<SecretBuffer> RenderCredentials(CredentialFormat format, const std::vector<Credential>& credentials,
                                       const std::string& region, const MergeTarget* into) {
  if (credentials.empty()) return Status::Usage("there is no key to write");
  if (into && !FormatMerges(format)) return Status::Internal("only ini and aliyun files are merged");
  if ((format == CredentialFormat::kEnv || format == CredentialFormat::kExportEnv) && credentials.size() != 1) {
    return Status::Usage("the env format holds one key; choose one with --profile NAME",
                         "or use --format ini, json or aliyun for all " + std::to_string(credentials.size()) + " keys");
  }
  std::set<std::string_view> profiles;
  for (const Credential& c : credentials) {
    AKV_RETURN_IF_ERROR(ValidateCredential(c));
    if (!profiles.insert(c.profile).second) {
      return Status::Usage("profile " + c.profile + " would appear twice", "give each key its own profile name");
    }
    if (format == CredentialFormat::kIni && c.profile == "DEFAULT") {
      return Status::Usage("profile name DEFAULT is reserved in INI files", "choose another name with --profile");
    }
  }
  if (format == CredentialFormat::kAliyun) AKV_RETURN_IF_ERROR(ValidateRegionId(region));
  if (FormatMerges(format)) return RenderMerged(format, credentials, region, into);
  return BuildSecretText([&](SecretTextSink& out) {
    if (format == CredentialFormat::kJson) return EmitJson(credentials, out);
    EmitEnv(credentials.front(), format == CredentialFormat::kExportEnv, out);
  });
}

Result<SecretBuffer> RenderExternalProfile(const std::string& profile, const std::string& process_command,
                                           const std::string& region) {
  AKV_RETURN_IF_ERROR(ValidateProfileName(profile));
  AKV_RETURN_IF_ERROR(ValidateRegionId(region));
  for (char c : process_command) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
      return Status::Usage("the External-mode command would need quoting (a path has a quote, backslash or control character)",
                           "move the bundle and identity to paths of plain characters");
    }
  }
  if (process_command.empty()) return Status::Usage("the External-mode command is empty");
  return BuildSecretText([&](SecretTextSink& out) {
    out.Put('{');
    JsonField(out, "name", profile, false);
    JsonField(out, "mode", "External");
    JsonField(out, "process_command", process_command);
    JsonField(out, "region_id", region);
    JsonField(out, "output_format", "json");
    JsonField(out, "language", "en");
    out.Put('}');
  });
}

Result<SecretBuffer> RenderCredentialProcess(const std::string& akid, const SecretBuffer& secret) {
  AKV_RETURN_IF_ERROR(ValidateAccessKeyId(akid));
  AKV_RETURN_IF_ERROR(ValidateSecret(secret.view()));
  return BuildSecretText([&](SecretTextSink& out) {
    out.Put("{\"mode\":\"AK\"");
    JsonField(out, "access_key_id", akid);
    JsonField(out, "access_key_secret", secret.view());
    out.Put("}\n");
  });
}

}  // namespace akv
