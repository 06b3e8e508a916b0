export const uiLanguages = ['en', 'ko'] as const;
export type UiLanguage = (typeof uiLanguages)[number];
export const LANGUAGE_COOKIE = 'kubelab.lang';

/** The cookie wins (the learner chose), then Accept-Language by quality, then English. */
export function negotiateLanguage(cookie: string | undefined, acceptLanguage: string | null | undefined): UiLanguage {
  if (cookie && (uiLanguages as readonly string[]).includes(cookie)) return cookie as UiLanguage;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { lang: tag.toLowerCase().split('-')[0], q: q ? Number(q) : 1 };
    })
    .filter((x) => x.lang)
    .sort((a, b) => b.q - a.q);
  for (const { lang, q } of ranked) if (q > 0 && (uiLanguages as readonly string[]).includes(lang)) return lang as UiLanguage;
  return 'en';
}
