import { z } from 'zod';

/** Maps crawled pages to the product key and HS code the cross-check matches declarations on. */
export const productMappingSchema = z
  .object({
    /** Regular expression tested against the page URL. */
    urlPattern: z.string().optional(),
    sku: z.string().optional(),
    gtin: z.string().optional(),
    productKey: z.string().min(1),
    hsCode: z
      .string()
      .regex(/^\d{6,12}$/, 'HS code: 6 to 12 digits')
      .optional(),
  })
  .refine((m) => m.urlPattern || m.sku || m.gtin, 'a product mapping needs urlPattern, sku or gtin');

/** One shop (or site) an administration collects prices from. */
export const priceSourceConfigSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'source id: letters, digits, . _ -'),
    startUrls: z.array(z.url({ protocol: /^https?$/ })).default([]),
    sitemaps: z.array(z.url({ protocol: /^https?$/ })).default([]),
    /** Hosts (and their subdomains) the crawler may fetch; links and redirects elsewhere are not followed. */
    allowedDomains: z.array(z.string().min(1)).min(1),
    /** Product key / HS mapping; the first matching entry wins. */
    products: z.array(productMappingSchema).default([]),
    /** HS code for every page of this source when no mapping matches (a single-category shop). */
    hsCode: z
      .string()
      .regex(/^\d{6,12}$/)
      .optional(),
    /** When to crawl: "daily", "weekly", "monthly" or a cron expression (the pipeline's scheduler reads it). */
    schedule: z.string().default('weekly'),
    /** Links to follow from start pages: a regular expression on the URL (none followed when absent). */
    followLinks: z.string().optional(),
    maxDepth: z.number().int().min(0).max(5).default(1),
    maxPages: z.number().int().min(1).max(100_000).default(200),
  })
  .refine((s) => s.startUrls.length + s.sitemaps.length > 0, 'a source needs startUrls or sitemaps');
export type PriceSourceConfig = z.infer<typeof priceSourceConfigSchema>;

export const DEFAULT_USER_AGENT = 'bacuda-prices/0.1 (customs valuation research; +https://www.wcoomd.org/)';

/** Politeness and robustness limits. */
export const crawlSettingsSchema = z.object({
  userAgent: z.string().min(3).default(DEFAULT_USER_AGENT),
  perHostConcurrency: z.number().int().min(1).max(8).default(1),
  /** Minimum gap between two requests to the same host (robots.txt Crawl-delay raises it). */
  delayMs: z.number().int().min(0).default(1000),
  globalConcurrency: z.number().int().min(1).max(64).default(4),
  timeoutMs: z.number().int().min(100).default(15_000),
  maxBytes: z.number().int().min(1024).default(5_000_000),
  retries: z.number().int().min(0).max(10).default(3),
  backoffMs: z.number().int().min(0).default(1000),
  /** Longest Retry-After we are willing to wait; longer ones skip the page. */
  maxRetryAfterMs: z.number().int().min(0).default(120_000),
  maxRedirects: z.number().int().min(0).max(20).default(5),
});
export type CrawlSettings = z.infer<typeof crawlSettingsSchema>;

export const adminPricesConfigSchema = z.object({
  /** National currency prices are converted to (ISO 4217). */
  currency: z.string().regex(/^[A-Z]{3}$/),
  sources: z.array(priceSourceConfigSchema),
});

/**
 * The `sources` configuration: per administration, its national currency and price sources, plus shared
 * crawl settings. A file holding a single administration's `{ currency, sources }` is accepted too.
 */
export const pricesConfigSchema = z.object({
  settings: crawlSettingsSchema.default(crawlSettingsSchema.parse({})),
  administrations: z.record(z.string().regex(/^[A-Z0-9]{2,10}$/), adminPricesConfigSchema),
});
export type PricesConfig = z.infer<typeof pricesConfigSchema>;

export function parsePricesConfig(json: unknown, admin?: string): PricesConfig {
  const obj = json as Record<string, unknown> | null;
  if (obj && typeof obj === 'object' && !('administrations' in obj) && 'sources' in obj) {
    if (!admin) throw new Error('this config holds one administration: give --admin');
    const { settings, ...rest } = obj;
    return pricesConfigSchema.parse({ settings, administrations: { [admin]: rest } });
  }
  return pricesConfigSchema.parse(json);
}

/** The mapping entry for a page: by URL pattern, sku or gtin (first match wins). */
export function mapProduct(
  source: PriceSourceConfig,
  page: { url: string; sku: string | null; gtin: string | null },
): { productKey: string | null; hsCode: string | null } {
  for (const m of source.products) {
    const hit =
      (m.urlPattern && new RegExp(m.urlPattern).test(page.url)) ||
      (m.sku && page.sku === m.sku) ||
      (m.gtin && page.gtin === m.gtin);
    if (hit) return { productKey: m.productKey, hsCode: m.hsCode ?? source.hsCode ?? null };
  }
  return { productKey: null, hsCode: source.hsCode ?? null };
}

/** True when the host is an allowed domain or one of its subdomains. */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allowed.some((d) => {
    const a = d.toLowerCase().replace(/^\*?\./, '');
    return h === a || h.endsWith(`.${a}`);
  });
}
