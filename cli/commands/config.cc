// akvault config get NAME | set NAME VALUE | list
// Vault-wide settings, authenticated like key records:
//   rotate-days      default rotation period for new keys (default 90)
//   max-rotate-days  longest period `lint` accepts without a warning (default 90)
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "vault/encoding/json_dump.h"
#include "vault/rotation/policy.h"

namespace akv::cli {
namespace {

struct Setting {
  const char* name;
  int default_value;
  const char* meaning;
};
constexpr Setting kSettings[] = {
    {"rotate-days", kDefaultRotateDays, "default rotation period of new keys, in days"},
    {"max-rotate-days", kDefaultRotateDays, "longest rotation period lint accepts without a warning, in days"},
};

const Setting* FindSetting(const std::string& name) {
  for (const Setting& s : kSettings) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

struct ConfigOptions {
  std::string name;
  std::string value;
};

Status UnknownSetting(const std::string& name) {
  return Status::Usage("unknown setting '" + name + "'", "settings are rotate-days and max-rotate-days");
}

Status RunGet(Context& ctx, const ConfigOptions& opts, bool all) {
  bool verify = !ctx.globals.passphrase_file.empty();
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenVault(verify ? Vault::Access::kReadWrite : Vault::Access::kReadOnly));
  if (verify) {
    AKV_RETURN_IF_ERROR(ctx.UnlockVault(*vault));
  } else {
    verify = ctx.UnlockFromSession(*vault);  // `akvault unlock`: verify at no cost
  }
  nlohmann::json json = nlohmann::json::object();
  for (const Setting& s : kSettings) {
    if (!all && opts.name != s.name) continue;
    std::optional<std::string> value;
    if (verify) {
      AKV_ASSIGN_OR_RETURN(value, vault->VerifiedConfig(s.name));
    } else {
      AKV_ASSIGN_OR_RETURN(value, vault->ConfigValue(s.name));
    }
    const std::string shown = value.value_or(std::to_string(s.default_value));
    if (ctx.globals.json) {
      json[s.name] = std::stoi(shown);
    } else if (all) {
      ctx.io.out() << PadRight(s.name, 17) << PadRight(shown + (value ? "" : " (default)"), 16) << s.meaning << '\n';
    } else {
      ctx.io.out() << shown << '\n';
    }
  }
  if (ctx.globals.json) ctx.io.out() << DumpJson(json) << '\n';
  return Status::Ok();
}

Status RunSet(Context& ctx, const ConfigOptions& opts) {
  if (!FindSetting(opts.name)) return UnknownSetting(opts.name);
  AKV_ASSIGN_OR_RETURN(int days, ParseDayCount(opts.value, opts.name, 1, kMaxRotateDays));
  AKV_ASSIGN_OR_RETURN(auto vault, ctx.OpenUnlockedVault());
  AKV_RETURN_IF_ERROR(vault->SetConfig(opts.name, std::to_string(days)));
  if (ctx.globals.json) {
    ctx.io.out() << DumpJson(nlohmann::json{{opts.name, days}}) << '\n';
  } else {
    ctx.io.out() << "Set " << opts.name << " = " << days << '\n';
  }
  return Status::Ok();
}

}  // namespace

void AddConfigCommand(CLI::App& root, CommandTable& table) {
  auto opts = std::make_shared<ConfigOptions>();
  CLI::App* cmd = root.add_subcommand("config", "vault-wide settings: rotate-days, max-rotate-days");
  cmd->require_subcommand(1);
  CLI::App* get = cmd->add_subcommand("get", "print a setting");
  get->add_option("name", opts->name, "rotate-days or max-rotate-days")->required();
  CLI::App* set = cmd->add_subcommand("set", "change a setting (needs the passphrase; logged)");
  set->add_option("name", opts->name, "rotate-days or max-rotate-days")->required();
  set->add_option("value", opts->value, "a number of days")->required();
  CLI::App* list = cmd->add_subcommand("list", "print every setting");
  table.push_back({cmd, [opts, get, set, list](Context& ctx) -> Status {
                     if (set->parsed()) return RunSet(ctx, *opts);
                     if (get->parsed()) {
                       if (!FindSetting(opts->name)) return UnknownSetting(opts->name);
                       return RunGet(ctx, *opts, false);
                     }
                     (void)list;
                     return RunGet(ctx, *opts, true);
                   }});
}

}  // namespace akv::cli
