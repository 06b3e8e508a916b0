import { cookies, headers } from 'next/headers';
import { dictionaries, type Dictionary } from './dictionaries';
import { LANGUAGE_COOKIE, negotiateLanguage, type UiLanguage } from './negotiate';

export { LANGUAGE_COOKIE, negotiateLanguage, uiLanguages, type UiLanguage } from './negotiate';

export async function currentLanguage(): Promise<UiLanguage> {
  const [jar, h] = await Promise.all([cookies(), headers()]);
  return negotiateLanguage(jar.get(LANGUAGE_COOKIE)?.value, h.get('accept-language'));
}

export async function translations(): Promise<{ lang: UiLanguage; t: Dictionary }> {
  const lang = await currentLanguage();
  return { lang, t: dictionaries[lang] as Dictionary };
}
