/**
 * The portal's Content-Security-Policy, one definition for the local server and CloudFront.
 *
 * Scripts come only from the portal's own origin. Pages keep small inline <style> blocks, hence
 * 'unsafe-inline' for styles (never for scripts).
 */
export function portalCsp(options: { identityOrigin?: string; allowEval?: boolean } = {}): string {
  const idp = options.identityOrigin ? ` ${options.identityOrigin}` : '';
  return [
    "default-src 'self'",
    // Vega compiles its expression language with Function(); pages that embed Vega charts get 'unsafe-eval'
    // and nothing else does. The specs they run are the page's own, never user input.
    `script-src 'self'${options.allowEval ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self'${idp}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    `form-action 'self'${idp}`,
    "object-src 'none'",
  ].join('; ');
}

/** Portal pages (paths under the portal root) that embed Vega charts. */
export const VEGA_PAGES = ['pages/mirror.html'] as const;
