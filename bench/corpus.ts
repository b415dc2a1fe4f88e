import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CorpusArticle {
  name: string;
  bytes: Uint8Array;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BBC_DIR = path.resolve(repoRoot, '../shared/corpora/bbc');
const GENERATED_SIZE = 2000;

/**
 * The BBC corpus (2,225 real articles, some with raw Latin-1 bytes) when the shared folder is
 * beside the repo; otherwise a deterministic synthetic corpus of the same shape, so the benchmark
 * runs anywhere.
 */
export function loadCorpus(limit?: number): CorpusArticle[] {
  const articles = existsSync(BBC_DIR) ? readBbc() : generateCorpus(limit ?? GENERATED_SIZE);
  return limit === undefined ? articles : articles.slice(0, limit);
}

function readBbc(): CorpusArticle[] {
  const articles: CorpusArticle[] = [];
  for (const category of readdirSync(BBC_DIR).sort()) {
    const folder = path.join(BBC_DIR, category);
    if (!existsSync(folder) || !/^[a-z]+$/.test(category)) continue;
    for (const file of readdirSync(folder).sort()) {
      if (file.endsWith('.txt')) {
        articles.push({
          name: `${category}/${file}`,
          bytes: new Uint8Array(readFileSync(path.join(folder, file))),
        });
      }
    }
  }
  return articles;
}

/** mulberry32: a tiny seeded PRNG, so the synthetic corpus is identical on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS = [
  'The council',
  'Ministers',
  'The harbour authority',
  'Local growers',
  'The rail operator',
  'Union leaders',
  'The regional bank',
  'Researchers at Eastbrook University',
  'Fire crews',
  'The city museum',
];
const VERBS = [
  'announced',
  'rejected',
  'delayed',
  'approved',
  'questioned',
  'welcomed',
  'criticised',
  'expanded',
  'reviewed',
  'postponed',
];
const OBJECTS = [
  'plans for a new ferry terminal',
  'a rise in water charges',
  'the budget for road repairs',
  'a study of coastal erosion',
  'the closure of two branch lines',
  'a scheme to insulate older homes',
  'the sale of the old mill',
  'funding for night buses',
  'new limits on fishing quotas',
  'a review of school meals',
];
const TAILS = [
  'on Tuesday',
  'after months of talks',
  'despite strong objections',
  'following a public consultation',
  'earlier this week',
  'in a short statement',
  'amid rising costs',
  'for the second time this year',
];
const NAMES = [
  'Mara Velden',
  'Tomas Okafor',
  'Ines Brackley',
  'Priya Lindqvist',
  'Owen Castellan',
  'Hana Mirov',
];
const PLACES = ['Kessington', 'Port Alder', 'Marrowby', 'Glenhollow', 'Easterleigh', 'Falbrook'];

function pick<T>(random: () => number, list: T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

function sentence(random: () => number): string {
  const quote =
    random() < 0.25
      ? ` "${pick(random, ['It is a fair deal', 'We were not consulted', 'The numbers speak for themselves', 'This is only the start'])}," said ${pick(random, NAMES)}.`
      : '';
  return `${pick(random, SUBJECTS)} in ${pick(random, PLACES)} ${pick(random, VERBS)} ${pick(random, OBJECTS)} ${pick(random, TAILS)}.${quote}`;
}

export function generateCorpus(count: number, seed = 20160422): CorpusArticle[] {
  const random = prng(seed);
  const encoder = new TextEncoder();
  const articles: CorpusArticle[] = [];
  for (let i = 0; i < count; i++) {
    const title = `${pick(random, SUBJECTS)} ${pick(random, VERBS)} ${pick(random, OBJECTS)}`.replace(
      /^The /,
      '',
    );
    const paragraphs = Array.from({ length: 4 + Math.floor(random() * 6) }, () =>
      Array.from({ length: 2 + Math.floor(random() * 3) }, () => sentence(random)).join(' '),
    );
    articles.push({
      name: `generated/${String(i).padStart(4, '0')}.txt`,
      bytes: encoder.encode(`${title}\n\n${paragraphs.join('\n\n')}\n`),
    });
  }
  return articles;
}

const HTML_DIR = path.resolve(repoRoot, '../shared/corpora/readability-pages');

/**
 * Real web pages (the readability-pages corpus) when the shared folder is beside the repo;
 * otherwise the text corpus rendered as pages with a header, navigation and footer around the story.
 */
export function loadHtmlCorpus(): CorpusArticle[] {
  if (existsSync(HTML_DIR)) {
    return readdirSync(HTML_DIR)
      .sort()
      .filter((name) => existsSync(path.join(HTML_DIR, name, 'source.html')))
      .map((name) => ({
        name,
        bytes: new Uint8Array(readFileSync(path.join(HTML_DIR, name, 'source.html'))),
      }));
  }
  return generateCorpus(300).map((article) => {
    const [title = '', ...paragraphs] = new TextDecoder()
      .decode(article.bytes)
      .split(/\n\n/)
      .filter((block) => block.trim() !== '');
    const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>${escapeHtml(title)}</h1>${paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join('\n')}</article></main>
<aside class="related"><ul><li><a href="/a">Another story</a></li><li><a href="/b">And another</a></li></ul></aside>
<footer>© News Example</footer></body></html>`;
    return { name: article.name.replace(/\.txt$/, '.html'), bytes: new TextEncoder().encode(page) };
  });
}
