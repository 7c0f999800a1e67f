import { DEFAULT_STORE_DIR, openStoreFolder, StoreFolderError } from '../../local/store-folder.ts';
import { LocalTokenIssuer } from '../../local/token-issuer.ts';
import { isAdministrationCode, type Role } from '../../shared/identity/principal.ts';
import { type Command, intOpt, requireString, stringOpt, UsageError, UserError } from '../command.ts';

/** CLI role names → Cognito groups. */
const ROLE_NAMES: Record<string, Role> = {
  official: 'official',
  analyst: 'analyst',
  admin: 'wco-admin',
  'member-system': 'member-system',
};

export const devTokenCommand: Command = {
  name: 'dev-token',
  summary: 'Print a bearer token the local API accepts (the local stand-in for a Cognito login)',
  usage: '--role <official|analyst|admin|member-system> [--admin CODE] [--ttl SECONDS] [--store DIR]',
  options: {
    role: { type: 'string' },
    admin: { type: 'string' },
    ttl: { type: 'string' },
    store: { type: 'string' },
  },
  async run({ values, out }) {
    const roleName = requireString(values, 'role');
    const role = ROLE_NAMES[roleName];
    if (!role) throw new UsageError(`--role must be one of ${Object.keys(ROLE_NAMES).join(', ')}`);
    const admin = stringOpt(values, 'admin');
    if (admin !== undefined && !isAdministrationCode(admin))
      throw new UsageError('--admin must be an administration code of 2-8 capital letters, e.g. XAA');
    if ((role === 'official' || role === 'member-system') && !admin)
      throw new UsageError(`--admin is required for --role ${roleName}`);
    const ttl = intOpt(values, 'ttl', 8 * 3600, 1);
    let root: string;
    try {
      ({ root } = await openStoreFolder(stringOpt(values, 'store') ?? DEFAULT_STORE_DIR));
    } catch (err) {
      if (err instanceof StoreFolderError) throw new UserError(err.message);
      throw err;
    }
    const issuer = await LocalTokenIssuer.open(root);
    out(await issuer.mint({ role, administration: admin ?? null, ttlSeconds: ttl }));
    return 0;
  },
};
