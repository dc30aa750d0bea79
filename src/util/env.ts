// Child-process environments: build one from an explicit allow-list, and redact secrets before logging it.

/** Keys whose values are secrets (never logged, never written to artefacts). */
const SECRET_KEY = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i;

/** What any tool needs of the parent's shell: PATH, locale, time zone, terminal, user. */
export const SHELL_ENV_ALLOW: readonly string[] = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TERM', 'SHELL', 'USER'];

/** Proxy settings, in both spellings. */
export const PROXY_ENV_ALLOW: readonly string[] = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

/** The redaction marker written instead of a secret value. */
export const REDACTED = '[REDACTED]';

/** Is the value of this variable a secret? */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Does `key` match an allow-list entry? An entry ending in `*` is a prefix (`AWS_*`). */
function allowed(key: string, allow: readonly string[]): boolean {
  return allow.some((a) => (a.endsWith('*') ? key.startsWith(a.slice(0, -1)) : key === a));
}

/**
 * The complete environment of a child: the allowed keys of `base` that are set, then `extra`
 * (which wins). Nothing else is inherited, so stray variables of the parent (`CLAUDECODE`, ...)
 * never reach the child. An `extra` value of `undefined` removes the key.
 */
export function buildChildEnv(
  base: NodeJS.ProcessEnv,
  allow: readonly string[],
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && allowed(k, allow)) env[k] = v;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Credentials inside a URL (`http://user:pass@proxy`), which proxies variables may carry. */
const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i;

/** A copy of `env` that is safe to log: secret values become `[REDACTED]`, URL credentials too. */
export function redactEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    out[k] = isSecretKey(k) ? REDACTED : v.replace(URL_USERINFO, `$1${REDACTED}@`);
  }
  return out;
}
