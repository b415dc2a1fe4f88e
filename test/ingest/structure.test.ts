import t from 'tap';
import type { Block } from '../../src/ingest/blocks.js';
import { parseArticle } from '../../src/ingest/parse.js';
import { structureBlocks } from '../../src/ingest/structure.js';

const prose =
  'The harbour authority said on Tuesday that the new cranes would arrive in the spring and be working by the summer.';

function parse(text: string, sourceUrl: string | null = null) {
  const outcome = parseArticle({ body: text, contentType: 'text/plain', sourceUrl });
  if (!outcome.ok) throw new Error(outcome.detail);
  return outcome;
}

t.test('a byline or caption before the title does not hide it', async (t) => {
  const outcome = parse(`By Ines Brackley\n\nCranes due in spring\n\n${prose}\n\n${prose}`);
  t.equal(outcome.article.title, 'Cranes due in spring');
  t.same(outcome.article.authors, [{ name: 'Ines Brackley', bio: null }]);
});

t.test('without a title line the first sentence stands in, with a warning', async (t) => {
  const outcome = parse(`${prose} ${prose}\n\n${prose}`);
  t.equal(outcome.article.title, prose.replace(/\.$/, ''));
  t.equal(outcome.fields.title, 'plain:first-sentence');
  t.ok(
    outcome.warnings.some(
      (warning) =>
        warning.code === 'no-title' &&
        warning.message === 'no title line found; the first sentence was used as the title',
    ),
  );
});

t.test('a short line between paragraphs is a sub-heading in the HTML', async (t) => {
  const outcome = parse(`Cranes due in spring\n\n${prose}\n\nWhat happens to the drivers\n\n${prose}`);
  t.same(outcome.article.paragraphs, [prose, 'What happens to the drivers', prose]);
  t.match(outcome.article.bodyHtml, /<h2>What happens to the drivers<\/h2>/);
});

t.test('the byline date outranks the URL date, which outranks a caption date', async (t) => {
  const url = 'https://news.example.com/2024/05/06/cranes';
  t.equal(
    parse(`Cranes\n\nPublished 7 May 2024\n\n${prose}\n\n${prose}`, url).fields.publishedAt,
    'plain:date-line',
  );
  const fromUrl = parse(`Cranes\n\n24-05-01 The quay at dawn\n\n${prose}\n\n${prose}`, url);
  t.equal(fromUrl.article.publishedAt, '2024-05-06T00:00:00.000Z');
  t.equal(fromUrl.fields.publishedAt, 'source-url');
  t.equal(fromUrl.article.images[0]?.date, '2024-05-01', 'the caption keeps its own date');
});

t.test('explicit tags come first, deduplicated by slug, never empty', async (t) => {
  const outcome = parse(
    `Port Alder cranes arrive\n\n${prose} Port Alder is busy.\n\n${prose} Port Alder again.\n\nTags: Cranes, , cranes, Port Alder,`,
  );
  const tags = outcome.article.tags;
  t.same(
    tags.filter((tag) => !tag.derived).map((tag) => tag.name),
    ['Cranes', 'Port Alder'],
  );
  t.notOk(
    tags.some((tag) => tag.derived && tag.name === 'Port Alder'),
    'a derived duplicate is dropped',
  );
  t.ok(tags.every((tag) => tag.name.trim().length > 0));
});

t.test('a blog\'s "Labels:" and a news site\'s "In this article:" list the tags', async (t) => {
  for (const label of ['Labels', 'In this article']) {
    const outcome = parse(
      `Cranes due in spring\n\n${prose}\n\n${prose}\n\n${label}: harbour, cranes, Port Alder`,
    );
    t.same(
      outcome.article.tags.filter((tag) => !tag.derived).map((tag) => tag.name),
      ['harbour', 'cranes', 'Port Alder'],
      label,
    );
    t.equal(outcome.article.paragraphs.length, 2, `${label}: not a paragraph`);
  }
});

t.test('excerpt is cut at a word boundary with an ellipsis', async (t) => {
  const outcome = parse(`Cranes\n\n${prose} ${prose} ${prose}\n\n${prose}`);
  t.ok(outcome.article.excerpt.length <= 301);
  t.match(outcome.article.excerpt, /\w…$/);
});

t.test('in HTML, three or more short links before the first sentence are a menu', async (t) => {
  const link = (text: string) => ({ text, kind: 'item' as const, linkDensity: 1 });
  const story = { text: prose, kind: 'text' as const, linkDensity: 0 };
  const menu = ['Home', 'Harbour', 'Misc.', 'Weather'].map(link);
  const read = (blocks: Block[]) => structureBlocks(blocks, null, {}).body.map((item) => item.text);
  t.same(read([...menu, story, story]), [prose, prose]);
  t.same(
    structureBlocks([...menu, story], null, {}).removed.map((block) => block.kind),
    ['navigation', 'navigation', 'navigation', 'navigation'],
  );
  // Two links are not yet a menu, and a short list that is not linked may open an article.
  t.same(read([link('Home'), link('Harbour'), story]), ['Home', 'Harbour', prose]);
  const list = ['Two eggs', 'Flour', 'Butter'].map((text) => ({
    text,
    kind: 'item' as const,
    linkDensity: 0,
  }));
  t.same(read([...list, story]), ['Two eggs', 'Flour', 'Butter', prose]);
  // Links after the first sentence are the story's own.
  t.same(read([story, ...menu, story]), [prose, 'Home', 'Harbour', 'Misc.', 'Weather', prose]);
});

