// Reads an AccessKey the way Alibaba Cloud's own Node.js SDKs do, through one
// named provider of @alicloud/credentials (never its default chain, which
// would probe the ECS metadata service over the network).
//   node read_credentials.js env|profile|cli_profile [PROFILE]
// Prints {"provider":..., "access_key_id":..., "access_key_secret":...} on
// stdout, or the library's error on stderr with exit status 1.
'use strict';
const path = require('path');
const modules = process.env.AKVAULT_NODE_MODULES;
const lib = require(path.join(modules, '@alicloud/credentials'));

function provider(kind, profile) {
  if (kind === 'env') return lib.EnvironmentVariableCredentialsProvider.builder().build();
  if (kind === 'profile') {
    const b = lib.ProfileCredentialsProvider.builder();
    return (profile ? b.withProfileName(profile) : b).build();
  }
  if (kind === 'cli_profile') {
    const b = lib.CLIProfileCredentialsProvider.builder();
    return (profile ? b.withProfileName(profile) : b).build();
  }
  throw new Error('unknown provider ' + kind);
}

(async () => {
  try {
    const p = provider(process.argv[2], process.argv[3]);
    const c = await p.getCredentials();
    process.stdout.write(JSON.stringify({
      provider: c.providerName,
      access_key_id: c.accessKeyId,
      access_key_secret: c.accessKeySecret,
    }) + '\n');
  } catch (e) {
    process.stderr.write(String(e && e.message ? e.message : e) + '\n');
    process.exit(1);
  }
})();
