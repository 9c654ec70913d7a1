// akvault unlock [--timeout MINUTES] | akvault unlock --status
// Runs the one Argon2id and leaves the vault openable without the
// passphrase, for this login session and this user only, until the timeout
// or `akvault lock` (vault/session/unlock_cache.h). --status says whether
// the vault is unlocked and until when; it reads no secret it shows.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/encoding/json_dump.h"

namespace akv::cli {
namespace {

constexpr int kDefaultMinutes = 15;
constexpr int kMaxMinutes = 720;
// Tests only: a lifetime in seconds, at most one minute, so a test of the
// timeout need not wait 60 s; it can only shorten an unlock, never lengthen one.
constexpr int kMaxTestSeconds = 60;

struct UnlockOptions {
  int minutes = kDefaultMinutes;
  int test_seconds = 0;
  bool status = false;
};

UnlockBinding BindingOf(const Vault& vault) { return UnlockBinding{vault.vault_id(), vault.KeyringDigest()}; }

std::string Left(std::int64_t seconds) {
  if (seconds < 120) return std::to_string(seconds) + " seconds";
  return std::to_string(seconds / 60) + " minutes";
}

Status RunStatus(Context& ctx, UnlockCache& cache) {
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(Vault::Access::kReadOnly));
  const Status safe = cache.CheckSafe();
  CacheLookup found = cache.Load(BindingOf(*vault));
  if (!found.note.empty()) ctx.Note(found.note);
  const std::int64_t now = ctx.clock.NowUnixSeconds();
  if (ctx.globals.json) {
    nlohmann::json out = {{"vault", vault->path()}, {"unlocked", found.unlock.has_value()}};
    out["until"] = found.unlock ? nlohmann::json(FormatUtc(found.unlock->expires_at)) : nlohmann::json(nullptr);
    out["seconds_left"] = found.unlock ? nlohmann::json(found.unlock->expires_at - now) : nlohmann::json(nullptr);
    out["session_can_unlock"] = safe.ok();
    if (!safe.ok()) out["why_not"] = safe.message();
    ctx.io.out() << DumpJson(out) << '\n';
    return Status::Ok();
  }
  if (found.unlock) {
    ctx.io.out() << "Unlocked: " << vault->path() << " until " << FormatUtc(found.unlock->expires_at) << " ("
                 << Left(found.unlock->expires_at - now) << " left), in this login session\n";
  } else if (safe.ok()) {
    ctx.io.out() << "Locked: " << vault->path()
                 << " (commands ask for the passphrase; `akvault unlock` to stop that)\n";
  } else {
    ctx.io.out() << "Locked: " << vault->path() << "; this session cannot hold an unlock: " << safe.message() << '\n';
  }
  return Status::Ok();
}

Status RunUnlock(Context& ctx, const UnlockOptions& opts) {
  if (ctx.unlock_cache == nullptr) return Status::Internal("no session unlock cache in this process");
  UnlockCache& cache = *ctx.unlock_cache;
  if (opts.status) return RunStatus(ctx, cache);
  const std::int64_t lifetime = opts.test_seconds > 0 ? opts.test_seconds : std::int64_t{opts.minutes} * 60;
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(Vault::Access::kReadOnly));
  // Refuse before the passphrase is typed and Argon2id runs for nothing.
  AKV_RETURN_IF_ERROR(cache.CheckSafe());
  // Always the passphrase: unlocking proves it again, and extends nothing
  // on the strength of an earlier unlock.
  AKV_RETURN_IF_ERROR(ctx.UnlockVaultWithPassphrase(*vault));
  AKV_ASSIGN_OR_RETURN(const SecretBuffer* vault_key, vault->VaultKeyForCache());
  AKV_ASSIGN_OR_RETURN(const std::int64_t expires, cache.Store(BindingOf(*vault), *vault_key, lifetime));
  if (ctx.globals.json) {
    ctx.io.out() << DumpJson(
                        nlohmann::json{{"vault", vault->path()}, {"unlocked", true}, {"until", FormatUtc(expires)}})
                 << '\n';
  } else {
    ctx.io.out() << "Unlocked " << vault->path() << " until " << FormatUtc(expires) << " (" << Left(lifetime)
                 << ") for this login session; `akvault lock` forgets it now\n";
  }
  return Status::Ok();
}

}  // namespace

void AddUnlockCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<UnlockOptions>();
  CLI::App* cmd =
      root.add_subcommand("unlock", "ask once: this login session's commands stop asking until the timeout");
  cmd->add_option("--timeout", opts->minutes, "minutes until it locks again (default 15, at most 720)")
      ->check(CLI::Range(1, kMaxMinutes));
  cmd->add_option("--test-timeout-seconds", opts->test_seconds, "for tests: a lifetime of 1-60 seconds")
      ->check(CLI::Range(1, kMaxTestSeconds))
      ->group("");
  cmd->add_flag("--status", opts->status, "say whether the vault is unlocked and until when (asks nothing)");
  cmd->footer(
      "Examples:\n"
      "  akvault unlock                 # 15 minutes\n"
      "  akvault unlock --timeout 120   # two hours\n"
      "  akvault unlock --status\n"
      "  akvault lock\n"
      "Needs a login session of its own (pam_keyinit: ssh and console logins; or `keyctl session -`) and a private\n"
      "$XDG_RUNTIME_DIR; otherwise it refuses (exit 22) and commands keep asking for the passphrase.\n"
      "Any process of yours in this login session can use the vault while it is unlocked: see docs/design.md.");
  table.push_back({cmd, [opts](Context& ctx) { return RunUnlock(ctx, *opts); }});
}

}  // namespace akv::cli