t.test('byline text read outside the content never enters the body', async (t) => {
  const story = { text: prose, kind: 'text' as const, linkDensity: 0 };
  const junk = 'Ines Brackley | Sep. 21, 2011, 3:17 PM | 1,209 | 5';
  const structure = structureBlocks([story, story], null, {
    title: { value: 'Cranes due in spring', rule: 'html:h1' },
    bylineLines: [junk],
  });
  t.same(
    structure.body.map((item) => item.text),
    [prose, prose],
  );
  t.same(structure.removed, [{ kind: 'other', text: junk }]);
});

t.test('a page whose only prose reads as comments still has its menus cut from it', async (t) => {
  const comment = (who: string, text: string) => `${who} on Mar 4, 10:02 AM said:\n\n${text}\n\nReply`;
  const letters = [
    'I have lived on the quay road for twenty years and nobody from the council has ever asked us what we think about the traffic on it.',
    'The car park is long overdue in my opinion, because every summer the visitors park on the pavements and the buses cannot get through.',
    'Four hundred cars a day is not a few more cars, it is a car every two minutes through a street where children walk to school.',
  ];
  const page = [
    'Riverside Courier',
    'Home',
    'News',
    'Sport',
    'Opinion',
    'Weather',
    'Readers write in',
    ...letters.map((text, index) => comment(`reader${index}`, text)),
    'Most read',
    'Ferry timetable to change in March',
  ].join('\n\n');
  const { paragraphs } = parse(page).article;
  for (const letter of letters) t.ok(paragraphs.includes(letter), 'each letter is kept');
  for (const chrome of ['Home', 'Weather', 'Readers write in', 'Most read'])
    t.notOk(paragraphs.includes(chrome), `${chrome} is cut`);
});

t.test("a copied page's headline, printed twice, keeps the byline between the two", async (t) => {
  const story = [
    'The ferry company will run a second boat to the islands from May, after a winter in which the single boat was full on most crossings.',
    'The second boat, bought from a company in the north, needs new seats and a ramp before it can carry cars, and the work starts this month.',
    'Islanders asked for a later crossing on Fridays too, and the company said it would try one in the summer timetable.',
  ];
  const text = [
    'Island Gazette',
    'Home',
    'News',
    'Sport',
    'Most read',
    'Harbour cafe closes for the winter',
    'Ferry company adds a second boat for the islands',
    'Posted by Ines Brackley on May 2, 2024',
    'Ferry company adds a second boat for the islands',
    ...story,
  ].join('\n\n');
  const outcome = parse(text);
  t.equal(outcome.article.title, 'Ferry company adds a second boat for the islands');
  t.equal(outcome.fields.title, 'plain:copied-headline');
  t.same(outcome.article.authors, [{ name: 'Ines Brackley', bio: null }]);
  t.equal(outcome.article.publishedAt, '2024-05-02T00:00:00.000Z');
  t.equal(outcome.article.paragraphs.length, 3, 'neither copy of the headline is a paragraph');
});

t.test(
  "a copied page in Chinese: the headline shares the story's character pairs, not the site name",
  async (t) => {
    const text = [
      '港口日报',
      '首页',
      '新闻',
      '体育',
      '财经',
      '热门文章',
      '市中心的咖啡馆冬天关门',
      '港口新建两台起重机明年春天投入使用',
      '分享到微信',
      '港口管理局星期二表示，两台新的起重机将在明年春天运到港口，并在夏天之前投入使用，这是港口十年来最大的一笔投资。',
      '管理局说，新起重机可以让港口每天多装卸三百个集装箱，船只在港外等待的时间也会因此缩短一半左右。',
      '附近的居民希望港口在晚上减少噪音，管理局表示会在夜间限制起重机的工作时间，并在码头边种树。',
    ].join('\n\n');
    const outcome = parse(text);
    t.equal(outcome.article.title, '港口新建两台起重机明年春天投入使用');
    t.equal(outcome.fields.title, 'plain:copied-headline');
    t.equal(outcome.article.paragraphs.length, 3, 'the teaser is no paragraph either');
  },
);

t.test("a broadcaster's media caption and an agency's file photo are captions, not the story", async (t) => {
  const outcome = parse(
    [
      'Cranes due in spring',
      'Media caption The harbour master explains where the cranes will stand',
      prose,
      'Jane Roe, File - FILE - In this May 2, 2019 file photo, a crane unloads a ship at the harbour.',
      prose,
    ].join('\n\n'),
  );
  t.equal(outcome.article.title, 'Cranes due in spring');
  t.equal(outcome.article.paragraphs.length, 2);
  t.same(
    outcome.article.images.map((image) => image.caption),
    [
      'The harbour master explains where the cranes will stand',
      'In this May 2, 2019 file photo, a crane unloads a ship at the harbour.',
    ],
  );
});
